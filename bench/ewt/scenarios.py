"""The scenarios of ewt-reference.md, their reference figures, and scenarios it does not have."""

from __future__ import annotations

from dataclasses import dataclass, field

HOUR = 3600.0
AHT_SECONDS = 300.0
PATIENCE_SECONDS = 600.0


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    agents: int
    load: float
    """Offered load per agent: arrival rate x AHT / agents."""
    callers: int
    service: str = "exponential"  # or "lognormal"
    service_cv: float = 1.0
    patience_seconds: float | None = PATIENCE_SECONDS
    handle_seconds: float = AHT_SECONDS
    peak_load: float | None = None
    """Time-varying arrivals: ``load`` except for ``peak_hours`` of each cycle at this load."""
    cycle_hours: float = 8.0
    peak_start_hours: float = 3.0
    peak_hours: float = 1.0
    handle_levels: tuple[float, float] | None = None
    """A drifting handle time: the mean alternates between these every ``handle_period_hours``."""
    handle_period_hours: float = 12.0
    warmup_share: float = 0.05
    reference: dict[str, float] = field(default_factory=dict)
    """RMSE (s) by predictor from ewt-reference.md; empty for scenarios it does not have."""
    reference_mean_wait: float | None = None

    @property
    def arrival_rate(self) -> float:
        return self.load * self.agents / self.handle_seconds

    def handle_seconds_at(self, t: float) -> float:
        if self.handle_levels is None:
            return self.handle_seconds
        return self.handle_levels[int(t / (self.handle_period_hours * HOUR)) % 2]

    def arrival_rate_at(self, t: float) -> float:
        if self.peak_load is None:
            return self.arrival_rate
        phase = (t / HOUR) % self.cycle_hours
        peak = self.peak_start_hours <= phase < self.peak_start_hours + self.peak_hours
        return (self.peak_load if peak else self.load) * self.agents / self.handle_seconds

    def next_rate_change(self, t: float) -> float:
        """When the arrival rate next changes after ``t`` (infinity when it never does)."""
        if self.peak_load is None:
            return float("inf")
        cycle = self.cycle_hours * HOUR
        base = (t // cycle) * cycle
        for edge in (self.peak_start_hours, self.peak_start_hours + self.peak_hours):
            if base + edge * HOUR > t:
                return base + edge * HOUR
        return base + cycle + self.peak_start_hours * HOUR


def _reference(ql: float, asterisk: float, hol: float, les: float, naive: float) -> dict:
    return {
        "queue-length, learned": ql,
        "asterisk": asterisk,
        "head of line": hol,
        "last to enter service": les,
        "naive position x AHT / s": naive,
    }


REFERENCE = {
    "A": Scenario(
        "A",
        "M/M/10, load 0.90, no abandonment",
        10,
        0.90,
        400_000,
        patience_seconds=None,
        reference=_reference(95.3, 146.4, 134.6, 140.3, 95.0),
        reference_mean_wait=300.0,
    ),
    "B": Scenario(
        "B",
        "M/M/50+M, load 1.10, patience 600",
        50,
        1.10,
        100_000,
        reference=_reference(20.1, 31.1, 28.9, 29.9, 22.4),
        reference_mean_wait=75.0,
    ),
    "C": Scenario(
        "C",
        "M/LN/20+M, load 0.95, service CV 1.2",
        20,
        0.95,
        100_000,
        service="lognormal",
        service_cv=1.2,
        reference=_reference(28.0, 45.8, 40.3, 43.4, 29.3),
        reference_mean_wait=64.0,
    ),
    "D": Scenario(
        "D",
        "M_t/M/25+M, load 0.85 with a 1 h peak at 1.275 every 8 h",
        25,
        0.85,
        100_000,
        peak_load=1.275,
        reference=_reference(28.4, 45.4, 41.1, 43.5, 35.2),
        reference_mean_wait=77.0,
    ),
    "E": Scenario(
        "E",
        "M/M/3+M, load 0.80 (a small team)",
        3,
        0.80,
        100_000,
        reference=_reference(111.5, 166.9, 156.7, 172.7, 130.0),
        reference_mean_wait=156.0,
    ),
}
UNSEEN = {
    "F": Scenario(
        "F", "M/M/5+M, load 0.90, patience 300", 5, 0.90, 100_000, patience_seconds=300.0
    ),
    "G": Scenario("G", "M/M/15+M, load 1.20 (overloaded), patience 600", 15, 1.20, 100_000),
    "H": Scenario(
        "H",
        "M/M/20+M, AHT 240 s and 360 s by turns every 12 h (load 0.72 / 1.08)",
        20,
        0.90,
        100_000,
        handle_levels=(240.0, 360.0),
    ),
}
SCENARIOS = {**REFERENCE, **UNSEEN}
