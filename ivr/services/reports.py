"""The manager's reports as use cases: a period asked for, its rows read, its figures built.

The web layer (JSON API and page) only parses the request into a ``Period`` here and shows
what comes back; the figures are the core's (``ivr.core.reports``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from ivr.core.reports.calls import ServiceLevelCounts, service_level_counts
from ivr.core.reports.period import BadPeriod, Period
from ivr.core.reports.reasons import meaningful_words
from ivr.core.reports.resolution import repeat_calls
from ivr.core.reports.root_causes import Grouping, RootCause
from ivr.core.reports.rows import ReportSource
from ivr.core.reports.summary import Report, ReportSettings, build_report, root_cause_groups


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class RootCauses:
    period: Period
    by_category: tuple[RootCause, ...]
    by_reason: tuple[RootCause, ...]


class ManagerReports:
    def __init__(
        self, source: ReportSource, settings: ReportSettings, *, zone: ZoneInfo, clock: Clock
    ) -> None:
        self._source = source
        self.settings = settings
        self.zone = zone
        self._clock = clock

    def today(self) -> date:
        """Today on the business's clock: a report's default last day."""
        return self._clock.now().astimezone(self.zone).date()

    def period(self, first: str | None, last: str | None) -> Period:
        """The period a person asked for; raises ``BadPeriod`` saying what is wrong."""
        return Period.parse(first, last, zone=self.zone, today=self.today())

    def service_level_today(self, now: datetime) -> ServiceLevelCounts:
        """The wallboard's service level: callers who joined the line since midnight (the
        business's), by the same definition as the reports'."""
        midnight = now.astimezone(self.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        calls = self._source.joined_line_since(midnight)
        return service_level_counts(calls, threshold_seconds=self.settings.service_level_seconds)

    def report(self, period: Period) -> Report:
        rows = self._source.rows(period, lookback_days=self.settings.case_days)
        return build_report(rows, period, self.settings)

    def root_causes(self, period: Period) -> RootCauses:
        """Every group of both groupings, each with all its customers."""
        rows = self._source.rows(period, lookback_days=self.settings.case_days)
        calls = [call for call in rows.calls if call.started_at in period]
        repeats = repeat_calls(calls, rows.earlier_calls, window_days=self.settings.case_days)
        grouped = root_cause_groups(calls, rows, repeats.call_sids, limit=None)
        return RootCauses(period, grouped[Grouping.CATEGORY], grouped[Grouping.REASON])

    def root_cause(self, period: Period, grouping: Grouping, key: str) -> RootCause | None:
        """One group (``billing`` of the categories, say), or None when no call is in it."""
        found = self.root_causes(period)
        groups = found.by_category if grouping is Grouping.CATEGORY else found.by_reason
        wanted = key.strip().lower()
        if grouping is Grouping.REASON:
            wanted = next(iter(meaningful_words(key)), wanted)  # as the groups fold words
        return next((group for group in groups if group.key == wanted), None)


__all__ = ["BadPeriod", "ManagerReports", "RootCauses"]
