"""Scaled time: what lets a test run a five-minute call in a few hundred milliseconds.

The sandbox keeps its own calendar, which starts at the wall-clock time the engine was made
and then runs ``1 / time_scale`` times faster. All timestamps it reports come from that
calendar, so that ``end_time - start_time`` always equals the reported ``duration``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Converts call seconds to wall-clock seconds and back."""

    def __init__(self, time_scale: float) -> None:
        if not time_scale > 0:
            raise ValueError(f"time_scale must be a positive number, not {time_scale!r}")
        self.time_scale = float(time_scale)
        self._mono_start = time.monotonic()
        self._wall_start = datetime.now(UTC).replace(microsecond=0)

    def seconds(self) -> float:
        """Call seconds since the engine started (monotonic)."""
        return (time.monotonic() - self._mono_start) / self.time_scale

    def now(self) -> datetime:
        """The sandbox calendar's present, an aware UTC datetime."""
        return self._wall_start + timedelta(seconds=self.seconds())

    def real(self, call_seconds: float) -> float:
        """Wall-clock seconds that ``call_seconds`` of call time take."""
        return max(0.0, call_seconds) * self.time_scale
