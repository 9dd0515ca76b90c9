"""The days a report covers, in the business's time zone.

A manager asks for "1 to 7 December": they mean the business's days, midnight to midnight on
its clock, not UTC's. So a period is two local dates and a zone, and everything else (the UTC
bounds the records are read with, the day a call belongs to) is derived from them here, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 366
"""The longest period one report reads: a year, so one request cannot read everything."""

DEFAULT_DAYS = 7
"""A report asked for without dates covers the last week, today included."""


class BadPeriod(ValueError):
    """The dates asked for do not make a period; the message says why, for a person."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    """Inclusive: a one-day report has ``first == last``."""
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise BadPeriod(f"the period ends ({self.last}) before it starts ({self.first})")
        if self.days > MAX_DAYS:
            raise BadPeriod(f"the period is {self.days} days long; at most {MAX_DAYS} are read")

    @classmethod
    def parse(cls, first: str | None, last: str | None, *, zone: ZoneInfo, today: date) -> Period:
        """``from``/``to`` as a person typed them (``YYYY-MM-DD``); either may be missing:
        ``to`` is then today, ``from`` the week up to ``to``."""
        end = _date("to", last) if last else None
        start = _date("from", first) if first else None
        if end is None:
            end = max(today, start) if start else today
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        return cls(start, end, zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def starts_at(self) -> datetime:
        """The first day's local midnight, in UTC (inclusive)."""
        return _midnight(self.first, self.zone)

    @property
    def ends_at(self) -> datetime:
        """The local midnight after the last day, in UTC (exclusive)."""
        return _midnight(self.last + timedelta(days=1), self.zone)

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.first + timedelta(days=offset)

    def day_of(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def __contains__(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


def _date(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadPeriod(f"{name}={text!r} is not a date such as 2026-12-01 (YYYY-MM-DD)") from None


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # Midnight exists on every day in the zones we know of (DST moves happen at night, not at
    # midnight, almost everywhere); where it does not, fromisoformat's fold picks the later.
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)
