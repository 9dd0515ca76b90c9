"""The bench's simulator reproduces Erlang C and Erlang-A, so its scores mean something.

Seeded, modest runs; the tolerance is the run's own 95% batch-means interval, widened by half
(a fixed seed passes or fails for good, and a 95% interval alone would exclude the truth for
one seed in twenty). Each test also checks the interval is narrow enough to be a test.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import replace
from statistics import fmean, pstdev

import pytest

from bench.ewt.scenarios import SCENARIOS
from bench.ewt.score import batch_interval
from bench.ewt.simulate import service_sampler, simulate
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


def kiefer_wolfowitz_queue_seconds(scenario, *, seed: int, callers: int) -> list[float]:
    """Every caller's time in queue by another method: each takes the earliest-free agent.

    First come, first served on ``s`` agents needs no event list: a caller's wait is the time
    until the earliest of the agents' free times (the Kiefer-Wolfowitz recursion), and one
    whose patience is shorter leaves without taking the agent. Fed the simulator's own random
    streams in the order it draws them, it must reproduce the simulator caller for caller.
    """
    arrivals = random.Random(f"{seed}:{scenario.key}:arrivals")
    service = service_sampler(scenario, random.Random(f"{seed}:{scenario.key}:service"))
    patience = random.Random(f"{seed}:{scenario.key}:patience")
    free_at = [0.0] * scenario.agents
    t = 0.0
    out = []
    for _ in range(callers):
        t += arrivals.expovariate(scenario.arrival_rate)
        start = max(t, free_at[0])
        if start == t:
            heapq.heapreplace(free_at, t + service(t))
            out.append(0.0)
            continue
        gives_up_after = patience.expovariate(1.0 / scenario.patience_seconds)
        if start - t < gives_up_after:
            heapq.heapreplace(free_at, start + service(start))
            out.append(start - t)
        else:
            out.append(gives_up_after)
    return out


def test_the_simulator_is_first_come_first_served_with_lognormal_handle_times():
    # Scenario C has no closed form to check against; an independent recursion is the check.
    scenario = SCENARIOS["C"]
    run = simulate(scenario, [], seed=3, callers=40_000)
    expected = kiefer_wolfowitz_queue_seconds(scenario, seed=3, callers=40_000)[run.warmup :]
    assert sum(run.abandoned) > 500 and sum(run.waited) > 10_000
    assert run.queue_seconds == pytest.approx(expected, abs=1e-6)


def test_lognormal_handle_times_have_the_mean_and_cv_the_reference_states():
    # sigma^2 = ln(1 + CV^2): ln(1 + CV) would give CV 1.095 instead of 1.2, and waits ~2% shorter.
    scenario = SCENARIOS["C"]
    draw = service_sampler(scenario, random.Random(7))
    handle = [draw(0.0) for _ in range(400_000)]
    mean = fmean(handle)
    assert mean == pytest.approx(300.0, rel=0.01)
    assert pstdev(handle) / mean == pytest.approx(1.2, rel=0.03)
