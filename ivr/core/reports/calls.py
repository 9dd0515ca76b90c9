"""What became of each customer's call, and the queue figures built on that: answered,
abandoned (and after how long), waits, service level.

**A call** is a customer's contact with the business: an inbound call (``direction
inbound``), or a click-to-call request the business dialled at once (``outbound-api`` without
a callback). Not a call: an agent's leg (``outbound-dial``: the phone the app rang for a
caller, a second row for the same contact) and a callback's leg (``outbound-api`` with a
``callback_id``: the business keeping a promise made in an earlier call, counted with the
callbacks instead). Counting either would count one customer's contact twice.

A call's fate, for those that joined the line (``queued_at`` set):

- **answered**: an agent took it (``agent_id`` set, or the outcome says so: the bridge
  is recorded even when the agent's leg could not be matched);
- **callback**: the caller left the line with a callback promise, which kept their place;
- **voicemail**: the caller left the line to leave a message;
- **abandoned**: the caller left the line (hung up, or went back to the menu) without any of
  those, after ``wait_seconds`` (or, when that was never written, from joining to the end);
- **waiting**: none of those yet and the call is not over (a report read mid-call).

Calls that never joined the line (served by the menu, voicemail straight away, hung up before
the queue) are **not offered** to agents: they count as calls, not in the queue figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ivr.core.calls import FINAL_STATUSES, Outcome
from ivr.core.reports.rows import CallRow

AGENT_LEG = "outbound-dial"
BUSINESS_DIALLED = "outbound-api"

ABANDON_BUCKET_EDGES = (10, 30, 60, 120, 300)
"""Seconds: abandons are shown as <10 s, 10-30 s, 30-60 s, 1-2 min, 2-5 min, 5 min+. Short
abandons (<10 s) are mostly wrong numbers and second thoughts, long ones lost patience."""

_FINAL = frozenset(str(status) for status in FINAL_STATUSES)


class Fate(StrEnum):
    NOT_OFFERED = "not-offered"
    ANSWERED = "answered"
    CALLBACK = "callback"
    VOICEMAIL = "voicemail"
    ABANDONED = "abandoned"
    WAITING = "waiting"


def is_customer_call(call: CallRow) -> bool:
    """A customer's contact, not an agent's leg nor a callback being kept (module docstring)."""
    if call.direction == AGENT_LEG:
        return False
    if call.direction == BUSINESS_DIALLED:
        return call.callback_id is None
    return True


def customer_calls(calls: Iterable[CallRow]) -> list[CallRow]:
    return [call for call in calls if is_customer_call(call)]


class CallParties(Protocol):
    direction: str
    from_number: str | None
    to_number: str


def customer_number(call: CallParties) -> str | None:
    """The customer's number: who called, or whom the business dialled (click-to-call, a
    callback). Any record of a call will do: the reports' rows, the call page's, the pop's."""
    if call.direction == BUSINESS_DIALLED:
        return call.to_number or None
    return call.from_number


def caller_key(call: CallRow) -> str | None:
    """Who the caller is, to count people rather than calls: their customer record, else
    their number; None for a withheld or unparseable caller ID, who cannot be told apart."""
    if call.customer_id is not None:
        return f"customer:{call.customer_id}"
    number = customer_number(call)
    return f"number:{number}" if number else None


def fate(call: CallRow) -> Fate:
    if call.queued_at is None:
        return Fate.NOT_OFFERED
    if call.agent_id is not None or call.outcome == Outcome.ANSWERED:
        return Fate.ANSWERED
    if call.outcome == Outcome.CALLBACK:
        return Fate.CALLBACK
    if call.outcome == Outcome.VOICEMAIL:
        return Fate.VOICEMAIL
    if call.status in _FINAL or call.outcome in (Outcome.ABANDONED, Outcome.LEFT_QUEUE):
        return Fate.ABANDONED
    return Fate.WAITING


def waited_seconds(call: CallRow) -> int | None:
    """How long a call held in line: as the line recorded it, else from joining to the end."""
    if call.wait_seconds is not None:
        return max(0, call.wait_seconds)
    if call.queued_at is not None and call.ended_at is not None:
        return max(0, round((call.ended_at - call.queued_at).total_seconds()))
    return None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least ``p`` percent of them at or below it
    (the p90 of ten waits is the ninth shortest). None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class QueueFigures:
    calls: int
    """Customers' calls (not agents' or callbacks' legs)."""
    offered: int
    """Of those, the ones that joined the line."""
    answered: int
    abandoned: int
    callbacks: int
    """Left the line with a callback promise."""
    voicemails: int
    waiting: int
    wait_p50_seconds: float | None
    """Over answered calls: how long they held before an agent took them."""
    wait_p90_seconds: float | None
    service_level: float | None
    """Answered within T / (answered + abandoned after T), 0-1; None when nothing counts."""
    service_level_seconds: int
    abandon_rate: float | None
    """Abandoned / (answered + abandoned), 0-1."""
    abandoned_after: tuple[tuple[str, int], ...]
    """(bucket label, abandons) for ``ABANDON_BUCKET_EDGES``, shortest first."""


def service_level(calls: Iterable[CallRow], *, threshold_seconds: int) -> float | None:
    """The share of callers answered within ``threshold_seconds`` (T), the industry's
    "80/20": answered with a wait <= T, over answered plus abandoned after waiting more than T.

    Callers who gave up within T are left out of both, as the industry usually does: hanging
    up that soon is a wrong number or a second thought more often than the queue failing
    them (the abandon buckets still show them). Callbacks and voicemails are left out (the
    caller chose them), and so is an answer whose wait was never recorded. None when no call
    counts."""
    counts = service_level_counts(calls, threshold_seconds=threshold_seconds)
    return counts.level


@dataclass(frozen=True)
class ServiceLevelCounts:
    threshold_seconds: int
    answered_within: int
    answered_late: int
    abandoned_after: int

    @property
    def answered(self) -> int:
        return self.answered_within + self.answered_late

    @property
    def level(self) -> float | None:
        total = self.answered + self.abandoned_after
        return self.answered_within / total if total else None


def service_level_counts(calls: Iterable[CallRow], *, threshold_seconds: int) -> ServiceLevelCounts:
    """What ``service_level`` divides: answered within T, answered later, abandoned after T."""
    within = late = abandoned_after = 0
    for call in calls:
        kind = fate(call)
        wait = waited_seconds(call)
        if kind is Fate.ANSWERED and wait is not None:
            if wait <= threshold_seconds:
                within += 1
            else:
                late += 1
        elif kind is Fate.ABANDONED and (wait is None or wait > threshold_seconds):
            abandoned_after += 1
    return ServiceLevelCounts(threshold_seconds, within, late, abandoned_after)


def abandon_buckets(waits: Iterable[int]) -> tuple[tuple[str, int], ...]:
    """How long the abandoned waited before giving up, counted per bucket."""
    labels = bucket_labels()
    counts = [0] * len(labels)
    for wait in waits:
        index = sum(1 for edge in ABANDON_BUCKET_EDGES if wait >= edge)
        counts[index] += 1
    return tuple(zip(labels, counts, strict=True))


def bucket_labels() -> tuple[str, ...]:
    """``<10 s``, ``10-30 s``, ``30-60 s``, ``1-2 min``, ``2-5 min``, ``5+ min``."""
    edges = ABANDON_BUCKET_EDGES
    labels = [f"<{edges[0]} s"]
    for low, high in zip(edges, edges[1:], strict=False):
        labels.append(f"{low // 60}-{high // 60} min" if low >= 60 else f"{low}-{high} s")
    last = edges[-1]
    labels.append(f"{last // 60}+ min" if last >= 60 else f"{last}+ s")
    return tuple(labels)


def queue_figures(calls: Iterable[CallRow], *, service_level_seconds: int) -> QueueFigures:
    """The queue's figures for these legs (agents' and callbacks' legs are left out here)."""
    mine = customer_calls(calls)
    fates = [fate(call) for call in mine]
    answered_waits = [
        wait
        for call, kind in zip(mine, fates, strict=True)
        if kind is Fate.ANSWERED and (wait := waited_seconds(call)) is not None
    ]
    abandoned_waits = [
        waited_seconds(call) or 0
        for call, kind in zip(mine, fates, strict=True)
        if kind is Fate.ABANDONED
    ]
    answered = fates.count(Fate.ANSWERED)
    abandoned = fates.count(Fate.ABANDONED)
    settled = answered + abandoned
    return QueueFigures(
        calls=len(mine),
        offered=sum(1 for kind in fates if kind is not Fate.NOT_OFFERED),
        answered=answered,
        abandoned=abandoned,
        callbacks=fates.count(Fate.CALLBACK),
        voicemails=fates.count(Fate.VOICEMAIL),
        waiting=fates.count(Fate.WAITING),
        wait_p50_seconds=percentile(answered_waits, 50),
        wait_p90_seconds=percentile(answered_waits, 90),
        service_level=service_level(mine, threshold_seconds=service_level_seconds),
        service_level_seconds=service_level_seconds,
        abandon_rate=abandoned / settled if settled else None,
        abandoned_after=abandon_buckets(abandoned_waits),
    )
