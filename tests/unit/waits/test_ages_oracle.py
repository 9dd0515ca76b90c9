"""The bench's ages oracle: the ceiling for a predictor told how old each call in service is.

It is only a ceiling if it is the true conditional law, so: a call's remaining handle time is
drawn from the lognormal given its age, and the simulator tells it every start and end.
"""

from __future__ import annotations

import math
from dataclasses import replace
from statistics import NormalDist

import pytest

from bench.ewt.ages import AgesOracle
from bench.ewt.scenarios import SCENARIOS


def lognormal_mean_residual(age: float, *, mean: float, cv: float) -> float:
    """E[X - a | X > a] for a lognormal X, in closed form."""
    sigma2 = math.log(1.0 + cv * cv)
    sigma, mu = math.sqrt(sigma2), math.log(mean) - sigma2 / 2.0
    z = (math.log(age) - mu) / sigma
    tail = NormalDist().cdf(-z)
    partial = mean * NormalDist().cdf(sigma - z)  # E[X; X > a]
    return partial / tail - age


@pytest.mark.parametrize("age", [10.0, 300.0, 1500.0])
def test_one_call_in_service_leaves_its_residual_handle_time_given_its_age(age):
    scenario = replace(SCENARIOS["C"], agents=1, patience_seconds=None)
    oracle = AgesOracle(scenario, seed=1, paths=40_000)
    oracle.service_started(0, at=0.0)
    mean, p90 = oracle.estimate(0, age, 0.0)
    expected = lognormal_mean_residual(age, mean=300.0, cv=1.2)
    # 40,000 paths: the standard error is under 1% of the mean (the residual's CV is below 2).
    assert mean == pytest.approx(expected, rel=0.03)
    assert p90 > mean
    assert 0.0 < math.sqrt(oracle.noise[-1]) < 0.01 * expected


def test_old_calls_are_expected_to_last_longer_than_new_ones():
    # Lognormal with CV 1.2: the mean residual life grows with age, unlike an exponential's.
    young = lognormal_mean_residual(30.0, mean=300.0, cv=1.2)
    old = lognormal_mean_residual(1200.0, mean=300.0, cv=1.2)
    assert young < 300.0 < old


def test_the_simulator_tells_the_oracle_every_call_in_service():
    from bench.ewt.simulate import simulate

    scenario = SCENARIOS["C"]
    oracle = AgesOracle(scenario, seed=1, paths=2)
    busy = []
    ask = oracle.estimate

    def estimate(ahead, at, head_waited):
        busy.append(len(oracle.started))
        assert all(start <= at for start in oracle.started.values())
        return ask(ahead, at, head_waited)

    oracle.estimate = estimate
    simulate(scenario, [oracle], seed=2, callers=5_000)
    assert busy and set(busy) == {scenario.agents}
