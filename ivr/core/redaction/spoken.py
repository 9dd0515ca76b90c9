"""How numbers and e-mail addresses sound, per language, as a speech recogniser writes them.

A recogniser writes what it hears as words ("four one one one", "john dot smith at example dot
com"), never as digits or symbols, so the redaction rules read these words back into digits and
punctuation before they decide anything. Each language is one table; adding a language is adding
a table here, nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class SpokenForms:
    """One language's words for digits, for the symbols of an address, and its fillers."""

    digits: Mapping[str, str]
    """A word for one digit, or for a run of digit syllables (see ``syllable_digits``)."""
    teens: Mapping[str, str] = field(default_factory=dict)
    """Words read as two digits on their own ("fifteen" -> "15")."""
    tens: Mapping[str, str] = field(default_factory=dict)
    """"twenty" -> "2": "twenty three" is "23", "twenty" alone is "20"."""
    multipliers: Mapping[str, int] = field(default_factory=dict)
    """"double five" is "55": how people read repeated digits of a card or phone number."""
    plus: frozenset[str] = frozenset()
    """The word for ``+`` before a country code (E.164 read aloud)."""
    at: frozenset[str] = frozenset()
    dot: frozenset[str] = frozenset()
    address_joiners: Mapping[str, str] = field(default_factory=dict)
    """Other words spoken inside an e-mail address ("underscore" -> "_")."""
    run_joiners: frozenset[str] = frozenset()
    """Words that may sit between the digits of one number ("dash", "uh") without ending it."""
    syllable_digits: bool = False
    """Digits are single syllables that the recogniser may write run together as one word
    (Korean "공일공" for 010): a word made only of digit syllables is read syllable by syllable."""
    suffixes: tuple[str, ...] = ()
    """Particles a recogniser writes onto the last digit syllable ("오육칠팔이에요"), longest
    first; only read with ``syllable_digits``."""


ENGLISH = SpokenForms(
    digits=MappingProxyType(
        {
            "zero": "0",
            "oh": "0",
            "o": "0",
            "one": "1",
            "two": "2",
            "three": "3",
            "four": "4",
            "five": "5",
            "six": "6",
            "seven": "7",
            "eight": "8",
            "nine": "9",
        }
    ),
    teens=MappingProxyType(
        {
            "ten": "10",
            "eleven": "11",
            "twelve": "12",
            "thirteen": "13",
            "fourteen": "14",
            "fifteen": "15",
            "sixteen": "16",
            "seventeen": "17",
            "eighteen": "18",
            "nineteen": "19",
        }
    ),
    tens=MappingProxyType(
        {
            "twenty": "2",
            "thirty": "3",
            "forty": "4",
            "fifty": "5",
            "sixty": "6",
            "seventy": "7",
            "eighty": "8",
            "ninety": "9",
        }
    ),
    multipliers=MappingProxyType({"double": 2, "triple": 3}),
    plus=frozenset({"plus"}),
    at=frozenset({"at"}),
    dot=frozenset({"dot", "period"}),
    address_joiners=MappingProxyType({"underscore": "_", "dash": "-", "hyphen": "-", "minus": "-"}),
    run_joiners=frozenset({"dash", "hyphen", "uh", "um", "er", "erm", "hmm"}),
)

SPANISH = SpokenForms(
    digits=MappingProxyType(
        {
            "cero": "0",
            "uno": "1",
            "una": "1",
            "dos": "2",
            "tres": "3",
            "cuatro": "4",
            "cinco": "5",
            "seis": "6",
            "siete": "7",
            "ocho": "8",
            "nueve": "9",
        }
    ),
    plus=frozenset({"más"}),
    at=frozenset({"arroba"}),
    dot=frozenset({"punto"}),
    address_joiners=MappingProxyType({"guion": "-", "guión": "-", "bajo": "_"}),
    run_joiners=frozenset({"guion", "guión", "eh", "este"}),
)

KOREAN = SpokenForms(
    # Sino-Korean digits, the ones used to read phone and card numbers; 공 is zero in numbers.
    digits=MappingProxyType(
        {
            "영": "0",
            "공": "0",
            "일": "1",
            "이": "2",
            "삼": "3",
            "사": "4",
            "오": "5",
            "육": "6",
            "륙": "6",
            "칠": "7",
            "팔": "8",
            "구": "9",
        }
    ),
    plus=frozenset({"플러스"}),
    at=frozenset({"골뱅이", "앳"}),
    dot=frozenset({"점", "닷"}),
    address_joiners=MappingProxyType({"언더바": "_", "하이픈": "-"}),
    # In a Korean phone number the dash is read 에 ("공일공에 일이삼사").
    run_joiners=frozenset({"에", "하이픈", "어", "음"}),
    syllable_digits=True,
    suffixes=("번이에요", "이에요", "입니다", "예요", "에", "번"),
)

LANGUAGES: Mapping[str, SpokenForms] = MappingProxyType(
    {"en": ENGLISH, "es": SPANISH, "ko": KOREAN}
)
"""By the primary subtag of a language tag (``en-US`` -> ``en``)."""


def forms_for(language: str | None) -> tuple[SpokenForms, ...]:
    """The tables to read a text with: its language's, or every table when it is unknown.

    Unknown text (a reason typed into a form, a language with no table) is read with all of
    them: masking a number said in another language is better than storing it.
    """
    if language:
        primary = language.split("-", 1)[0].split("_", 1)[0].lower()
        if primary in LANGUAGES:
            return (LANGUAGES[primary],)
    return tuple(LANGUAGES.values())
