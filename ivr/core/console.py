"""The agent's console, as read models: their live state, the call in front of them with its
screen pop, and the callbacks that are theirs to make.

The screen pop is everything the agent should know before they say hello, so nobody explains
twice: who is calling, why in their own words (and whether a transcript or the caller's typed
or recognised words gave it), what happened on earlier calls, the open cases and callbacks,
what the caller was told about the wait and how long they really waited, and, for a transfer,
the note from the agent who passed them on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ivr.core.notes import CallNote
from ivr.core.queueing import AgentState
from ivr.core.reports import CaseSummary
from ivr.core.transfers import TransferNote


class CallPhase(StrEnum):
    RINGING = "ringing"
    """Offered to the agent: their phone rings (or is about to); not theirs yet."""
    ON_CALL = "on-call"
    ENDED = "ended"
    """Their last call, over: notes and disposition may still be written (wrap-up)."""


@dataclass(frozen=True)
class LiveAgentState:
    """An agent's hash in the line: what they are doing now, since when, and for which entry."""

    state: AgentState
    since: datetime | None
    until: datetime | None
    """When a timed state (wrap-up after a call, not-ready) ends; None for a chosen one."""
    chosen: AgentState | None
    entry_id: str | None
    """The caller's CallSid, or ``cb-<id>`` for a callback, while reserved or on the call."""


def phase_of(state: AgentState) -> CallPhase | None:
    """The phase of the entry an agent's state names, if it names one."""
    if state is AgentState.RESERVED:
        return CallPhase.RINGING
    if state is AgentState.ON_CALL:
        return CallPhase.ON_CALL
    return None


def waited_seconds(
    *,
    queued_at: datetime | None,
    answered_at: datetime | None,
    recorded: int | None,
    now: datetime,
    transferred: bool = False,
) -> int | None:
    """How long the caller actually waited: as recorded once an agent took them, else so far.
    A transferred caller's first wait is what was recorded; the time since they joined also
    counts their talk with the first agent, which is no wait."""
    if recorded is not None and (answered_at is not None or transferred):
        return recorded
    if queued_at is None:
        return recorded
    return max(0, round((now - queued_at).total_seconds()))


@dataclass(frozen=True)
class SpokenEstimate:
    at: datetime
    kind: str
    """``hold`` (announced while holding) or ``callback`` (a callback promise)."""
    position: int | None
    text: str
    mean_seconds: float
    p90_seconds: float
    claimed_low_seconds: int | None
    claimed_high_seconds: int | None
    actual_wait_seconds: int | None


@dataclass(frozen=True)
class DueCallback:
    id: int
    number: str
    customer_id: int | None
    customer_name: str | None
    status: str
    reason: str | None
    queue: str
    promised_at: datetime
    due_by: datetime | None
    why_mine: str
    """``case`` (their case's agent), ``last-agent`` (the agent the customer last spoke to)
    or ``attempt`` (reserved for its current attempt); in a screen pop, ``customer``."""


@dataclass(frozen=True)
class EarlierCall:
    call_sid: str
    started_at: datetime
    direction: str
    agent_id: int | None
    reason: str | None
    transcript: str | None
    transcript_status: str | None
    disposition: str | None
    category: str | None
    notes: tuple[CallNote, ...]
    transferred_unresolved: bool


@dataclass(frozen=True)
class ScreenPop:
    call_sid: str
    phase: CallPhase
    customer_id: int | None
    customer_name: str | None
    number: str | None
    language: str | None
    customer_notes: str
    reason: str | None
    reason_source: str | None
    """``transcript`` (their transcribed reason clip), ``words`` (typed on the web or heard by
    the carrier's speech recognition), or None while unknown."""
    reason_pending: bool
    """A reason clip is recorded and its transcript not done yet: the reason may still come."""
    queue: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    waited_seconds: int | None
    estimates: tuple[SpokenEstimate, ...]
    disposition: str | None
    category: str | None
    case_id: int | None
    notes: tuple[CallNote, ...]
    transfer: TransferNote | None
    transferred_unresolved: bool
    transcript: str | None
    transcript_status: str | None
    earlier_calls: tuple[EarlierCall, ...]
    """Newest first."""
    open_cases: tuple[CaseSummary, ...]
    pending_callbacks: tuple[DueCallback, ...]


@dataclass(frozen=True)
class AgentConsoleView:
    agent_id: int
    agent_name: str
    dial_target: str | None
    live: LiveAgentState | None
    """None when the line does not know the agent (inactive, or no phone nor browser)."""
    call: ScreenPop | None
    callbacks_due: tuple[DueCallback, ...]
