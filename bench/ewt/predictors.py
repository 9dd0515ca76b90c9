"""What each predictor sees and says: the product's estimator, Asterisk's, and an oracle.

Every predictor hears the same events the product would (a caller answered after a wait, a
caller who gave up after a wait, a finished call's handle time) and is asked, when a caller
arrives to find every agent busy, for a mean and (where it has one) a P90. The simulator also
says how long the caller at the head of the line has waited (0 when the new caller is the
head): only the head-of-line predictor listens to it.

The head-of-line, last-to-enter-service and naive predictors use no learned rate, so their
RMSEs depend only on the simulated callers: beside the reference's rows for them they check
the simulator, not a predictor.
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

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
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

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
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

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
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

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
        return (ahead + 1) * self.step, None


class HeadOfLine:
    """The elapsed wait of the caller at the head of the line (Ibrahim & Whitt's HOL).

    A caller who is the head on arrival is told 0: nobody ahead has waited yet.
    """

    name = "head of line"

    def __init__(self, agents: int) -> None:
        pass

    def answered(self, waited_seconds: float, at: float) -> None:
        pass

    abandoned = answered
    handled = answered

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
        return head_waited, None


class LastToEnterService:
    """The wait of the last caller answered (Ibrahim & Whitt's LES), 0 for one answered at once.

    Counting the callers answered at once is the literal reading, and the one whose RMSE matches
    the reference's row where the two readings differ most (E: 172.7 s; without them, 166).
    """

    name = "last to enter service"

    def __init__(self, agents: int) -> None:
        self.last_wait = 0.0

    def answered(self, waited_seconds: float, at: float) -> None:
        self.last_wait = waited_seconds

    def abandoned(self, waited_seconds: float, at: float) -> None:
        pass

    def handled(self, handle_seconds: float, at: float) -> None:
        pass

    def estimate(self, ahead: int, at: float, head_waited: float) -> tuple[float, float | None]:
        return self.last_wait, None
