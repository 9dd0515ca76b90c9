"""What each predictor sees and says: the product's estimator, Asterisk's, and an oracle.

Every predictor hears the same events the product would (a caller answered after a wait, a
caller who gave up after a wait, a finished call's handle time) and is asked, when a caller
arrives to find every agent busy, for a mean and (where it has one) a P90.
"""

from __future__ import annotations

from ivr.core.waits.delay import gamma_p90, wait_moments
from ivr.core.waits.estimator import WaitEstimator


class Product:
    """``ivr.core.waits.WaitEstimator`` from its prior, told only the staffing (``s``)."""

    name = "ours"

    def __init__(self, agents: int, **options) -> None:
        self.estimator = WaitEstimator.new(**options)
        self.estimator.staffed(agents, 0.0)
        self.answered = self.estimator.answered
        self.abandoned = self.estimator.abandoned
        self.handled = self.estimator.handled
        self.last_learned = (self.estimator.handle_seconds, self.estimator.patience_seconds)
        """AHT and patience when the last caller heard an estimate (not after the line drains,
        when the calls still finishing are the longest ones)."""

    def estimate(self, ahead: int, at: float) -> tuple[float, float | None]:
        estimate = self.estimator.estimate(ahead=ahead, at=at)
        self.last_learned = (self.estimator.handle_seconds, self.estimator.patience_seconds)
        return estimate.mean_seconds, estimate.p90_seconds


class Asterisk:
    """``announce-holdtime``: app_queue.c's ``recalc_holdtime``, in whole seconds.

    ``holdtime = (3 * holdtime + wait) >> 2`` for every answered caller (those answered at once
    too), announced as is, whatever the caller's position.
    """

    name = "asterisk"

    def __init__(self, agents: int) -> None:
        self.holdtime = 0

    def answered(self, waited_seconds: float, at: float) -> None:
        self.holdtime = (3 * self.holdtime + int(waited_seconds)) >> 2

    def abandoned(self, waited_seconds: float, at: float) -> None:
        pass

    def handled(self, handle_seconds: float, at: float) -> None:
        pass

    def estimate(self, ahead: int, at: float) -> tuple[float, float | None]:
        return float(self.holdtime), None


class Oracle:
    """The product's predictor told the true rates (the handle time of the moment, if it drifts)."""

    name = "oracle"

    def __init__(
        self, agents: int, *, handle_seconds_at, patience_seconds: float | None, tilt=True
    ) -> None:
        self.agents = agents
        self.handle_seconds_at = handle_seconds_at
        self.patience_rate = 0.0 if patience_seconds is None else 1.0 / patience_seconds
        self.tilt = tilt

    def answered(self, waited_seconds: float, at: float) -> None:
        pass

    abandoned = answered
    handled = answered

    def estimate(self, ahead: int, at: float) -> tuple[float, float | None]:
        mean, variance = wait_moments(
            ahead=ahead,
            agents=self.agents,
            service_rate=1.0 / self.handle_seconds_at(at),
            patience_rate=self.patience_rate,
            answered=self.tilt,
        )
        return mean, gamma_p90(mean, variance)


class Naive:
    """Position x AHT / s with the true AHT: no abandonment, no learning."""

    name = "naive"

    def __init__(self, agents: int, *, handle_seconds: float) -> None:
        self.step = handle_seconds / agents

    def answered(self, waited_seconds: float, at: float) -> None:
        pass

    abandoned = answered
    handled = answered

    def estimate(self, ahead: int, at: float) -> tuple[float, float | None]:
        return (ahead + 1) * self.step, None
