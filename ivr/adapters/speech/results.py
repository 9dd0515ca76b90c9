"""Vosk's JSON results to ``Segment``s on the recording's clock.

With ``SetWords(True)`` a result is ``{"text": ..., "result": [{"word", "start", "end",
"conf"}, ...]}``; silence gives ``{"text": ""}`` with no ``result``. A recogniser's clock counts
the audio it was fed, so when only voiced regions are fed, each region's words are moved by
(region's start in the recording) - (audio fed before the region). Pure: no Vosk import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ivr.core.transcripts import Segment, Word

_DECIMALS = 3
"""Millisecond precision: Vosk's times are multiples of 10 ms (a frame) or interpolated."""


def segment_from_result(
    result: str | Mapping[str, Any], *, speaker: str, shift_seconds: float = 0.0
) -> Segment | None:
    """One recogniser result as a segment, or None when it holds no words."""
    data = json.loads(result) if isinstance(result, str) else result
    words = tuple(
        Word(
            text=str(item["word"]),
            start=round(float(item["start"]) + shift_seconds, _DECIMALS),
            end=round(float(item["end"]) + shift_seconds, _DECIMALS),
            confidence=round(float(item.get("conf", 1.0)), _DECIMALS),
        )
        for item in data.get("result") or ()
        if str(item.get("word", "")).strip()
    )
    if not words:
        return None
    return Segment(speaker=speaker, start=words[0].start, end=words[-1].end, words=words)
