"""Business hours: a week of opening times in one timezone, minus holidays.

Times are wall-clock times where the business is, so they are evaluated in its timezone
(``zoneinfo``) from an aware UTC instant: a summer-time change moves the UTC opening, not the
local one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
"""Monday first, as ``date.weekday()`` counts."""

MINUTES_PER_DAY = 24 * 60

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class TimeRange:
    """Open from ``start_minute`` (inclusive) to ``end_minute`` (exclusive), minutes after
    midnight; ``end_minute`` may be 1440 ("24:00") for a day that runs to midnight."""

    start_minute: int
    end_minute: int

    def contains(self, minute: int) -> bool:
        return self.start_minute <= minute < self.end_minute

    def __str__(self) -> str:
        return f"{_hhmm(self.start_minute)}-{_hhmm(self.end_minute)}"


@dataclass(frozen=True)
class OpeningHours:
    """When people are there to answer: ``weekly[0]`` is Monday's ranges."""

    timezone: ZoneInfo
    weekly: tuple[tuple[TimeRange, ...], ...]
    holidays: frozenset[date] = frozenset()

    def is_open(self, now: datetime) -> bool:
        """Whether the business is open at ``now``.

        A naive ``now`` is read as UTC (the call context promises UTC), never as the server's
        local time, which would open the lines at the wrong hour on a server elsewhere.
        """
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        local = now.astimezone(self.timezone)
        if local.date() in self.holidays:
            return False
        minute = local.hour * 60 + local.minute
        return any(r.contains(minute) for r in self.weekly[local.weekday()])


def parse_timezone(name: str) -> ZoneInfo:
    """The zone for an IANA name such as ``America/New_York``; ValueError names the problem."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'timezone "{name}" is not a known timezone (use a name such as "America/New_York")'
        ) from None


def parse_time_range(text: str) -> TimeRange:
    """``"08:00-20:00"`` to a range; ValueError says what is wrong with it.

    Overnight ranges (``"18:00-08:00"``) are refused rather than guessed at: write the two
    halves on their two days (``friday: 18:00-24:00``, ``saturday: 00:00-08:00``).
    """
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f'"{text}" is not a time range such as "08:00-20:00"')
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or start_m > 59:
        raise ValueError(f'"{text}" starts at a time that does not exist')
    if end_h > 24 or end_m > 59 or (end_h == 24 and end_m != 0):
        raise ValueError(f'"{text}" ends at a time that does not exist')
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if end <= start:
        raise ValueError(
            f'"{text}" ends before it starts; split an overnight range across two days, '
            f'e.g. "18:00-24:00" and "00:00-08:00" on the next day'
        )
    return TimeRange(start, end)


def parse_weekday(name: str) -> int:
    """``"monday"`` or ``"Mon"`` to 0; ValueError for anything else."""
    key = name.strip().lower()
    for index, day in enumerate(WEEKDAYS):
        if key in (day, day[:3]):
            return index
    raise ValueError(f'"{name}" is not a day of the week (use monday ... sunday)')


def parse_holiday(text: str) -> date:
    """``"2025-12-25"`` to a date; ValueError for anything else."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f'holiday "{text}" is not a date such as 2025-12-25') from None


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
