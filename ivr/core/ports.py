"""The small interfaces the core's use cases need from the outside world.

Adapters implement them (``ivr.adapters``); unit tests implement them with in-memory fakes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ivr.core.callers import CallerId
from ivr.core.calls import CallStatus
from ivr.core.flows.context import OpenCase


@dataclass(frozen=True)
class KnownCustomer:
    id: int
    name: str | None
    language: str | None


@dataclass(frozen=True)
class NewCall:
    call_sid: str
    caller: CallerId
    to_number: str
    direction: str
    flow: str
    started_at: datetime
    customer_id: int | None = None
    agent_id: int | None = None


@dataclass(frozen=True)
class StatusReport:
    """One status callback, already parsed."""

    call_sid: str
    status: CallStatus
    at: datetime
    duration_seconds: int | None = None
    sequence_number: int | None = None
    answered_by: str | None = None
    agent_id: int | None = None
    queue: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Clock(Protocol):
    def now(self) -> datetime: ...


class CallRecords(Protocol):
    """Customers, calls and the event log."""

    def customer_for(self, number: str) -> KnownCustomer | None: ...

    def open_call_with_turn(
        self,
        call: NewCall,
        *,
        visited: tuple[str, ...],
        outcome: str | None,
        language: str | None,
        queue: str | None = None,
        skills: tuple[str, ...] = (),
    ) -> None:
        """Create the call record with its first turn (one write per new call)."""
        ...

    def record_turn(
        self,
        call_sid: str,
        *,
        visited: tuple[str, ...],
        outcome: str | None,
        language: str | None,
        queue: str | None = None,
        skills: tuple[str, ...] = (),
    ) -> None: ...

    def record_status(self, report: StatusReport) -> bool:
        """Apply a status callback; False when it changed nothing (a duplicate or stale one)."""
        ...

    def log(
        self, call_sid: str, kind: str, detail: dict[str, Any], *, dedupe_key: str | None = None
    ) -> bool: ...

    def call_flow(self, call_sid: str) -> tuple[str | None, str | None]:
        """The flow name and language recorded for a call (None, None when unknown)."""
        ...

    def mark_bridged(self, caller_sid: str, agent_leg_sid: str | None) -> int | None:
        """An agent's leg took this caller; returns the agent's id when known."""
        ...

    def store_voicemail(
        self,
        call_sid: str,
        *,
        recording_sid: str,
        url: str,
        duration_seconds: int | None,
        status: str,
    ) -> bool:
        """Keep a voicemail once per recording; False when it was already kept."""
        ...


class CaseRecords(Protocol):
    """Customers' cases: which one a call is about, so nobody explains twice."""

    def open_case_for(self, number: str, *, since: datetime) -> OpenCase | None:
        """The caller's most recently worked open case, if worked since ``since``."""
        ...

    def attach(
        self,
        call_sid: str,
        *,
        number: str | None,
        customer_id: int | None,
        case_id: int | None,
        at: datetime,
    ) -> tuple[int, int | None] | None:
        """File the call under ``case_id`` or a new case; (case id, its agent) or None."""
        ...

    def set_reason(self, call_sid: str, reason: str) -> None: ...


class AgentDispatch(Protocol):
    """Gets waiting callers in front of agents; asynchronous, never blocks a webhook."""

    def caller_waiting(self) -> None: ...


@dataclass(frozen=True)
class OutboundLeg:
    """A call the app asks the carrier to place (an agent's phone, later a callback)."""

    to: str
    from_: str
    answer_url: str
    status_callback_url: str
    timeout_seconds: int = 20
    machine_detection: bool = False


class Carrier(Protocol):
    """The carrier's REST API, as far as the app uses it (Twilio, or the sandbox)."""

    def place_call(self, leg: OutboundLeg) -> str:
        """Start the call; returns its CallSid."""
        ...

    def redirect(self, call_sid: str, url: str) -> None:
        """Send a call in progress to new TwiML (a caller on hold to their agent). Raises an
        error with ``code`` 20404 or 21220 when the call is gone."""
        ...


class PendingRequests(Protocol):
    """One click-to-call request at a time per number: a claim held while the visitor's call
    is placed and while they are in line, released when the call is over or never placed."""

    def claim(self, number: str, holder: str) -> str | None:
        """Take the number for ``holder``; None when taken, else the holder that has it."""
        ...

    def hand_over(self, number: str, holder: str, new_holder: str) -> bool:
        """Give the claim to ``new_holder`` (the placed call's CallSid) if ``holder`` has it."""
        ...

    def release(self, number: str, holder: str) -> bool:
        """Drop the claim if ``holder`` still has it (never someone else's)."""
        ...
