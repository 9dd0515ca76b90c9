"""Domain errors: what can go wrong in the core, in the contact centre's words.

The hierarchy::

    IvrError                 anything the core raises on purpose
     ├── FlowError           call-flow files that cannot be used: carries every problem found
     └── FlowStateError      a webhook asked to continue a call from a place the flow does not
                             have (unknown step or language, a step that does not wait for the
                             caller): the web layer answers with ``interpreter.fallback``

Flows are checked once, at start-up and by ``ivr callflows check``, so a ``FlowError`` never
reaches a caller; a ``FlowStateError`` may (an old URL after a deploy), and must end with the
caller routed to a person, never with a crash toward Twilio.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivr.core.flows.problems import Problem


class IvrError(Exception):
    """Base of the errors the core raises on purpose."""


class FlowError(IvrError):
    """One or more call-flow files are unusable; ``problems`` lists them all, not just the first.

    Reporting every problem at once saves the business owner a fix-and-retry round per typo.
    """

    def __init__(self, problems: Iterable[Problem | str]) -> None:
        # Plain strings serve problems that belong to no file (e.g. a default flow missing).
        self.problems: tuple[Problem | str, ...] = tuple(problems)
        lines = [str(problem) for problem in self.problems] or ["call flows are not valid"]
        super().__init__("\n".join(lines))


class FlowStateError(IvrError):
    """A call cannot continue from the state it came back with."""
