"""Errors of the estimates against realised waits, with batch-means confidence intervals.

Waits in a queue are strongly autocorrelated (a long line now is a long line in a minute), so
an interval from the callers as if independent would be far too narrow. The scored callers are
cut, in arrival order, into ``BATCHES`` consecutive batches; each batch's statistic is treated
as one observation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import fmean, stdev

BATCHES = 20
_T975 = {
    5: 2.571,
    9: 2.262,
    10: 2.228,
    14: 2.145,
    19: 2.093,
    20: 2.086,
    29: 2.045,
    30: 2.042,
}


def t975(degrees: int) -> float:
    if degrees in _T975:
        return _T975[degrees]
    return 1.96 + 2.5 / max(degrees, 1)


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.1f} [{self.low:.1f}, {self.high:.1f}]"


@dataclass(frozen=True)
class Score:
    n: int
    rmse: Interval
    bias: float
    mae: float
    mean_wait: float
    p90_kept: float | None
    p90_over_mean_wait: float | None


def batches(n: int, count: int = BATCHES) -> list[range]:
    count = max(1, min(count, n))
    edges = [round(i * n / count) for i in range(count + 1)]
    return [range(edges[i], edges[i + 1]) for i in range(count)]


def mean_interval(values: list[float]) -> Interval:
    centre = fmean(values)
    if len(values) < 2:
        return Interval(centre, math.nan, math.nan)
    half = t975(len(values) - 1) * stdev(values) / math.sqrt(len(values))
    return Interval(centre, centre - half, centre + half)


def score(waits: list[float], predictions: list[tuple[float, float | None]]) -> Score:
    n = len(waits)
    errors = [mean - wait for (mean, _), wait in zip(predictions, waits, strict=True)]
    squared = [e * e for e in errors]
    parts = batches(n)
    mse = mean_interval([fmean(squared[b.start : b.stop]) for b in parts])
    rmse = Interval(
        math.sqrt(mse.value), math.sqrt(max(mse.low, 0.0)), math.sqrt(max(mse.high, 0.0))
    )
    mean_wait = fmean(waits)
    kept = ratio = None
    if predictions and predictions[0][1] is not None:
        kept = sum(w <= p90 for (_, p90), w in zip(predictions, waits, strict=True)) / n
        ratio = fmean(p90 for _, p90 in predictions) / mean_wait
    return Score(
        n=n,
        rmse=rmse,
        bias=fmean(errors),
        mae=fmean(abs(e) for e in errors),
        mean_wait=mean_wait,
        p90_kept=kept,
        p90_over_mean_wait=ratio,
    )


def paired_rmse_difference(
    waits: list[float], ours: list[tuple], theirs: list[tuple]
) -> tuple[Interval, float]:
    """RMSE(ours) - RMSE(theirs) by batch on the same callers, and 1 - RMSE ratio overall."""
    diffs = []
    total_ours = total_theirs = 0.0
    for part in batches(len(waits)):
        a = fmean((ours[i][0] - waits[i]) ** 2 for i in part)
        b = fmean((theirs[i][0] - waits[i]) ** 2 for i in part)
        total_ours += a
        total_theirs += b
        diffs.append(math.sqrt(a) - math.sqrt(b))
    return mean_interval(diffs), 1.0 - math.sqrt(total_ours / total_theirs)


def batch_interval(values: list[float]) -> Interval:
    """A per-caller statistic's mean over ``values`` (in arrival order), batch-means interval."""
    return mean_interval([fmean(values[b.start : b.stop]) for b in batches(len(values))])
