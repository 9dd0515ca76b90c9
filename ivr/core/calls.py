"""A call's lifecycle, as the carrier reports it.

Status callbacks may arrive twice or out of order (a late ``ringing`` after ``completed``), so a
call's status only ever moves forward: each status has a rank and a lower rank never overwrites a
higher one. Final statuses share the top rank; the first one reported wins.
"""

from __future__ import annotations

from enum import StrEnum


class CallStatus(StrEnum):
    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    FAILED = "failed"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"


FINAL_STATUSES = frozenset(
    {
        CallStatus.COMPLETED,
        CallStatus.BUSY,
        CallStatus.FAILED,
        CallStatus.NO_ANSWER,
        CallStatus.CANCELED,
    }
)

_RANK = {
    CallStatus.QUEUED: 0,
    CallStatus.INITIATED: 1,
    CallStatus.RINGING: 2,
    CallStatus.IN_PROGRESS: 3,
}


def parse_status(value: str | None) -> CallStatus | None:
    """A known CallStatus, or None for anything else (logged by the caller, never raised)."""
    try:
        return CallStatus((value or "").strip().lower())
    except ValueError:
        return None


def rank(status: CallStatus) -> int:
    return _RANK.get(status, 9)


def advances(current: CallStatus | None, new: CallStatus) -> bool:
    """Whether ``new`` moves the call forward from ``current``."""
    if current is None:
        return True
    if current in FINAL_STATUSES:
        return False
    return rank(new) > rank(current)


class Outcome(StrEnum):
    """How the flow handed the call off (or why it ended)."""

    QUEUED = "queued"
    ANSWERED = "answered-by-agent"
    TRANSFERRED = "transferred"
    VOICEMAIL = "voicemail"
    HUNG_UP = "hung-up"
    ABANDONED = "abandoned"
    LEFT_QUEUE = "left-queue"
    CALLBACK = "callback-promised"
    """They left the line with a callback that keeps their place."""
    ERROR = "error"
