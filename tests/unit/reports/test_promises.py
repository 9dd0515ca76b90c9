"""Callbacks kept and missed, and the waits we spoke against the waits that came."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ivr.core.reports.promises import callback_figures, estimate_accuracy
from ivr.core.reports.rows import CallbackRow, EstimateRow
from tests.unit.reports.rows import NOON, ONE_DAY


def promise(status: str, kept: bool | None = None, at=NOON) -> CallbackRow:
    return CallbackRow(id=0, status=status, promised_at=at, kept=kept)


def test_callbacks_promised_kept_late_and_missed() -> None:
    callbacks = [
        promise("completed", kept=True),
        promise("completed", kept=True),
        promise("completed", kept=False),
        promise("missed", kept=False),
        promise("pending"),
        promise("merged"),
        promise("completed", kept=True, at=NOON - timedelta(days=2)),  # another period
    ]
    figures = callback_figures(callbacks, ONE_DAY)
    assert (figures.promised, figures.kept, figures.late, figures.missed) == (6, 2, 1, 1)
    assert (figures.pending, figures.merged) == (1, 1)
    assert figures.kept_rate == pytest.approx(2 / 4)


def test_no_settled_promise_means_no_kept_rate() -> None:
    assert callback_figures([promise("pending")], ONE_DAY).kept_rate is None


def estimate(
    mean: float, actual: int | None, *, p90: float = 0, low=None, high=None
) -> EstimateRow:
    return EstimateRow(
        call_sid="CA1",
        at=NOON,
        kind="hold",
        mean_seconds=mean,
        p90_seconds=p90 or mean * 1.5,
        claimed_low_seconds=low,
        claimed_high_seconds=high,
        actual_wait_seconds=actual,
    )


def test_estimate_error_is_spoken_mean_minus_the_real_wait() -> None:
    estimates = [estimate(120, 60), estimate(60, 120), estimate(100, 100), estimate(90, None)]
    accuracy = estimate_accuracy(estimates, ONE_DAY)
    assert (accuracy.spoken, accuracy.measured) == (4, 3)
    assert accuracy.bias_seconds == 0  # +60, -60, 0
    assert accuracy.mean_absolute_error_seconds == 40


def test_within_p90_is_the_share_whose_wait_was_at_most_their_p90() -> None:
    estimates = [estimate(60, 80, p90=90), estimate(60, 90, p90=90), estimate(60, 91, p90=90)]
    assert estimate_accuracy(estimates, ONE_DAY).within_p90 == pytest.approx(2 / 3)


def test_within_claimed_counts_only_estimates_that_spoke_a_range() -> None:
    estimates = [
        estimate(150, 130, low=120, high=240),  # "two to four minutes": inside
        estimate(150, 250, low=120, high=240),  # outside
        estimate(150, 200),  # no range spoken
    ]
    accuracy = estimate_accuracy(estimates, ONE_DAY)
    assert (accuracy.claimed, accuracy.within_claimed) == (2, 0.5)
