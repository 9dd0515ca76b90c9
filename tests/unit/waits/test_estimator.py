"""The wait estimator: what a queue with no history says, what it learns, what it keeps."""

from __future__ import annotations

import json
import math
import random

import pytest

from ivr.core.waits import Prior, WaitEstimate, WaitEstimator
from ivr.core.waits.estimator import NOBODY_STAFFED_SECONDS

T0 = 1_764_000_000.0


def staffed(agents: int, **options) -> WaitEstimator:
    estimator = WaitEstimator.new(**options)
    estimator.staffed(agents, T0)
    return estimator


def test_a_new_queue_estimates_from_the_prior():
    # One agent, next in line: the line moves at 1/300 + 1/600 (the prior AHT and patience);
    # a caller who is answered also outlasted their own patience, one more 1/600.
    estimate = staffed(1).estimate(ahead=0, at=T0)
    assert estimate.mean_seconds == pytest.approx(1 / (1 / 300 + 1 / 600))
    assert estimate.mean_seconds < estimate.p90_seconds < 3 * estimate.mean_seconds


def test_a_custom_prior_sets_the_first_estimate():
    estimator = staffed(2, prior=Prior(handle_seconds=120, patience_seconds=1e9, weight=1))
    assert estimator.estimate(ahead=3, at=T0).mean_seconds == pytest.approx(4 * 60, rel=1e-6)


def test_the_wait_grows_with_each_place_in_line():
    estimator = staffed(5)
    estimates = [estimator.estimate(ahead=k, at=T0) for k in range(60)]
    means = [e.mean_seconds for e in estimates]
    p90s = [e.p90_seconds for e in estimates]
    assert means == sorted(means) and len(set(means)) == len(means)
    assert p90s == sorted(p90s) and len(set(p90s)) == len(p90s)


def test_more_agents_mean_a_shorter_wait():
    estimator = staffed(3)
    waits = [estimator.estimate(ahead=4, at=T0, agents=s).mean_seconds for s in (1, 2, 5, 20)]
    assert waits == sorted(waits, reverse=True)


def test_the_p90_is_never_below_the_mean():
    estimator = staffed(10)
    for ahead in (0, 1, 5, 50, 500):
        estimate = estimator.estimate(ahead=ahead, at=T0)
        assert estimate.p90_seconds >= estimate.mean_seconds > 0


def test_it_learns_the_handle_time_from_finished_calls():
    estimator = staffed(4)
    rng = random.Random(7)
    for i in range(20_000):
        estimator.handled(rng.expovariate(1 / 180), T0 + i)
    assert estimator.handle_seconds == pytest.approx(180, rel=0.04)


def test_it_learns_patience_from_abandons_and_from_the_waits_of_those_answered():
    # Each caller would give up after Exp(mean 200 s) and would be answered after
    # Exp(mean 150 s): whichever comes first is all the product sees.
    estimator = staffed(4)
    rng = random.Random(11)
    for i in range(20_000):
        patience, answer = rng.expovariate(1 / 200), rng.expovariate(1 / 150)
        if patience < answer:
            estimator.abandoned(patience, T0 + i)
        else:
            estimator.answered(answer, T0 + i)
    assert estimator.patience_seconds == pytest.approx(200, rel=0.05)


def test_a_queue_nobody_abandons_learns_that_callers_are_patient():
    estimator = staffed(4)
    for i in range(5_000):
        estimator.answered(120.0, T0 + i)
    assert estimator.patience_seconds > 100 * 600


def test_callers_answered_at_once_tell_nothing_about_patience():
    # No time at risk of abandoning, and no abandon: patience is what it was.
    estimator = staffed(4)
    before = estimator.patience_seconds
    for i in range(100):
        estimator.answered(0.0, T0 + i)
    assert estimator.patience_seconds == before


def test_recent_calls_outweigh_old_ones_so_a_change_is_followed():
    estimator = staffed(4, memory_events=200)
    for i in range(2_000):
        estimator.handled(300.0, T0 + i)
    for i in range(1_000):
        estimator.handled(600.0, T0 + 2_000 + i)
    assert estimator.handle_seconds == pytest.approx(600, rel=0.02)


def test_with_nobody_staffed_the_estimate_is_long_and_finite():
    for estimator in (WaitEstimator.new(), staffed(0)):
        estimate = estimator.estimate(ahead=0, at=T0)
        assert math.isfinite(estimate.mean_seconds) and math.isfinite(estimate.p90_seconds)
        assert estimate.mean_seconds >= NOBODY_STAFFED_SECONDS
    assert staffed(5).estimate(ahead=0, at=T0, agents=0).mean_seconds >= NOBODY_STAFFED_SECONDS


def test_the_agents_argument_overrides_the_staffing_last_reported():
    estimator = staffed(2)
    assert estimator.estimate(ahead=3, at=T0, agents=6) == staffed(6).estimate(ahead=3, at=T0)


def test_a_caller_an_idle_agent_can_take_hears_no_wait():
    estimator = staffed(5)
    assert estimator.estimate(ahead=1, at=T0, idle_agents=2) == WaitEstimate(0.0, 0.0)
    assert estimator.estimate(ahead=3, at=T0, idle_agents=2) == estimator.estimate(ahead=1, at=T0)


def test_its_state_survives_a_json_round_trip_and_stays_small():
    estimator = staffed(7)
    rng = random.Random(3)
    for i in range(10_000):
        estimator.handled(rng.expovariate(1 / 240), T0 + i)
        if rng.random() < 0.2:
            estimator.abandoned(rng.expovariate(1 / 90), T0 + i)
        else:
            estimator.answered(rng.expovariate(1 / 60), T0 + i)
    text = json.dumps(estimator.to_dict())
    copy = WaitEstimator.from_dict(json.loads(text))
    for ahead in (0, 4, 40):
        assert copy.estimate(ahead=ahead, at=T0) == estimator.estimate(ahead=ahead, at=T0)
    assert len(text) < 1200
    assert len(json.dumps(WaitEstimator.new().to_dict())) <= len(text) + 60


def test_state_from_an_unknown_version_is_refused_by_name():
    data = WaitEstimator.new().to_dict() | {"version": 99}
    with pytest.raises(ValueError, match="version 99"):
        WaitEstimator.from_dict(data)


@pytest.mark.parametrize(
    ("event", "value"),
    [("answered", -1.0), ("abandoned", math.nan), ("handled", math.inf), ("handled", -5)],
)
def test_impossible_durations_are_refused_with_their_name(event, value):
    with pytest.raises(ValueError, match="seconds"):
        getattr(WaitEstimator.new(), event)(value, T0)


def test_impossible_positions_and_staffing_are_refused():
    estimator = WaitEstimator.new()
    with pytest.raises(ValueError, match="ahead"):
        estimator.estimate(ahead=-1, at=T0)
    with pytest.raises(ValueError, match="agents"):
        estimator.staffed(-2, T0)
    with pytest.raises(ValueError, match="Prior.weight"):
        Prior(weight=0)


def test_a_shift_in_handle_time_is_followed_within_a_few_hundred_calls():
    estimator = staffed(20)
    rng = random.Random(5)
    for i in range(8_000):
        estimator.handled(rng.expovariate(1 / 300), T0 + i)
    for i in range(400):
        estimator.handled(rng.expovariate(1 / 450), T0 + 8_000 + i)
    # A single 4000-call memory would still say about 315 s.
    assert estimator.handle_seconds == pytest.approx(450, rel=0.12)
    assert estimator.changes_seen[0] >= 1


def test_a_steady_queue_keeps_its_long_memory():
    estimator = staffed(20)
    rng = random.Random(9)
    for i in range(20_000):
        estimator.handled(rng.expovariate(1 / 300), T0 + i)
    assert estimator.changes_seen[0] <= 10
    assert estimator.handle_seconds == pytest.approx(300, rel=0.06)
