"""The hypoexponential delay and its P90, checked against exact distributions."""

from __future__ import annotations

import math

import pytest

from ivr.core.waits.delay import gamma_p90, gamma_quantile, wait_moments


def erlang_p90(n: int, rate: float) -> float:
    """Exact 0.9-quantile of Erlang(n, rate), by bisection on the Poisson sum."""

    def cdf(t: float) -> float:
        x = rate * t
        return 1.0 - sum(math.exp(-x) * x**i / math.factorial(i) for i in range(n))

    return bisect(cdf)


def hypoexponential_p90(rates: list[float]) -> float:
    """Exact 0.9-quantile of a sum of exponentials with distinct rates."""

    def cdf(t: float) -> float:
        survival = 0.0
        for i, a in enumerate(rates):
            weight = math.prod(b / (b - a) for j, b in enumerate(rates) if j != i)
            survival += weight * math.exp(-a * t)
        return 1.0 - survival

    return bisect(cdf)


def bisect(cdf) -> float:
    low, high = 0.0, 1.0
    while cdf(high) < 0.9:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if cdf(middle) < 0.9 else (low, middle)
    return (low + high) / 2


@pytest.mark.parametrize("shape", [0.3, 1, 2.5, 10, 400])
def test_the_gamma_quantile_inverts_the_gamma_distribution(shape):
    from ivr.core.waits.delay import regularized_lower_gamma

    assert regularized_lower_gamma(shape, gamma_quantile(shape, 0.9)) == pytest.approx(0.9)


def test_next_in_line_with_no_abandonment_is_one_exponential_step():
    mean, variance = wait_moments(ahead=0, agents=10, service_rate=1 / 300, patience_rate=0)
    assert mean == pytest.approx(30.0)
    assert gamma_p90(mean, variance) == pytest.approx(30.0 * math.log(10))


@pytest.mark.parametrize("ahead", [1, 4, 20])
def test_without_abandonment_the_wait_is_erlang_and_the_p90_exact(ahead):
    mean, variance = wait_moments(ahead=ahead, agents=4, service_rate=1 / 300, patience_rate=0)
    assert mean == pytest.approx((ahead + 1) * 75)
    assert gamma_p90(mean, variance) == pytest.approx(erlang_p90(ahead + 1, 4 / 300), rel=1e-6)


@pytest.mark.parametrize(("agents", "ahead"), [(3, 1), (3, 6), (1, 8), (50, 5)])
def test_with_abandonment_the_p90_is_within_one_percent_of_exact(agents, ahead):
    service, patience = 1 / 300, 1 / 600
    mean, variance = wait_moments(
        ahead=ahead, agents=agents, service_rate=service, patience_rate=patience
    )
    rates = [agents * service + (j + 1) * patience for j in range(ahead + 1)]
    assert mean == pytest.approx(sum(1 / r for r in rates))
    assert gamma_p90(mean, variance) == pytest.approx(hypoexponential_p90(rates), rel=0.01)


def test_callers_who_are_answered_wait_less_than_the_line_takes_to_reach_them():
    common = dict(ahead=5, agents=3, service_rate=1 / 300, patience_rate=1 / 600)
    answered, _ = wait_moments(**common)
    line, _ = wait_moments(**common, answered=False)
    assert answered < line


@pytest.mark.parametrize("ahead", [63, 64, 65, 500, 9_999])
@pytest.mark.parametrize("patience_seconds", [60, 600, 1e8])
@pytest.mark.parametrize("answered", [True, False])
def test_a_long_line_has_the_moments_of_its_steps_added_one_by_one(
    ahead, patience_seconds, answered
):
    service, patience = 1 / 300, 1 / patience_seconds
    mean, variance = wait_moments(
        ahead=ahead, agents=3, service_rate=service, patience_rate=patience, answered=answered
    )
    first = 3 * service + (patience if answered else 0.0)
    rates = [first + j * patience for j in range(ahead + 1)]
    assert mean == pytest.approx(math.fsum(1 / r for r in rates), rel=1e-12)
    assert variance == pytest.approx(math.fsum(1 / r**2 for r in rates), rel=1e-12)
