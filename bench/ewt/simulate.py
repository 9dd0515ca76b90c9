"""A seeded discrete-event simulation of one FCFS queue with ``s`` agents and impatient callers.

Events sit in a heap; a caller who gives up is marked and skipped when the line reaches them,
so leaving the middle of the line costs nothing. Predictors are told what production would
tell the product (``answered``, ``abandoned``, ``handled``) at the moment it happens, and asked
for an estimate when a caller arrives to find every agent busy (given the callers ahead, the
time, and how long the head of the line has waited).
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from dataclasses import dataclass

from bench.ewt.scenarios import Scenario

_ARRIVAL, _DEPARTURE, _ABANDON = 0, 1, 2
_WAITING, _ANSWERED, _ABANDONED = 0, 1, 2


@dataclass
class Run:
    """What happened to every caller after the warm-up, and what each predictor said."""

    scenario: Scenario
    seed: int
    callers: int
    warmup: int
    waited: list[bool]
    """Per caller after the warm-up, in arrival order: found every agent busy."""
    queue_seconds: list[float]
    abandoned: list[bool]
    scored_wait: list[float]
    """Per caller who found every agent busy and was answered: the wait."""
    scored_ahead: list[int]
    predictions: dict[str, list[tuple[float, float | None]]]
    """By predictor name, aligned with ``scored_wait``."""
    kept: list[int]
    """For each scored caller, the index of their estimate among all estimates made."""


def service_sampler(scenario: Scenario, rng: random.Random):
    """Handle times, given the time the call starts (the mean may drift)."""
    if scenario.service == "exponential":
        return lambda t: rng.expovariate(1.0 / scenario.handle_seconds_at(t))
    if scenario.service == "lognormal":
        sigma2 = math.log(1.0 + scenario.service_cv**2)
        sigma = math.sqrt(sigma2)
        return lambda t: rng.lognormvariate(
            math.log(scenario.handle_seconds_at(t)) - sigma2 / 2.0, sigma
        )
    raise ValueError(f"scenario {scenario.key}: unknown service distribution {scenario.service!r}")


def simulate(scenario: Scenario, predictors: list, *, seed: int, callers: int | None = None) -> Run:
    total = scenario.callers if callers is None else callers
    warmup = int(total * scenario.warmup_share)
    arrivals_rng = random.Random(f"{seed}:{scenario.key}:arrivals")
    service = service_sampler(scenario, random.Random(f"{seed}:{scenario.key}:service"))
    patience_rng = random.Random(f"{seed}:{scenario.key}:patience")
    patience_rate = None if scenario.patience_seconds is None else 1.0 / scenario.patience_seconds

    arrived_at = [0.0] * total
    status = [_WAITING] * total
    handle = [0.0] * total
    score_slot = [-1] * total
    waited = [False] * total
    queue_seconds = [0.0] * total
    abandoned = [False] * total
    scored_wait: list[float] = []
    scored_ahead: list[int] = []
    predictions: dict[str, list] = {p.name: [] for p in predictors}
    said = [predictions[p.name].append for p in predictors]
    answered_hooks = [p.answered for p in predictors]
    abandoned_hooks = [p.abandoned for p in predictors]
    handled_hooks = [p.handled for p in predictors]
    estimators = [p.estimate for p in predictors]
    # Optional hooks: which call started and ended service when (an agent's call, by caller).
    started_hooks = [p.service_started for p in predictors if hasattr(p, "service_started")]
    ended_hooks = [p.service_ended for p in predictors if hasattr(p, "service_ended")]

    heap: list[tuple[float, int, int, int]] = []
    sequence = 0
    free = scenario.agents
    line: deque[int] = deque()
    in_line = 0

    def next_arrival(t: float) -> float:
        # Piecewise-constant rate: an exponential gap, restarted at each change (memoryless).
        while True:
            gap = arrivals_rng.expovariate(scenario.arrival_rate_at(t))
            change = scenario.next_rate_change(t)
            if t + gap < change:
                return t + gap
            t = change

    def start_service(caller: int, t: float) -> None:
        nonlocal sequence
        length = service(t)
        handle[caller] = length
        for hook in started_hooks:
            hook(caller, t)
        sequence += 1
        heapq.heappush(heap, (t + length, sequence, _DEPARTURE, caller))

    def answer(caller: int, t: float) -> None:
        wait = t - arrived_at[caller]
        status[caller] = _ANSWERED
        queue_seconds[caller] = wait
        for hook in answered_hooks:
            hook(wait, t)
        slot = score_slot[caller]
        if slot >= 0:
            scored_wait[slot] = wait
        start_service(caller, t)

    next_caller = 0
    heapq.heappush(heap, (next_arrival(0.0), 0, _ARRIVAL, 0))
    while heap:
        t, _, kind, caller = heapq.heappop(heap)
        if kind == _ARRIVAL:
            arrived_at[caller] = t
            next_caller += 1
            if next_caller < total:
                sequence += 1
                heapq.heappush(heap, (next_arrival(t), sequence, _ARRIVAL, next_caller))
            if free > 0:
                free -= 1
                answer(caller, t)
                continue
            waited[caller] = True
            if caller >= warmup:
                score_slot[caller] = len(scored_wait)
                scored_wait.append(math.nan)
                scored_ahead.append(in_line)
                while line and status[line[0]] != _WAITING:
                    line.popleft()
                head_waited = t - arrived_at[line[0]] if line else 0.0
                for estimate, record in zip(estimators, said, strict=True):
                    record(estimate(in_line, t, head_waited))
            line.append(caller)
            in_line += 1
            if patience_rate is not None:
                sequence += 1
                give_up = t + patience_rng.expovariate(patience_rate)
                heapq.heappush(heap, (give_up, sequence, _ABANDON, caller))
        elif kind == _DEPARTURE:
            for hook in handled_hooks:
                hook(handle[caller], t)
            for hook in ended_hooks:
                hook(caller, t)
            while line and status[line[0]] != _WAITING:
                line.popleft()
            if line:
                in_line -= 1
                answer(line.popleft(), t)
            else:
                free += 1
        elif status[caller] == _WAITING:  # _ABANDON, and still in the line
            status[caller] = _ABANDONED
            abandoned[caller] = True
            in_line -= 1
            wait = t - arrived_at[caller]
            queue_seconds[caller] = wait
            for hook in abandoned_hooks:
                hook(wait, t)

    # Drop the scored callers who gave up: they are not scored (their wait is not a delay).
    keep = [i for i, w in enumerate(scored_wait) if not math.isnan(w)]
    return Run(
        scenario=scenario,
        seed=seed,
        callers=total,
        warmup=warmup,
        waited=waited[warmup:],
        queue_seconds=queue_seconds[warmup:],
        abandoned=abandoned[warmup:],
        scored_wait=[scored_wait[i] for i in keep],
        scored_ahead=[scored_ahead[i] for i in keep],
        predictions={name: [said[i] for i in keep] for name, said in predictions.items()},
        kept=keep,
    )
