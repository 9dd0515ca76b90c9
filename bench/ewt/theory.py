"""Exact figures the simulator must reproduce: Erlang C and Erlang-A (M/M/s+M)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueFigures:
    p_wait: float
    """Share of callers who find every agent busy."""
    mean_queue_seconds: float
    """Mean time in queue over all callers (0 for those answered at once)."""
    p_abandon: float
    mean_wait_if_waited: float
    """Mean time in queue of callers who found every agent busy (answered or not)."""


def erlang_c(*, agents: int, arrival_rate: float, service_rate: float) -> QueueFigures:
    a = arrival_rate / service_rate
    if a >= agents:
        raise ValueError(f"Erlang C needs load below 1, got {a / agents:.3f}")
    term = 1.0
    total = 1.0
    for n in range(1, agents):
        term *= a / n
        total += term
    top = term * a / agents * agents / (agents - a)
    p_wait = top / (total + top)
    mean_if_waited = 1.0 / (agents * service_rate - arrival_rate)
    return QueueFigures(p_wait, p_wait * mean_if_waited, 0.0, mean_if_waited)


def erlang_a(
    *, agents: int, arrival_rate: float, service_rate: float, patience_rate: float
) -> QueueFigures:
    """The birth-death chain's stationary law, truncated where its terms vanish."""
    weights = [1.0]
    n = 0
    while True:
        n += 1
        death = min(n, agents) * service_rate + max(n - agents, 0) * patience_rate
        weights.append(weights[-1] * arrival_rate / death)
        if n > agents and weights[-1] < 1e-18 * max(weights):
            break
        if n > agents + 1_000_000:
            raise ValueError("Erlang-A chain does not converge")
    total = math.fsum(weights)
    probabilities = [w / total for w in weights]
    p_wait = math.fsum(probabilities[agents:])
    mean_queue = math.fsum((k - agents) * p for k, p in enumerate(probabilities) if k > agents)
    mean_queue_seconds = mean_queue / arrival_rate  # Little's law
    return QueueFigures(
        p_wait=p_wait,
        mean_queue_seconds=mean_queue_seconds,
        p_abandon=patience_rate * mean_queue / arrival_rate,
        mean_wait_if_waited=mean_queue_seconds / p_wait,
    )


def erlang_a_answered_wait(
    *, agents: int, arrival_rate: float, service_rate: float, patience_rate: float
) -> float:
    """Mean wait of callers who found every agent busy and were answered, in M/M/s+M.

    A caller who finds ``k`` waiting is answered with probability
    ``prod_j (s mu + j theta) / (s mu + (j + 1) theta)`` and then waits, on average,
    ``sum_j 1 / (s mu + (j + 1) theta)`` (j = 0..k): the predictor's own formula, exact here.
    """
    weight = 1.0  # stationary weight of n = agents (relative)
    base = agents * service_rate
    numerator = denominator = 0.0
    answered = 1.0
    wait = 0.0
    k = 0
    while True:
        answered *= (base + k * patience_rate) / (base + (k + 1) * patience_rate)
        wait += 1.0 / (base + (k + 1) * patience_rate)
        numerator += weight * answered * wait
        denominator += weight * answered
        k += 1
        weight *= arrival_rate / (base + k * patience_rate)
        if weight < 1e-18 * denominator or k > 1_000_000:
            return numerator / denominator
