"""The rows a manager's report is computed from: plain values an adapter reads for a period.

Nothing here knows SQL. Each row keeps the raw fields the metrics need, so that every
definition (what is a call, an abandon, a repeat) is made once, in the core, and tested on
hand-made rows; the adapter only selects and copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ivr.core.reports.period import Period


@dataclass(frozen=True)
class CallRow:
    """One leg as the ``calls`` table keeps it (the customer's, an agent's, a callback's)."""

    call_sid: str
    direction: str
    started_at: datetime
    from_number: str | None = None
    to_number: str = ""
    customer_id: int | None = None
    language: str | None = None
    status: str | None = None
    outcome: str | None = None
    queued_at: datetime | None = None
    agent_id: int | None = None
    wait_seconds: int | None = None
    ended_at: datetime | None = None
    reason: str | None = None
    category: str | None = None
    case_id: int | None = None
    disposition: str | None = None
    callback_id: int | None = None


@dataclass(frozen=True)
class CaseRow:
    id: int
    customer_id: int
    status: str
    opened_at: datetime
    resolved_at: datetime | None = None
    reason: str | None = None
    customer_calls: int = 0
    """How many customers' calls are filed under it, whenever they were made: a case resolved
    with one call was resolved at the first contact."""


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str | None
    language: str | None
    numbers: tuple[str, ...] = ()
    open_case_id: int | None = None
    """Their newest open case, if any: what an outreach call should be about."""
    open_case_reason: str | None = None


@dataclass(frozen=True)
class TransferRow:
    id: int
    call_sid: str
    status: str
    requested_at: datetime
    case_id: int | None = None


@dataclass(frozen=True)
class CallbackRow:
    id: int
    status: str
    promised_at: datetime
    kept: bool | None = None
    number: str = ""
    customer_id: int | None = None


@dataclass(frozen=True)
class EstimateRow:
    """An estimate a caller heard (``wait_estimates``) and, once known, how long they waited."""

    call_sid: str
    at: datetime
    kind: str
    mean_seconds: float
    p90_seconds: float
    claimed_low_seconds: int | None = None
    claimed_high_seconds: int | None = None
    actual_wait_seconds: int | None = None


@dataclass(frozen=True)
class ReportRows:
    """Everything one report reads, for one period.

    ``calls`` are the legs started in the period; ``earlier_calls`` those started in the
    look-back before it (to tell a repeat caller from a first one); ``cases`` the cases opened
    in the period and those the period's calls are filed under; ``customers`` everyone the
    period's calls are linked to."""

    calls: tuple[CallRow, ...] = ()
    earlier_calls: tuple[CallRow, ...] = ()
    cases: tuple[CaseRow, ...] = ()
    customers: tuple[CustomerRow, ...] = ()
    transfers: tuple[TransferRow, ...] = ()
    callbacks: tuple[CallbackRow, ...] = ()
    estimates: tuple[EstimateRow, ...] = field(default=())


class ReportSource(Protocol):
    """Reads a period's rows (the SQL adapter; a fake in tests)."""

    def rows(self, period: Period, *, lookback_days: int) -> ReportRows:
        """The rows of ``period``, with the calls of ``lookback_days`` before it."""
        ...

    def joined_line_since(self, moment: datetime) -> tuple[CallRow, ...]:
        """Customers' calls that joined the line since ``moment``."""
        ...
