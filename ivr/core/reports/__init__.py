"""What a manager reads back: a customer's file with their calls, and the callbacks promised.

Read models only: plain values the adapters fill and the API shows; nothing here changes state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ivr.core.callbacks import CallbackStatus
from ivr.core.callers import normalise_number
from ivr.core.notes import CallNote

CALLBACK_STATUSES = tuple(str(status) for status in CallbackStatus)
"""The ``callbacks.status`` values, in lifecycle order."""


@dataclass(frozen=True)
class CallSummary:
    call_sid: str
    direction: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    status: str | None
    outcome: str | None
    queue: str | None
    wait_seconds: int | None
    reason: str | None
    agent_id: int | None
    transcript: str | None = None
    """The conversation's redacted transcript (of the agent call, else of the message left),
    a line per segment with its speaker; None while pending or impossible."""
    transcript_status: str | None = None
    """None when nothing was recorded; else pending, done, no-model or failed."""
    segments: tuple[TranscriptSegment, ...] = ()
    disposition: str | None = None
    case_id: int | None = None
    recordings: tuple[RecordingSummary, ...] = ()
    category: str | None = None
    notes: tuple[CallNote, ...] = ()
    transferred_unresolved: bool = False
    """Transferred, ended, and its case not resolved (``ivr.core.transfers``)."""


@dataclass(frozen=True)
class TranscriptSegment:
    speaker: str
    start: float
    end: float
    text: str
    words: tuple[tuple[str, float, float, float], ...]
    """(word, start, end, confidence), seconds from the start of the recording."""


@dataclass(frozen=True)
class RecordingSummary:
    recording_sid: str
    kind: str
    duration_seconds: int | None
    status: str
    transcript_status: str


@dataclass(frozen=True)
class CaseSummary:
    id: int
    status: str
    reason: str | None
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    agent_id: int | None
    call_sids: tuple[str, ...]
    """The calls about it, oldest first."""


@dataclass(frozen=True)
class CustomerFile:
    id: int
    name: str | None
    language: str | None
    notes: str
    numbers: tuple[str, ...]
    calls: tuple[CallSummary, ...]
    """Oldest first, newest last."""
    cases: tuple[CaseSummary, ...] = ()
    """Newest first: open ones are what the next agent should know about."""


@dataclass(frozen=True)
class CallbackSummary:
    id: int
    number: str
    customer_id: int | None
    queue: str
    status: str
    source: str
    reason: str | None
    place_at: datetime
    promised_at: datetime
    promised_within_seconds: int | None
    due_by: datetime | None
    attempts: int
    last_result: str | None
    kept: bool | None
    connected_at: datetime | None
    completed_at: datetime | None


class CustomerHistory(Protocol):
    def files_for_number(self, e164: str) -> list[CustomerFile]:
        """The customers reached at this number (at most one today), each with their calls."""
        ...


class CallbackReports(Protocol):
    def recent(self, *, status: str | None, limit: int) -> list[CallbackSummary]:
        """Newest promise first."""
        ...


def searched_number(text: str) -> str:
    """The E.164 a manager searched for; raises ValueError saying what is wrong.

    An unencoded ``+`` in a query string arrives as a space (``?phone=+1415...`` reads
    `` 1415...``), so a leading space before digits is taken for the plus it was."""
    if text[:1] == " " and text[1:2].isdigit():
        text = "+" + text[1:]
    text = text.strip()
    if not text.startswith("+"):
        raise ValueError("must be an E.164 number: + and the country code, e.g. +14155550123")
    e164 = normalise_number(text)
    if e164 is None:
        raise ValueError(f"{text!r} is not a possible phone number")
    return e164
