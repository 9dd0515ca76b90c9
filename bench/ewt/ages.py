"""The ceiling for a predictor that sees the ages of the calls in service (scenario C).

With lognormal handle times the state is more than the line's length: a call 20 minutes old is
likely to last a while yet, one 2 minutes old likely to end soon. This oracle knows the true
handle-time law, the true patience, the line's length and the age of every call in service,
and estimates the caller's wait by Monte Carlo: each path draws every call's remaining handle
time from the lognormal conditioned on its age, fresh handle times for the calls that follow,
and a remaining patience for each caller ahead (exponential: memoryless), then plays the line
forward until the caller is answered. Paths are weighted by the caller's own chance to hold
that long (``exp(-theta * wait)``), because only answered callers are scored.

No production estimator can beat it on average: it is the conditional law of the wait given
that state. Its mean has Monte Carlo noise, which adds its variance to the squared error; the
noise of each estimate is kept (``noise``) so the report can subtract it.
"""

from __future__ import annotations

import heapq
import math
import random
from statistics import NormalDist

from bench.ewt.scenarios import Scenario

_STANDARD = NormalDist()


class AgesOracle:
    name = "oracle(ages)"

    def __init__(self, scenario: Scenario, *, seed: int, paths: int = 64) -> None:
        if scenario.service != "lognormal" or scenario.handle_levels is not None:
            raise ValueError(f"scenario {scenario.key}: the ages oracle wants steady lognormal")
        sigma2 = math.log(1.0 + scenario.service_cv**2)
        self.sigma = math.sqrt(sigma2)
        self.mu = math.log(scenario.handle_seconds) - sigma2 / 2.0
        self.theta = 0.0 if scenario.patience_seconds is None else 1.0 / scenario.patience_seconds
        self.paths = paths
        self.rng = random.Random(f"{seed}:{scenario.key}:ages-oracle")
        self.started: dict[int, float] = {}
        self.noise: list[float] = []
        """Per estimate, the variance of its Monte Carlo mean."""

    def service_started(self, caller: int, at: float) -> None:
        self.started[caller] = at

    def service_ended(self, caller: int, at: float) -> None:
        del self.started[caller]

    def answered(self, waited_seconds: float, at: float) -> None:
        pass

    abandoned = answered
    handled = answered

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
        mu, sigma, theta = self.mu, self.sigma, self.theta
        rng = self.rng
        uniform, lognormal, expo = rng.random, rng.lognormvariate, rng.expovariate
        inv = _STANDARD.inv_cdf
        calls = []
        for start in self.started.values():
            age = at - start
            survive = 1.0 if age <= 0.0 else _STANDARD.cdf((mu - math.log(age)) / sigma)
            calls.append((age, max(survive, 1e-300)))
        waits = []
        for _ in range(self.paths):
            free = []
            for age, survive in calls:
                p = uniform() * survive
                p = min(max(p, 1e-300), 1.0 - 1e-16)
                free.append(max(math.exp(mu - sigma * inv(p)) - age, 0.0))
            heapq.heapify(free)
            j = 0
            while True:
                done = free[0]
                while j < ahead and theta > 0.0 and expo(theta) < done:
                    j += 1
                if j == ahead:
                    break
                heapq.heapreplace(free, done + lognormal(mu, sigma))
                j += 1
            waits.append(done)
        weights = [math.exp(-theta * w) for w in waits]
        total = sum(weights)
        mean = sum(w * x for w, x in zip(weights, waits, strict=True)) / total
        self.noise.append(
            sum((w * (x - mean)) ** 2 for w, x in zip(weights, waits, strict=True)) / total**2
        )
        order = sorted(zip(waits, weights, strict=True))
        reach, p90 = 0.9 * total, order[-1][0]
        for x, w in order:
            reach -= w
            if reach <= 0.0:
                p90 = x
                break
        return mean, p90
