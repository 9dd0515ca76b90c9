"""Why customers called, from their own words (``calls.reason``, already redacted).

People say the same thing many ways ("My bill is wrong!", "bill wrong", "a wrong bill"), so
exact texts rarely repeat. Two readings are offered:

- **reasons**: the texts normalised (case, accents on Latin letters, punctuation, spaces and
  the redaction masks such as ``[card]`` removed), counted: what people literally said;
- **words**: the meaningful words (not "the", "calling", "my", ...: a short stop list per
  demo language), each counted once per call; and each call's **reason group** is the word of
  its reason that is most frequent among all the calls read, so "my bill is wrong" and "bill
  too high" both land in ``bill``. Crude (no dictionary, no model) and predictable, which is
  what a root-cause list needs: a manager can see why a call is in its group.

Word forms are folded a little: an English or Spanish plural ``s`` on a word of five letters
or more (``bills`` → ``bill``, ``facturas`` → ``factura``), and a Korean noun particle on a
word of three syllables or more (``인터넷이`` → ``인터넷``). An English ``-ed`` or ``-ing``
form joins its plain word when the calls read also use that word (``billed`` → ``bill``,
``charged`` → ``charge``, ``stopped`` → ``stop``): folding against the words people actually
used, never inventing a stem a manager would not recognise (``charg``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

_MASKS = re.compile(r"\[(?:card|phone|number|email)\]")
_WORDS = re.compile(r"[^\W\d_]+")

STOP_WORDS = frozenset(
    # English
    "a an the i i'm im my me mine we our us you your it its it's is am are was were be been "
    "being to of in on at for with about from by and or but not no nor so as if then than "
    "this that these those there here have has had do does did done dont don't doesnt can "
    "cant can't could would should will wont just calling call called calls want wanted need "
    "needs please hi hello hey yes yeah ok okay get got getting because some any what why how "
    "when where who which up out off like also still again today now help know think tell "
    "said say very really too much many one thing something someone there's what's been "
    "talk speak speaking someone anyone"
    # Spanish
    " el la los las un una unos unas de del al a en y e o u que qué mi mis me te se lo le les "
    "su sus es son está esta estoy estan están por para con sin no sí si ya muy pero porque "
    "hola quiero quisiera llamo llamando llamar tengo tiene hay sobre como cómo cuando donde "
    "ayuda favor buenos buenas dias días tardes gracias hablar"
    # Korean
    " 저 제 저는 제가 그 이 좀 네 예 안녕하세요 때문에 문의 전화 전화했어요 관련 해서 "
    "하고 싶어요 있어요 없어요 있습니다 주세요 감사합니다".split()
)

_KOREAN_PARTICLES = ("으로", "에서", "이", "가", "을", "를", "은", "는", "에", "의", "도", "로")


def _fold_letter(char: str) -> str:
    """``é`` → ``e``; any letter that is not an accented Latin one (Hangul) stays itself."""
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0] if decomposed[0].isascii() else char


@lru_cache(maxsize=8192)
def tokens(reason: str) -> tuple[str, ...]:
    """A reason's words, normalised, in order (stop words kept)."""
    text = unicodedata.normalize("NFKC", _MASKS.sub(" ", reason)).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    folded = "".join(_fold_letter(ch) if ch.isalpha() else ch for ch in text)
    return tuple(_WORDS.findall(folded))


def normalised(reason: str | None) -> str | None:
    """The reason as one comparable text (``"my bill is wrong"``); None when nothing is left."""
    if not reason:
        return None
    words = tokens(reason)
    return " ".join(words) or None


def _stem(word: str) -> str:
    if word.isascii():
        if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
        return word
    if len(word) >= 3 and _is_hangul(word):
        for particle in _KOREAN_PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                return word[: -len(particle)]
    return word


def _is_hangul(word: str) -> bool:
    return all("\uac00" <= ch <= "\ud7a3" for ch in word)


def meaningful_words(reason: str | None) -> tuple[str, ...]:
    """The words that say what the call was about, folded, each once, in order."""
    if not reason:
        return ()
    kept: dict[str, None] = {}
    folded_stops = _folded_stop_words()
    for word in tokens(reason):
        if word in folded_stops or len(word) < 2:
            continue
        stem = _stem(word)
        if stem not in folded_stops:
            kept.setdefault(stem, None)
    return tuple(kept)


@lru_cache(maxsize=1)
def _folded_stop_words() -> frozenset[str]:
    return frozenset(word for stop in STOP_WORDS for word in tokens(stop))


@dataclass(frozen=True)
class Counted:
    text: str
    calls: int


def top_reasons(reasons: Iterable[str | None], *, limit: int = 10) -> tuple[Counted, ...]:
    """The normalised reasons said most often, most first (ties alphabetically)."""
    counts = Counter(text for text in map(normalised, reasons) if text)
    return _most_common(counts, limit)


def top_words(reasons: Iterable[str | None], *, limit: int = 15) -> tuple[Counted, ...]:
    """The meaningful words in most calls' reasons, most first (ties alphabetically)."""
    return _most_common(word_counts(reasons), limit)


def word_counts(reasons: Iterable[str | None]) -> Counter[str]:
    """For each meaningful word, how many reasons contain it (``-ed``/``-ing`` forms counted
    with their plain word when the reasons use it too)."""
    said = [meaningful_words(reason) for reason in reasons]
    vocabulary = {word for words in said for word in words}
    counts: Counter[str] = Counter()
    for words in said:
        counts.update({plain_form(word, vocabulary) for word in words})
    return counts


def plain_form(word: str, vocabulary: Collection[str]) -> str:
    """``billed`` is ``bill`` where ``bill`` was said too; else the word as it is."""
    for base in _plain_candidates(word):
        if base in vocabulary:
            return base
    return word


def _plain_candidates(word: str) -> tuple[str, ...]:
    if not word.isascii():
        return ()
    for suffix in ("ing", "ed"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3:
            undoubled = (stem[:-1],) if len(stem) >= 4 and stem[-1] == stem[-2] else ()
            return (stem, stem + "e", *undoubled)
    return ()


def reason_group(reason: str | None, counts: Mapping[str, int]) -> str | None:
    """The reason's word most frequent in ``counts`` (``word_counts`` of all the calls read),
    ties alphabetically; None for a call without a meaningful word."""
    words = {plain_form(word, counts.keys()) for word in meaningful_words(reason)}
    if not words:
        return None
    return min(words, key=lambda word: (-counts.get(word, 0), word))


def _most_common(counts: Counter[str], limit: int) -> tuple[Counted, ...]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Counted(text, n) for text, n in ranked[:limit])
