"""What callers were promised and whether it came true: callbacks, and the waits we spoke.

A promise broken costs more trust than a long wait announced honestly, so both are measured
against what happened, not against what was planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

from ivr.core.callbacks import CallbackStatus
from ivr.core.reports.period import Period
from ivr.core.reports.rows import CallbackRow, EstimateRow


@dataclass(frozen=True)
class CallbackFigures:
    promised: int
    """Callbacks promised in the period (``promised_at``), from a holding caller or the web."""
    kept: int
    """Completed: the customer reached an agent by the time we said."""
    late: int
    """Completed, but after the time we said."""
    missed: int
    """Attempts used up, or expired unplaced."""
    pending: int
    """Still to be placed, or being placed now."""
    merged: int
    """The customer called in and took the callback's place: nothing to keep."""
    cancelled: int
    kept_rate: float | None
    """kept / (kept + late + missed): of the promises settled, the share kept; None when none
    is settled yet."""


def callback_figures(callbacks: Iterable[CallbackRow], period: Period) -> CallbackFigures:
    promised = [cb for cb in callbacks if cb.promised_at in period]
    completed = [cb for cb in promised if cb.status == CallbackStatus.COMPLETED]
    kept = sum(1 for cb in completed if cb.kept is not False)
    late = len(completed) - kept
    missed = sum(1 for cb in promised if cb.status == CallbackStatus.MISSED)
    settled = kept + late + missed
    return CallbackFigures(
        promised=len(promised),
        kept=kept,
        late=late,
        missed=missed,
        pending=sum(
            1 for cb in promised if cb.status in (CallbackStatus.PENDING, CallbackStatus.CALLING)
        ),
        merged=sum(1 for cb in promised if cb.status == CallbackStatus.MERGED),
        cancelled=sum(1 for cb in promised if cb.status == CallbackStatus.CANCELLED),
        kept_rate=kept / settled if settled else None,
    )


@dataclass(frozen=True)
class EstimateAccuracy:
    spoken: int
    """Estimates callers heard in the period (each announcement, and each callback promise)."""
    measured: int
    """Of those, the ones whose real wait is known: the caller reached an agent. Callers who
    gave up or took a callback never finish the wait, so this is the answered callers' view."""
    bias_seconds: float | None
    """Mean of (spoken mean - real wait): positive when we said longer than it took."""
    mean_absolute_error_seconds: float | None
    within_p90: float | None
    """Share of measured estimates whose real wait was at most their P90, 0-1: an honest P90
    holds for about nine in ten."""
    within_claimed: float | None
    """Share of measured estimates with a range spoken ("2 to 4 minutes") whose real wait fell
    inside it, 0-1; None when no range was spoken."""
    claimed: int
    """Measured estimates that spoke a range (or an upper bound)."""


def estimate_accuracy(estimates: Iterable[EstimateRow], period: Period) -> EstimateAccuracy:
    """Spoken versus real: an estimate is the ``mean_seconds`` the caller was given (what the
    words were built from) against ``actual_wait_seconds``, the wait from that moment until an
    agent took them. Every estimate heard counts once, so a long wait, announced several
    times, weighs more: each announcement was a promise heard."""
    spoken = [e for e in estimates if e.at in period]
    measured = [(e, e.actual_wait_seconds) for e in spoken if e.actual_wait_seconds is not None]
    errors = [e.mean_seconds - actual for e, actual in measured]
    with_claim = [
        (e, actual)
        for e, actual in measured
        if e.claimed_low_seconds is not None or e.claimed_high_seconds is not None
    ]
    inside = sum(1 for e, actual in with_claim if _inside_claim(e, actual))
    within_p90 = sum(1 for e, actual in measured if actual <= e.p90_seconds)
    return EstimateAccuracy(
        spoken=len(spoken),
        measured=len(measured),
        bias_seconds=fmean(errors) if errors else None,
        mean_absolute_error_seconds=fmean(abs(x) for x in errors) if errors else None,
        within_p90=within_p90 / len(measured) if measured else None,
        within_claimed=inside / len(with_claim) if with_claim else None,
        claimed=len(with_claim),
    )


def _inside_claim(estimate: EstimateRow, actual: int) -> bool:
    low = estimate.claimed_low_seconds or 0
    high = estimate.claimed_high_seconds
    return low <= actual and (high is None or actual <= high)
