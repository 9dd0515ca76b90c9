"""One thing wrong with a call-flow file, worded for the person who edits it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A problem names the file, the step (when there is one) and what is wrong.

    ``str(problem)`` is the line ``ivr callflows check`` prints, e.g.
    ``demo.yaml: step "billing" goes to "biling", which does not exist``.
    """

    file: str
    step: str | None
    message: str

    def __str__(self) -> str:
        if self.step is None:
            return f"{self.file}: {self.message}"
        return f'{self.file}: step "{self.step}" {self.message}'
