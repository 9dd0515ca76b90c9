"""CSV exports a manager opens in a spreadsheet: transcripts found by a search, QA reviews.

Transcripts are customer speech, and anyone can say "equals HYPERLINK": a cell a spreadsheet
would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is written with a leading ``'``, so opening the file runs nothing (OWASP's advice on
CSV injection). RFC 4180 otherwise: a header row, CRLF line ends, quotes where needed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ivr.core.qa import SCORECARD, QaReview

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_E164 = re.compile(r"^\+[1-9]\d{5,14}$")


def safe_cell(value: object, *, zone: tzinfo | None = None) -> str:
    """A value as text no spreadsheet evaluates. A plain E.164 number (``+14155550123``) is
    left as it is: ``+`` and digits compute nothing, and the column stays dialable."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = (value.astimezone(zone) if zone else value).replace(microsecond=0).isoformat()
    else:
        text = str(value)
    if text.startswith(FORMULA_START) and not _E164.match(text):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, zone: tzinfo | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value, zone=zone) for value in row])
    return out.getvalue()


@dataclass(frozen=True)
class TranscriptExportRow:
    """One search hit with the whole text it was found in."""

    call_sid: str
    started_at: datetime | None
    customer: str | None
    number: str | None
    source: str
    """``transcript`` or ``reason``."""
    text: str
    """Speaker-labelled, a line per turn (``customer: ...``); a reason as ``reason: ...``."""


TRANSCRIPT_COLUMNS = ("call_sid", "started_at", "customer", "number", "source", "text")


def transcripts_csv(rows: Iterable[TranscriptExportRow], *, zone: tzinfo | None = None) -> str:
    return to_csv(
        TRANSCRIPT_COLUMNS,
        ((r.call_sid, r.started_at, r.customer, r.number, r.source, r.text) for r in rows),
        zone=zone,
    )


REVIEW_COLUMNS = (
    "review_id",
    "call_sid",
    "reviewed_at",
    "reviewer",
    "agent",
    *(criterion.key for criterion in SCORECARD),
    "points",
    "max_points",
    "percent",
    "flags",
    "comment",
)


def reviews_csv(reviews: Iterable[QaReview], *, zone: tzinfo | None = None) -> str:
    def row(review: QaReview) -> tuple[object, ...]:
        total = review.score
        return (
            review.id,
            review.call_sid,
            review.at,
            review.reviewer,
            review.agent_name,
            *(review.scores.get(criterion.key) for criterion in SCORECARD),
            total.points,
            total.max_points,
            total.percent,
            " ".join(review.flags),
            review.comment,
        )

    return to_csv(REVIEW_COLUMNS, (row(review) for review in reviews), zone=zone)
