"""The estimated wait of a caller, learned from the queue's own events.

A queue-length predictor with abandonment (Whitt 1999, Ibrahim & Whitt 2009): with every agent
busy and ``k`` callers ahead, the wait is a sum of exponential steps (see ``delay``). It needs
two rates, and both are learned online from events the product sees anyway:

- the service rate ``mu``: one over the mean handle time of finished calls;
- the patience rate ``theta``: the exponential-patience MLE, abandons divided by the total
  time callers spent waiting, answered and abandoned alike (an answered caller's wait is a
  patience that was not used up: it counts as exposure, not as an abandon).

Both sums decay by count, so the estimate follows a queue whose handle time or patience drifts;
the memory is long (``MEMORY_EVENTS``) because the rates of a steady queue do not need to be
re-learned and a short memory only adds noise. A new queue starts from a prior worth a few
calls, which stays in the sums for good: it keeps the rates finite before the first event and
is negligible after a few hundred.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ivr.core.waits.delay import gamma_p90, wait_moments

MEMORY_EVENTS = 4000.0
"""Events (finished calls; callers leaving the line) after which an observation weighs 1/e."""
NOBODY_STAFFED_SECONDS = 3600.0
"""The least we claim when nobody is staffed: no rate backs any shorter figure."""
_STATE_VERSION = 1


@dataclass(frozen=True)
class WaitEstimate:
    mean_seconds: float
    p90_seconds: float
    """Nine in ten answered callers in this position are expected to wait at most this long."""


@dataclass(frozen=True)
class Prior:
    """What a queue with no history is assumed to look like, worth ``weight`` calls."""

    handle_seconds: float = 300.0
    patience_seconds: float = 600.0
    weight: float = 3.0

    def __post_init__(self) -> None:
        for name in ("handle_seconds", "patience_seconds", "weight"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(
                    f"Prior.{name} must be a positive number of seconds, not {value!r}"
                )


class WaitEstimator:
    """One queue's learned rates and staffing; cheap to copy through ``to_dict``."""

    def __init__(
        self,
        *,
        prior: Prior,
        memory_events: float = MEMORY_EVENTS,
        calls_handled: float = 0.0,
        handle_seconds_total: float = 0.0,
        callers_abandoned: float = 0.0,
        wait_seconds_total: float = 0.0,
        agents: int = 0,
        updated_at: float | None = None,
    ) -> None:
        if not memory_events >= 1.0:
            raise ValueError(f"memory_events must be at least 1, not {memory_events!r}")
        self.prior = prior
        self.memory_events = float(memory_events)
        self._keep = 1.0 - 1.0 / self.memory_events
        self.calls_handled = calls_handled
        self.handle_seconds_total = handle_seconds_total
        self.callers_abandoned = callers_abandoned
        self.wait_seconds_total = wait_seconds_total
        self.agents = agents
        self.updated_at = updated_at

    @classmethod
    def new(cls, prior: Prior | None = None, *, memory_events: float = MEMORY_EVENTS):
        return cls(prior=prior or Prior(), memory_events=memory_events)

    # -- events ------------------------------------------------------------------------------

    def answered(self, waited_seconds: float, at: float) -> None:
        self._left_line(_seconds(waited_seconds, "waited_seconds"), abandoned=False, at=at)

    def abandoned(self, waited_seconds: float, at: float) -> None:
        self._left_line(_seconds(waited_seconds, "waited_seconds"), abandoned=True, at=at)

    def handled(self, handle_seconds: float, at: float) -> None:
        keep = self._keep
        self.calls_handled = self.calls_handled * keep + 1.0
        self.handle_seconds_total = self.handle_seconds_total * keep + _seconds(
            handle_seconds, "handle_seconds"
        )
        self._touch(at)

    def staffed(self, agents: int, at: float) -> None:
        if not isinstance(agents, int) or agents < 0:
            raise ValueError(f"agents must be a whole number 0 or more, not {agents!r}")
        self.agents = agents
        self._touch(at)

    def _left_line(self, waited: float, *, abandoned: bool, at: float) -> None:
        keep = self._keep
        self.callers_abandoned = self.callers_abandoned * keep + (1.0 if abandoned else 0.0)
        self.wait_seconds_total = self.wait_seconds_total * keep + waited
        self._touch(at)

    def _touch(self, at: float) -> None:
        if self.updated_at is None or at > self.updated_at:
            self.updated_at = float(at)

    # -- what we learned ---------------------------------------------------------------------

    @property
    def handle_seconds(self) -> float:
        """Mean handle time: the prior's pseudo-calls plus the decayed finished calls."""
        weight = self.prior.weight
        return (self.handle_seconds_total + weight * self.prior.handle_seconds) / (
            self.calls_handled + weight
        )

    @property
    def patience_seconds(self) -> float:
        """Mean patience: exposure (time spent waiting) per abandon, prior included."""
        weight = self.prior.weight
        return (self.wait_seconds_total + weight * self.prior.patience_seconds) / (
            self.callers_abandoned + weight
        )

    # -- the estimate ------------------------------------------------------------------------

    def estimate(
        self, *, ahead: int, at: float, agents: int | None = None, idle_agents: int = 0
    ) -> WaitEstimate:
        """The wait of a caller with ``ahead`` callers in front (0 = next in line).

        ``agents`` overrides the staffing last reported; ``idle_agents`` (free right now) lets a
        caller who will be answered at once hear so.
        """
        if not isinstance(ahead, int) or ahead < 0:
            raise ValueError(f"ahead must be a whole number 0 or more, not {ahead!r}")
        staffed = self.agents if agents is None else agents
        if ahead < idle_agents:
            return WaitEstimate(mean_seconds=0.0, p90_seconds=0.0)
        ahead -= max(idle_agents, 0)
        if staffed <= 0:
            one = self._estimate(ahead, 1)
            return WaitEstimate(
                mean_seconds=max(one.mean_seconds, NOBODY_STAFFED_SECONDS),
                p90_seconds=max(one.p90_seconds, NOBODY_STAFFED_SECONDS),
            )
        return self._estimate(ahead, staffed)

    def _estimate(self, ahead: int, agents: int) -> WaitEstimate:
        mean, variance = wait_moments(
            ahead=ahead,
            agents=agents,
            service_rate=1.0 / self.handle_seconds,
            patience_rate=1.0 / self.patience_seconds,
        )
        return WaitEstimate(mean_seconds=mean, p90_seconds=max(mean, gamma_p90(mean, variance)))

    # -- persistence -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Eleven numbers, whatever the queue's history: stored in Redis between processes."""
        return {
            "version": _STATE_VERSION,
            "prior": {
                "handle_seconds": self.prior.handle_seconds,
                "patience_seconds": self.prior.patience_seconds,
                "weight": self.prior.weight,
            },
            "memory_events": self.memory_events,
            "calls_handled": self.calls_handled,
            "handle_seconds_total": self.handle_seconds_total,
            "callers_abandoned": self.callers_abandoned,
            "wait_seconds_total": self.wait_seconds_total,
            "agents": self.agents,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: dict) -> WaitEstimator:
        version = data.get("version")
        if version != _STATE_VERSION:
            raise ValueError(f"wait estimator state has version {version!r}, expected 1")
        return cls(
            prior=Prior(**data["prior"]),
            memory_events=float(data["memory_events"]),
            calls_handled=float(data["calls_handled"]),
            handle_seconds_total=float(data["handle_seconds_total"]),
            callers_abandoned=float(data["callers_abandoned"]),
            wait_seconds_total=float(data["wait_seconds_total"]),
            agents=int(data["agents"]),
            updated_at=None if data["updated_at"] is None else float(data["updated_at"]),
        )


def _seconds(value: float, name: str) -> float:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number of seconds, 0 or more, not {value!r}")
    return float(value)
