"""PII redaction: what a transcript or a reason may keep before it is stored and searched.

Masked, each by one token naming what was there:

- ``[card]``: payment card numbers (13-19 digits, Luhn-valid);
- ``[phone]``: phone numbers (``phonenumbers``, valid in the business's region, or E.164);
- ``[number]``: any other run of 6 digits or more (why six: ``numbers``);
- ``[email]``: e-mail addresses.

Digits and addresses are recognised typed and spoken ("four one one one ...", "double five",
"john dot smith at example dot com"), in English, Spanish and Korean (``spoken``: one table per
language). Nothing here does I/O; the stored transcript is only ever the redacted one.

A masked span of several words becomes **one** word: the first word of the span carries the
mask, over the span's whole time (first start to last end, lowest confidence), the others are
dropped. So the audio can still be sought to where it was said, but neither the text nor the
word count tells how many digits there were. A span may cross a pause: a card read in four
groups falls into four segments of one speaker, and is read as one run across them; each
segment then keeps one mask word for its part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..transcripts import Segment, Transcript, Word
from .addresses import EMAIL, find_addresses
from .numbers import CARD, LONG_RUN_DIGITS, NUMBER, PHONE, find_digit_runs
from .spoken import forms_for
from .tokens import Span, Token

__all__ = [
    "CARD",
    "EMAIL",
    "LONG_RUN_DIGITS",
    "MASKS",
    "NUMBER",
    "PHONE",
    "DEFAULT_REGION",
    "find_spans",
    "redact_text",
    "redact_transcript",
]

MASKS = frozenset({CARD, PHONE, NUMBER, EMAIL})
DEFAULT_REGION = "US"
"""The region national phone numbers are read in when the caller does not say
(pass the business number's region: ``phonenumbers.region_code_for_number``)."""

_WORD = re.compile(r"\S+")


def find_spans(
    words: Sequence[str], *, language: str | None = None, region: str = DEFAULT_REGION
) -> list[Span]:
    """The spans of ``words`` to mask, in order and not overlapping. Addresses are found
    first: the digits inside one are the address's, not a number of their own."""
    tokens = [Token(word) for word in words]
    forms = forms_for(language)
    addresses = find_addresses(tokens, forms)
    taken = {i for span in addresses for i in range(span.start, span.end)}
    numbers = find_digit_runs(tokens, forms, region=region, taken=taken)
    return sorted(addresses + numbers, key=lambda span: span.start)


def redact_text(text: str, *, language: str | None = None, region: str = DEFAULT_REGION) -> str:
    """``text`` with its PII masked; spacing, line breaks and surrounding punctuation kept.

    ``language`` picks the table of spoken number words; without it every table is used.
    """
    matches = list(_WORD.finditer(text))
    spans = find_spans([m.group() for m in matches], language=language, region=region)
    pieces: list[str] = []
    position = 0
    for span in spans:
        first, last = matches[span.start], matches[span.end - 1]
        pieces.append(text[position : first.start()])
        pieces.append(_masked(Token(first.group()), Token(last.group()), text, first, last, span))
        position = last.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _masked(
    first: Token, last: Token, text: str, m_first: re.Match[str], m_last: re.Match[str], span: Span
) -> str:
    """The mask with the punctuation around the span, but not brackets that were the number's
    own (``(415) 555-0123`` becomes ``[phone]``, ``(415 555 0123)`` becomes ``([phone])``)."""
    prefix, suffix = first.prefix, last.suffix
    inner = text[m_first.start() + len(prefix) : m_last.end() - len(suffix)]
    if "(" in prefix and inner.count(")") > inner.count("("):
        prefix = prefix.replace("(", "", 1)
    if ")" in suffix and inner.count("(") > inner.count(")"):
        suffix = suffix.replace(")", "", 1)
    return prefix + span.mask + suffix


def redact_transcript(transcript: Transcript, *, region: str = DEFAULT_REGION) -> Transcript:
    """The same transcript, segments and timings, with PII words masked (see the module).

    Each speaker's words are read as one stream in time order, so a number spoken across a
    pause is still one number.
    """
    replaced: dict[int, Segment] = {}
    speakers = sorted({segment.speaker for segment in transcript.segments})
    for speaker in speakers:
        order = [
            i
            for i, _ in sorted(
                ((i, s) for i, s in enumerate(transcript.segments) if s.speaker == speaker),
                key=lambda pair: (pair[1].start, pair[0]),
            )
        ]
        places = [(i, w) for i in order for w in range(len(transcript.segments[i].words))]
        words = [transcript.segments[i].words[w].text for i, w in places]
        spans = find_spans(words, language=transcript.language, region=region)
        masks = _masks_by_place(spans, places)
        for i in order:
            segment = transcript.segments[i]
            replaced[i] = replace(segment, words=_mask_words(segment.words, masks.get(i, {})))
    segments = tuple(replaced.get(i, s) for i, s in enumerate(transcript.segments))
    return replace(transcript, segments=segments)


def _masks_by_place(
    spans: Sequence[Span], places: Sequence[tuple[int, int]]
) -> dict[int, dict[int, tuple[str, int]]]:
    """Per segment, per word index: (mask, index one past the span's last word there)."""
    by_segment: dict[int, dict[int, tuple[str, int]]] = {}
    for span in spans:
        runs: dict[int, list[int]] = {}
        for segment, word in places[span.start : span.end]:
            runs.setdefault(segment, []).append(word)
        for segment, indexes in runs.items():
            by_segment.setdefault(segment, {})[indexes[0]] = (span.mask, indexes[-1] + 1)
    return by_segment


def _mask_words(words: tuple[Word, ...], masks: dict[int, tuple[str, int]]) -> tuple[Word, ...]:
    kept: list[Word] = []
    index = 0
    while index < len(words):
        if index in masks:
            mask, end = masks[index]
            covered = words[index:end]
            kept.append(
                Word(
                    text=mask,
                    start=covered[0].start,
                    end=covered[-1].end,
                    confidence=min(w.confidence for w in covered),
                )
            )
            index = end
        else:
            kept.append(words[index])
            index += 1
    return tuple(kept)
