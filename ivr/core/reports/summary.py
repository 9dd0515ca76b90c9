"""The manager's report for a period: every figure, and a series per day for the charts.

``build_report`` is the one place the figures are put together from a period's rows; the
API shows it as JSON and the page draws it. Each figure's definition is in the module that
computes it: ``calls`` (calls, fates, waits, service level, abandons), ``resolution``
(first-contact resolution, repeat calls, transfers), ``promises`` (callbacks, estimates),
``reasons`` and ``root_causes``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ivr.core.reports.calls import (
    Fate,
    QueueFigures,
    customer_calls,
    fate,
    percentile,
    queue_figures,
    service_level,
    waited_seconds,
)
from ivr.core.reports.period import Period
from ivr.core.reports.promises import (
    CallbackFigures,
    EstimateAccuracy,
    callback_figures,
    estimate_accuracy,
)
from ivr.core.reports.reasons import Counted, top_reasons, top_words
from ivr.core.reports.resolution import (
    FirstContact,
    Repeats,
    Transfers,
    first_contact_resolution,
    repeat_calls,
    transfer_figures,
)
from ivr.core.reports.root_causes import Grouping, RootCause, root_causes
from ivr.core.reports.rows import CallRow, ReportRows

ROOT_CAUSES_SHOWN = 20
"""Groups per grouping in the report (the root-cause read has them all)."""


@dataclass(frozen=True)
class ReportSettings:
    service_level_seconds: int = 20
    """``IVR_SERVICE_LEVEL_SECONDS``: T in "answered within T seconds"."""
    case_days: int = 14
    """``IVR_CASE_DAYS``: a call within this many days of the caller's last is a repeat."""


@dataclass(frozen=True)
class Day:
    day: date
    calls: int
    answered: int
    abandoned: int
    callbacks_promised: int
    service_level: float | None
    wait_p90_seconds: float | None


@dataclass(frozen=True)
class Report:
    period: Period
    settings: ReportSettings
    queue: QueueFigures
    first_contact: FirstContact
    repeats: Repeats
    transfers: Transfers
    callbacks: CallbackFigures
    estimates: EstimateAccuracy
    top_reasons: tuple[Counted, ...]
    top_words: tuple[Counted, ...]
    by_category: tuple[RootCause, ...]
    by_reason: tuple[RootCause, ...]
    days: tuple[Day, ...]


def build_report(
    rows: ReportRows,
    period: Period,
    settings: ReportSettings,
    *,
    root_cause_limit: int | None = ROOT_CAUSES_SHOWN,
) -> Report:
    calls = [call for call in rows.calls if call.started_at in period]
    mine = customer_calls(calls)
    cases = {case.id: case for case in rows.cases}
    repeats = repeat_calls(calls, rows.earlier_calls, window_days=settings.case_days)
    queue = queue_figures(calls, service_level_seconds=settings.service_level_seconds)
    grouped = root_cause_groups(calls, rows, repeats.call_sids, limit=root_cause_limit)
    return Report(
        period=period,
        settings=settings,
        queue=queue,
        first_contact=first_contact_resolution(rows.cases, period),
        repeats=repeats,
        transfers=transfer_figures(rows.transfers, mine, cases, answered_calls=queue.answered),
        callbacks=callback_figures(rows.callbacks, period),
        estimates=estimate_accuracy(rows.estimates, period),
        top_reasons=top_reasons(call.reason for call in mine),
        top_words=top_words(call.reason for call in mine),
        by_category=grouped[Grouping.CATEGORY],
        by_reason=grouped[Grouping.REASON],
        days=daily(rows, period, settings),
    )


def root_cause_groups(
    calls: list[CallRow], rows: ReportRows, repeats: frozenset[str], *, limit: int | None
) -> dict[Grouping, tuple[RootCause, ...]]:
    """The period's calls grouped both ways (category, reason word), at most ``limit`` groups
    each (None: all of them, as the root-cause API gives them)."""
    cases = {case.id: case for case in rows.cases}
    customers = {customer.id: customer for customer in rows.customers}
    return {
        grouping: root_causes(
            calls, grouping, cases=cases, customers=customers, repeats=repeats, limit=limit
        )
        for grouping in Grouping
    }


def daily(rows: ReportRows, period: Period, settings: ReportSettings) -> tuple[Day, ...]:
    """One entry per day of the period, empty days included (a chart with gaps lies)."""
    by_day = defaultdict(list)
    for call in customer_calls(rows.calls):
        if call.started_at in period:
            by_day[period.day_of(call.started_at)].append(call)
    promised: dict[date, int] = defaultdict(int)
    for callback in rows.callbacks:
        if callback.promised_at in period:
            promised[period.day_of(callback.promised_at)] += 1
    days = []
    for day in period.each_day():
        calls = by_day.get(day, [])
        fates = [fate(call) for call in calls]
        answered_waits = [
            wait
            for call, kind in zip(calls, fates, strict=True)
            if kind is Fate.ANSWERED and (wait := waited_seconds(call)) is not None
        ]
        days.append(
            Day(
                day=day,
                calls=len(calls),
                answered=fates.count(Fate.ANSWERED),
                abandoned=fates.count(Fate.ABANDONED),
                callbacks_promised=promised.get(day, 0),
                service_level=service_level(
                    calls, threshold_seconds=settings.service_level_seconds
                ),
                wait_p90_seconds=percentile(answered_waits, 90),
            )
        )
    return tuple(days)
