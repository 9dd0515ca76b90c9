"""The period in the business's days, and the whole report with its per-day series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ivr.core.reports.period import BadPeriod, Period
from ivr.core.reports.rows import CallbackRow, ReportRows
from ivr.core.reports.summary import ReportSettings, build_report
from tests.unit.reports.rows import DAY, NEW_YORK, NOON, WEEK, abandoned, answered, call


def test_a_period_runs_from_local_midnight_to_the_midnight_after_its_last_day() -> None:
    period = Period(DAY, DAY, NEW_YORK)
    assert period.starts_at == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert period.ends_at == datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    late_evening = datetime(2026, 12, 2, 4, 59, tzinfo=UTC)  # 23:59 in New York
    assert late_evening in period
    assert period.day_of(late_evening) == DAY


def test_without_dates_a_period_is_the_last_week_up_to_today() -> None:
    period = Period.parse(None, None, zone=NEW_YORK, today=date(2026, 12, 7))
    assert (period.first, period.last) == (date(2026, 12, 1), date(2026, 12, 7))


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-12-07", "2026-12-01", "ends (2026-12-01) before it starts (2026-12-07)"),
        ("yesterday", "2026-12-01", "from='yesterday' is not a date"),
        ("2020-01-01", "2026-12-01", "at most 366 are read"),
    ],
)
def test_a_bad_period_says_what_is_wrong(first: str, last: str, message: str) -> None:
    with pytest.raises(BadPeriod, match=message.replace("(", r"\(").replace(")", r"\)")):
        Period.parse(first, last, zone=NEW_YORK, today=DAY)


def test_the_report_has_a_day_for_every_day_of_the_period_even_empty_ones() -> None:
    rows = ReportRows(
        calls=(
            answered(10),
            abandoned(60),
            answered(40, started_at=NOON + timedelta(days=2)),
            answered(40, started_at=NOON - timedelta(days=1)),  # before the period
        ),
        callbacks=(CallbackRow(1, "pending", NOON + timedelta(days=2)),),
    )
    report = build_report(rows, WEEK, ReportSettings(service_level_seconds=20))
    assert [d.day for d in report.days] == list(WEEK.each_day())
    first, _, third = report.days[:3]
    assert (first.calls, first.answered, first.abandoned, first.service_level) == (2, 1, 1, 0.5)
    assert (third.calls, third.callbacks_promised, third.service_level) == (1, 1, 0.0)
    assert report.days[1].calls == 0 and report.days[1].service_level is None
    assert report.queue.calls == 3


def test_the_report_counts_repeats_against_the_calls_before_the_period() -> None:
    before = call(customer_id=3, started_at=NOON - timedelta(days=2))
    rows = ReportRows(calls=(call(customer_id=3),), earlier_calls=(before,))
    report = build_report(rows, WEEK, ReportSettings(case_days=14))
    assert (report.repeats.calls, report.repeats.repeat_calls) == (1, 1)
