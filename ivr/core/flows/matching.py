"""Does what the caller said contain a menu phrase?

Speech recognition returns sentences ("I want an agent, please."), with capitals, punctuation
and, in Spanish, accents that may or may not be there ("Español", "espanol"). Both the phrase and
the sentence are reduced to bare lowercase words, and the phrase must appear in the sentence as
whole consecutive words: "person" matches "a person please" but not "personal".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> tuple[str, ...]:
    """``"¿Hablo con un Agente?"`` -> ``("hablo", "con", "un", "agente")``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(_WORD.findall(bare))


def contains_phrase(said: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``said`` as consecutive whole words."""
    if not phrase:
        return False
    width = len(phrase)
    return any(said[i : i + width] == phrase for i in range(len(said) - width + 1))


def best_match(said: str, phrases: Iterable[str]) -> int:
    """How many words the longest of ``phrases`` found in ``said`` has; 0 when none is.

    The longest wins so that "technical support" beats "support" when both are options.
    """
    spoken = words_of(said)
    return max(
        (len(words) for words in map(words_of, phrases) if contains_phrase(spoken, words)),
        default=0,
    )
