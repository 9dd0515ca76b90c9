"""Digit runs: card numbers, phone numbers and other long numbers, typed or spoken.

Consecutive words that read as digits (``4111``, ``four``, ``double five``, ``twenty three``,
Korean ``공일공``) make one run; a few words may sit inside a run without ending it ("dash",
"uh"). A run is then, in this order:

- a **card** when it has 13 to 19 digits and passes the Luhn check (ISO/IEC 7812 lengths);
- a **phone** number when ``phonenumbers`` finds a valid number spanning the whole run, read in
  the business's region, or as E.164 when it starts with ``+`` or "plus";
- a long **number** when it has at least ``LONG_RUN_DIGITS`` digits, whatever it is.

Why six: below six digits a number is far more often harmless than private, and cannot be told
apart: a menu key, a quantity, a year (4), a price, a house number, a time, a ZIP code (5). From
six up it is most often an account or customer number, a date of birth read as digits (8), a
social security number (9), a one-time code (6), an IBAN or a card whose digits were misheard (a
card that fails Luhn is still masked, as a number). The cost: 4-digit PINs and the last four of a
card are not masked; a year, a price or "press 2" survive, which search needs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import phonenumbers

from .spoken import SpokenForms
from .tokens import Span, Token

CARD = "[card]"
PHONE = "[phone]"
NUMBER = "[number]"

LONG_RUN_DIGITS = 6
CARD_DIGITS = range(13, 20)
PHONE_DIGITS = range(7, 16)
"""E.164 allows at most 15 digits; fewer than 7 is no one's full number."""

_TYPED_DIGITS = re.compile(r"\+?\d[\d()./-]*")
_DECIMAL = re.compile(r"\d+\.\d{1,2}")
"""45.99 or 3.5: an amount or a measure, not the digits of a number."""
_SENTENCE_MARKS = ",;.!?"
_DASHES = frozenset({"-", "–", "—", "/", "."})


def luhn_valid(digits: str) -> bool:
    """The check digit every payment card carries: what tells a card from any 16 digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_phone_number(candidate: str, region: str) -> bool:
    """A valid number by ``phonenumbers``' metadata, matched over the whole candidate.

    Leniency ``VALID`` and not ``POSSIBLE``: speech has no formatting to check, but a valid area
    code and length tell a phone number from an account number of the same length.
    """
    matcher = phonenumbers.PhoneNumberMatcher(
        candidate, region, leniency=phonenumbers.Leniency.VALID
    )
    return any(m.start == 0 and m.end == len(candidate) for m in matcher)


def classify(digits: str, *, plus: bool, region: str) -> str | None:
    """The mask for a run of digits, or None when it is short enough to be harmless."""
    if len(digits) in CARD_DIGITS and luhn_valid(digits):
        return CARD
    if len(digits) in PHONE_DIGITS and is_phone_number(("+" if plus else "") + digits, region):
        return PHONE
    if len(digits) >= LONG_RUN_DIGITS:
        return NUMBER
    return None


def _typed_digits(core: str) -> str | None:
    if _TYPED_DIGITS.fullmatch(core) and not _DECIMAL.fullmatch(core):
        return re.sub(r"\D", "", core)
    return None


def _syllables(key: str, forms: SpokenForms) -> str | None:
    """Korean-style digits written as one word, a trailing particle allowed ("오육칠팔이에요")."""
    for suffix in ("", *forms.suffixes):
        if not key.endswith(suffix):
            continue
        stem = key[: len(key) - len(suffix)]
        if stem and all(char in forms.digits for char in stem):
            return "".join(forms.digits[char] for char in stem)
    return None


class _Reader:
    """Reads the digits a word stands for with the tables of the text's language(s)."""

    def __init__(self, forms: Sequence[SpokenForms]) -> None:
        self.forms = forms

    def digit(self, token: Token) -> str | None:
        """The digits of a word that is digits by itself (not "double", not "twenty")."""
        typed = _typed_digits(token.core)
        if typed is not None:
            return typed
        key = token.key
        for forms in self.forms:
            if key in forms.digits:
                return forms.digits[key]
            if key in forms.teens:
                return forms.teens[key]
            if forms.syllable_digits:
                read = _syllables(key, forms)
                if read is not None:
                    return read
        return None

    def single(self, token: Token) -> str | None:
        read = self.digit(token)
        return read if read is not None and len(read) == 1 else None

    def multiplier(self, token: Token) -> int | None:
        return next(
            (f.multipliers[token.key] for f in self.forms if token.key in f.multipliers), None
        )

    def tens(self, token: Token) -> str | None:
        return next((f.tens[token.key] for f in self.forms if token.key in f.tens), None)

    def read(self, token: Token, following: Token | None) -> tuple[str, int] | None:
        """The digits ``token`` stands for and how many words that took (two for "double
        five" and "twenty three"), or None when it is no number word."""
        if (times := self.multiplier(token)) and following and (unit := self.single(following)):
            return unit * times, 2
        if (ten := self.tens(token)) is not None:
            if following is not None and _typed_digits(following.core) is None:
                unit = self.single(following)
                if unit is not None and unit != "0":
                    return ten + unit, 2
            return ten + "0", 1
        read = self.digit(token)
        return (read, 1) if read is not None else None

    def is_plus(self, token: Token) -> bool:
        return token.core.startswith("+") or any(token.key in f.plus for f in self.forms)

    def is_joiner(self, token: Token) -> bool:
        return token.text in _DASHES or any(token.key in f.run_joiners for f in self.forms)


def find_digit_runs(
    tokens: Sequence[Token],
    forms: Sequence[SpokenForms],
    *,
    region: str,
    taken: Collection[int] = (),
) -> list[Span]:
    """Spans of runs to mask, skipping tokens already ``taken`` by another rule."""
    reader = _Reader(forms)
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        span, index = _run_at(tokens, index, reader, region=region, taken=taken)
        if span is not None:
            spans.append(span)
    return spans


def _run_at(
    tokens: Sequence[Token], start: int, reader: _Reader, *, region: str, taken: Collection[int]
) -> tuple[Span | None, int]:
    """The run starting at ``start`` (maybe none), and where to look next."""

    def at(i: int) -> Token | None:
        return tokens[i] if i < len(tokens) and i not in taken else None

    i = start
    plus = False
    first = at(i)
    if first is None:
        return None, start + 1
    if reader.is_plus(first) and reader.digit(first) is None:
        following = at(i + 1)
        if following is None or reader.digit(following) is None:
            return None, start + 1
        plus, i = True, i + 1
    elif first.core.startswith("+"):
        plus = True

    digits = ""
    end = i  # one past the last token that gave digits
    while (token := at(i)) is not None:
        if (read := reader.read(token, at(i + 1))) is not None:
            value, used = read
            digits += value
            i += used
        elif digits and reader.is_joiner(token):
            i += 1
            continue  # only kept if more digits follow
        else:
            break
        end = i
        if any(mark in tokens[i - 1].suffix for mark in _SENTENCE_MARKS):
            break  # "on the 12, 2024 ...": a comma or full stop ends a number
    if not digits:
        return None, start + 1
    mask = classify(digits, plus=plus, region=region)
    return (Span(start, end, mask) if mask else None), end
