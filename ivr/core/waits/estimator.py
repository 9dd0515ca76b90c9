"""The estimated wait of a caller, learned from the queue's own events.

A queue-length predictor with abandonment (Whitt 1999, Ibrahim & Whitt 2009): with every agent
busy and ``k`` callers ahead, the wait is a sum of exponential steps (see ``delay``). It needs
two rates, and both are learned online from events the product sees anyway:

- the service rate ``mu``: one over the mean handle time of finished calls;
- the patience rate ``theta``: the exponential-patience MLE, abandons divided by the total
  time callers spent waiting, answered and abandoned alike (an answered caller's wait is a
  patience that was not used up: it counts as exposure, not as an abandon).

The sums decay by count with a long memory, because a short one only adds noise to a steady
queue, and a short-memory watcher replaces them when the rate has clearly shifted (see
``learning``), so a queue whose handle time changes is followed within hours. A new queue
starts from a prior worth a few calls, which stays in the sums for good: it keeps the rates
finite before the first event and is negligible after a few hundred.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ivr.core.waits.delay import gamma_p90, wait_moments
from ivr.core.waits.learning import (
    FAST_HANDLE_EVENTS,
    FAST_PATIENCE_EVENTS,
    SLOW_MEMORY_EVENTS,
    TwoSpeedRatio,
)

NOBODY_STAFFED_SECONDS = 3600.0
"""The least we claim when nobody is staffed: no rate backs any shorter figure."""
_STATE_VERSION = 2


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
        memory_events: float = SLOW_MEMORY_EVENTS,
        state: dict | None = None,
    ) -> None:
        if not memory_events >= 1.0:
            raise ValueError(f"memory_events must be at least 1, not {memory_events!r}")
        state = state or {}
        self.prior = prior
        self.memory_events = float(memory_events)
        self._handle = TwoSpeedRatio(
            prior=prior.handle_seconds,
            prior_x=prior.weight,
            slow_memory=self.memory_events,
            fast_memory=FAST_HANDLE_EVENTS,
            state=state.get("handle"),
        )
        self._patience = TwoSpeedRatio(
            prior=1.0 / prior.patience_seconds,
            prior_x=prior.weight * prior.patience_seconds,
            slow_memory=self.memory_events,
            fast_memory=FAST_PATIENCE_EVENTS,
            state=state.get("patience"),
        )
        self.agents: int = int(state.get("agents", 0))
        self.updated_at: float | None = state.get("updated_at")

    @classmethod
    def new(
        cls, prior: Prior | None = None, *, memory_events: float = SLOW_MEMORY_EVENTS
    ) -> WaitEstimator:
        return cls(prior=prior or Prior(), memory_events=memory_events)

    # -- events ------------------------------------------------------------------------------

    def answered(self, waited_seconds: float, at: float) -> None:
        """A wait that ended in an answer: time the caller was at risk of giving up, unused."""
        self._patience.add(0.0, _seconds(waited_seconds, "waited_seconds"))
        self._touch(at)

    def abandoned(self, waited_seconds: float, at: float) -> None:
        self._patience.add(1.0, _seconds(waited_seconds, "waited_seconds"))
        self._touch(at)

    def handled(self, handle_seconds: float, at: float) -> None:
        self._handle.add(_seconds(handle_seconds, "handle_seconds"), 1.0)
        self._touch(at)

    def staffed(self, agents: int, at: float) -> None:
        if not isinstance(agents, int) or agents < 0:
            raise ValueError(f"agents must be a whole number 0 or more, not {agents!r}")
        self.agents = agents
        self._touch(at)

    def _touch(self, at: float) -> None:
        if self.updated_at is None or at > self.updated_at:
            self.updated_at = float(at)

    # -- what we learned ---------------------------------------------------------------------

    @property
    def handle_seconds(self) -> float:
        """Mean handle time of finished calls, the prior's pseudo-calls included."""
        return self._handle.value

    @property
    def patience_seconds(self) -> float:
        """Mean patience: time spent waiting (answered or not) per abandon, prior included."""
        return 1.0 / self._patience.value

    @property
    def changes_seen(self) -> tuple[int, int]:
        """How often the handle time and the patience were seen to shift and re-learned."""
        return self._handle.changes, self._patience.changes

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
            service_rate=1.0 / self._handle.value,
            patience_rate=self._patience.value,
        )
        return WaitEstimate(mean_seconds=mean, p90_seconds=max(mean, gamma_p90(mean, variance)))

    # -- persistence -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """About 45 numbers (under 1.2 kB of JSON) whatever the queue's history: kept in Redis."""
        return {
            "version": _STATE_VERSION,
            "prior": {
                "handle_seconds": self.prior.handle_seconds,
                "patience_seconds": self.prior.patience_seconds,
                "weight": self.prior.weight,
            },
            "memory_events": self.memory_events,
            "handle": self._handle.state,
            "patience": self._patience.state,
            "agents": self.agents,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: dict) -> WaitEstimator:
        version = data.get("version")
        if version != _STATE_VERSION:
            raise ValueError(
                f"wait estimator state has version {version!r}, expected {_STATE_VERSION}"
            )
        return cls(
            prior=Prior(**data["prior"]),
            memory_events=float(data["memory_events"]),
            state=data,
        )


def _seconds(value: float, name: str) -> float:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number of seconds, 0 or more, not {value!r}")
    return float(value)
