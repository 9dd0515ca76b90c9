"""One scenario end to end: simulate, validate against theory, score every predictor."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

from bench.ewt.ages import AgesOracle
from bench.ewt.predictors import (
    Asterisk,
    HeadOfLine,
    LastToEnterService,
    Naive,
    Oracle,
    Product,
)
from bench.ewt.scenarios import Scenario
from bench.ewt.score import Interval, Score, batch_interval, paired_rmse_difference, score
from bench.ewt.simulate import simulate
from bench.ewt.theory import erlang_a, erlang_a_answered_wait, erlang_c

PREDICTORS = (
    "ours",
    "oracle",
    "asterisk",
    "head of line",
    "last to enter service",
    "naive",
)
RATE_FREE = ("asterisk", "head of line", "last to enter service", "naive")
"""Predictors that learn no rate: their RMSEs against the reference's check the simulator."""
FLOOR = "floor(k)"


@dataclass(frozen=True)
class Check:
    """A simulated figure beside the exact one, when the model has one."""

    name: str
    simulated: Interval
    exact: float | None

    @property
    def inside(self) -> bool | None:
        if self.exact is None:
            return None
        return self.simulated.low <= self.exact <= self.simulated.high


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    seed: int
    callers: int
    warmup: int
    checks: list[Check]
    scores: dict[str, Score]
    paired_vs_asterisk: Interval
    """RMSE(ours) - RMSE(asterisk), by batch on the same callers."""
    lower_than_asterisk: float
    """1 - RMSE(ours) / RMSE(asterisk)."""
    learned_handle_seconds: float
    learned_patience_seconds: float
    shifts_seen: tuple[int, int]
    """How often ours re-learned the handle time and the patience after seeing them shift."""
    ages_oracle_rmse: float | None = None
    """The ages oracle's RMSE less its Monte Carlo noise (``--ages-oracle`` only)."""


def predictors_for(scenario: Scenario, **product_options) -> list:
    agents = scenario.agents
    return [
        Product(agents, **product_options),
        Oracle(
            agents,
            handle_seconds_at=scenario.handle_seconds_at,
            patience_seconds=scenario.patience_seconds,
        ),
        Asterisk(agents),
        HeadOfLine(agents),
        LastToEnterService(agents),
        Naive(agents, handle_seconds=scenario.handle_seconds),
    ]


def run_scenario(
    scenario: Scenario,
    *,
    seed: int,
    callers: int | None = None,
    ages_oracle_paths: int = 0,
    **product_options,
) -> Result:
    predictors = predictors_for(scenario, **product_options)
    ages = None
    if ages_oracle_paths and scenario.service == "lognormal":
        ages = AgesOracle(scenario, seed=seed, paths=ages_oracle_paths)
        predictors.append(ages)
    run = simulate(scenario, predictors, seed=seed, callers=callers)
    names = PREDICTORS + ((ages.name,) if ages else ())
    scores = {name: score(run.scored_wait, run.predictions[name]) for name in names}
    ages_rmse = None
    if ages:
        kept = run.kept
        noise = [ages.noise[i] for i in kept]
        squared = [
            (mean - wait) ** 2
            for (mean, _), wait in zip(run.predictions[ages.name], run.scored_wait, strict=True)
        ]
        ages_rmse = math.sqrt(max(fmean(squared) - fmean(noise), 0.0))
    scores[FLOOR] = score(run.scored_wait, queue_length_floor(run.scored_ahead, run.scored_wait))
    paired, lower = paired_rmse_difference(
        run.scored_wait, run.predictions["ours"], run.predictions["asterisk"]
    )
    estimator = predictors[0].estimator
    return Result(
        scenario=scenario,
        seed=seed,
        callers=run.callers,
        warmup=run.warmup,
        checks=validate(scenario, run),
        scores=scores,
        paired_vs_asterisk=paired,
        lower_than_asterisk=lower,
        learned_handle_seconds=predictors[0].last_learned[0],
        learned_patience_seconds=predictors[0].last_learned[1],
        shifts_seen=estimator.changes_seen,
        ages_oracle_rmse=ages_rmse,
    )


def queue_length_floor(ahead: list[int], waits: list[float]) -> list[tuple[float, float | None]]:
    """The best any predictor that sees only the line's length could do on these callers.

    In-sample: each caller is given the mean and the 0.9-quantile of the waits of all scored
    callers who found the same number ahead. No real predictor can know these; the figure
    tells how much of a predictor's error is the scenario's, not the predictor's.
    """
    groups: dict[int, list[float]] = defaultdict(list)
    for k, wait in zip(ahead, waits, strict=True):
        groups[k].append(wait)
    figures = {}
    for k, group in groups.items():
        group.sort()
        p90 = group[min(len(group) - 1, math.ceil(0.9 * len(group)) - 1)]
        figures[k] = (fmean(group), p90)
    return [figures[k] for k in ahead]


def validate(scenario: Scenario, run) -> list[Check]:
    exact = None
    answered_wait = None
    markovian = (
        scenario.service == "exponential"
        and scenario.peak_load is None
        and scenario.handle_levels is None
    )
    if markovian:
        rates = dict(
            agents=scenario.agents,
            arrival_rate=scenario.arrival_rate,
            service_rate=1.0 / scenario.handle_seconds,
        )
        if scenario.patience_seconds is None:
            exact = erlang_c(**rates)
            answered_wait = exact.mean_wait_if_waited
        else:
            exact = erlang_a(**rates, patience_rate=1.0 / scenario.patience_seconds)
            answered_wait = erlang_a_answered_wait(
                **rates, patience_rate=1.0 / scenario.patience_seconds
            )
    waited = [float(w) for w in run.waited]
    checks = [
        Check("P(wait)", batch_interval(waited), exact and exact.p_wait),
        Check(
            "E[time in queue]",
            batch_interval(run.queue_seconds),
            exact and exact.mean_queue_seconds,
        ),
    ]
    if scenario.patience_seconds is not None:
        gave_up = [float(a) for a in run.abandoned]
        checks.append(Check("P(abandon)", batch_interval(gave_up), exact and exact.p_abandon))
    checks.append(Check("E[W | waited, answered]", batch_interval(run.scored_wait), answered_wait))
    return checks
