"""Words as the rules see them: the word itself, and its core without sentence punctuation.

Text typed by a person carries punctuation ("call me on (415) 555-0123."); a recogniser's words
carry none. The rules look at the core, casefolded; what is kept around a mask is the
punctuation, so a redacted sentence still reads as one.
"""

from __future__ import annotations

from dataclasses import dataclass

LEADING = "\"'“‘«¿¡[({<"
TRAILING = ".,;:!?\"'”’»])}>"


@dataclass(frozen=True)
class Token:
    text: str

    @property
    def core(self) -> str:
        return self.text.lstrip(LEADING).rstrip(TRAILING) or self.text

    @property
    def key(self) -> str:
        """The core, casefolded: what is looked up in the tables of spoken words."""
        return self.core.casefold()

    @property
    def prefix(self) -> str:
        core = self.core
        return self.text[: self.text.find(core)] if core != self.text else ""

    @property
    def suffix(self) -> str:
        core = self.core
        if core == self.text:
            return ""
        return self.text[self.text.find(core) + len(core) :]


@dataclass(frozen=True)
class Span:
    """Tokens ``start`` to ``end`` (exclusive) are one piece of PII, replaced by ``mask``."""

    start: int
    end: int
    mask: str

    def covers(self, index: int) -> bool:
        return self.start <= index < self.end
