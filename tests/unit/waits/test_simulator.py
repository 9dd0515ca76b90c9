"""The bench's simulator reproduces Erlang C and Erlang-A, so its scores mean something.

Seeded, modest runs; the tolerance is the run's own 95% batch-means interval, widened by half
(a fixed seed passes or fails for good, and a 95% interval alone would exclude the truth for
one seed in twenty). Each test also checks the interval is narrow enough to be a test.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.ewt.scenarios import SCENARIOS
from bench.ewt.score import batch_interval
from bench.ewt.simulate import simulate
from bench.ewt.theory import erlang_a, erlang_a_answered_wait, erlang_c


def within(interval, exact: float, *, widest: float) -> bool:
    half = (interval.high - interval.low) / 2
    assert half <= widest, f"interval {interval} too wide to test anything"
    return abs(interval.value - exact) <= 1.5 * half


def test_the_theory_gives_the_reference_figures_for_scenario_a():
    a = SCENARIOS["A"]
    exact = erlang_c(agents=10, arrival_rate=a.arrival_rate, service_rate=1 / 300)
    assert exact.p_wait == pytest.approx(0.669, abs=5e-4)
    assert exact.mean_queue_seconds == pytest.approx(200.6, abs=0.05)
    assert exact.mean_wait_if_waited == pytest.approx(300.0)


def test_with_patience_forever_erlang_a_is_erlang_c():
    c = erlang_c(agents=4, arrival_rate=0.01, service_rate=1 / 300)
    a = erlang_a(agents=4, arrival_rate=0.01, service_rate=1 / 300, patience_rate=1e-9)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-5)
    assert a.mean_queue_seconds == pytest.approx(c.mean_queue_seconds, rel=1e-4)


def test_the_simulator_matches_erlang_c_in_scenario_a():
    scenario = SCENARIOS["A"]
    run = simulate(scenario, [], seed=5, callers=200_000)
    exact = erlang_c(agents=10, arrival_rate=scenario.arrival_rate, service_rate=1 / 300)
    assert within(batch_interval([float(w) for w in run.waited]), exact.p_wait, widest=0.05)
    assert within(batch_interval(run.queue_seconds), exact.mean_queue_seconds, widest=40)
    assert within(batch_interval(run.scored_wait), 300.0, widest=50)


@pytest.mark.parametrize("key", ["B", "E"])
def test_the_simulator_matches_erlang_a(key):
    scenario = replace(SCENARIOS[key], warmup_share=0.1)
    run = simulate(scenario, [], seed=5, callers=30_000)
    rates = dict(
        agents=scenario.agents,
        arrival_rate=scenario.arrival_rate,
        service_rate=1 / 300,
        patience_rate=1 / 600,
    )
    exact = erlang_a(**rates)
    assert within(batch_interval([float(a) for a in run.abandoned]), exact.p_abandon, widest=0.02)
    assert within(batch_interval(run.queue_seconds), exact.mean_queue_seconds, widest=15)
    assert within(batch_interval(run.scored_wait), erlang_a_answered_wait(**rates), widest=25)
