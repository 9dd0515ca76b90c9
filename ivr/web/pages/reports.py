"""``/console/manager/reports``: the manager's report for a range of days, as a page.

The figures are the JSON API's (``ivr.services.reports``), drawn with ``ivr.web.charts``;
this module only reads the form and chooses how each figure is said ("82%", "1 min 5 s").
Each root cause links to its outreach list, the API's CSV, which the browser fetches with the
manager's session (and which the audit log records).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup

from ivr.core.access import Role
from ivr.core.reports.period import BadPeriod
from ivr.core.reports.summary import Report
from ivr.web.api.reports import outreach_path
from ivr.web.charts import Series, bar_list, bars, histogram, stacked_bars
from ivr.web.pages.access import page_role

bp = Blueprint("console_reports", __name__, url_prefix="/console/manager")


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    value: str
    note: str = ""


@bp.get("/reports")
@page_role(Role.MANAGER)
def reports() -> tuple[str, int]:
    service = current_app.extensions["ivr"].reports
    error = None
    try:
        period = service.period(request.args.get("from"), request.args.get("to"))
    except BadPeriod as problem:
        error = str(problem)
        period = service.period(None, None)
    report = service.report(period)
    page = render_template(
        "console/reports.html",
        report=report,
        error=error,
        figures=headline(report),
        charts=charts(report),
        outreach=lambda group: outreach_path(group, report.period),
    )
    return page, 400 if error else 200


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = round(seconds)
    sign, whole = ("-" if whole < 0 else ""), abs(whole)
    if whole < 60:
        return f"{sign}{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{sign}{minutes} min {rest} s" if rest else f"{sign}{minutes} min"


def headline(report: Report) -> list[Figure]:
    q, fcr, rep, tr = report.queue, report.first_contact, report.repeats, report.transfers
    cb = report.callbacks
    per_call = "–" if tr.per_call is None else f"{tr.per_call:.2f}"
    return [
        Figure("calls", "Calls", str(q.calls), f"{q.offered} joined the line"),
        Figure("answered", "Answered", str(q.answered), f"{q.waiting} waiting now"),
        Figure("abandoned", "Abandoned", str(q.abandoned), f"{percent(q.abandon_rate)} of those"),
        Figure(
            "service-level",
            "Service level",
            percent(q.service_level),
            f"answered within {q.service_level_seconds} s",
        ),
        Figure(
            "wait",
            "Wait p50 / p90",
            f"{duration(q.wait_p50_seconds)} / {duration(q.wait_p90_seconds)}",
            "answered callers",
        ),
        Figure(
            "fcr",
            "First-contact resolution",
            percent(fcr.rate),
            f"{fcr.resolved_first_contact} of {fcr.cases_opened} cases opened",
        ),
        Figure(
            "repeats",
            "Repeat calls",
            percent(rep.rate),
            f"{rep.repeat_calls} called within {report.settings.case_days} days",
        ),
        Figure(
            "transfers",
            "Transfers per call",
            per_call,
            f"{tr.without_resolution} of {tr.transfers} without resolution",
        ),
        Figure(
            "callbacks",
            "Callbacks kept",
            percent(cb.kept_rate),
            f"{cb.promised} promised, {cb.kept} kept, {cb.late} late, {cb.missed} missed",
        ),
        _estimates_figure(report),
    ]


def _estimates_figure(report: Report) -> Figure:
    est = report.estimates
    if not est.measured:
        return Figure("estimates", "Wait estimates", "–", f"{est.spoken} spoken, none measured")
    return Figure(
        "estimates",
        "Wait estimates within P90",
        percent(est.within_p90),
        f"bias {duration(est.bias_seconds)}, off by {duration(est.mean_absolute_error_seconds)}"
        f" on average ({est.measured} of {est.spoken} measured)",
    )


def charts(report: Report) -> dict[str, Markup]:
    days = report.days
    labels = [f"{d.day:%m-%d}" for d in days]
    other = [d.calls - d.answered - d.abandoned for d in days]
    levels = [None if d.service_level is None else d.service_level * 100 for d in days]
    threshold = report.settings.service_level_seconds
    return {
        "calls": stacked_bars(
            labels,
            [
                Series("answered", "s-answered", [d.answered for d in days]),
                Series("abandoned", "s-abandoned", [d.abandoned for d in days]),
                Series("other", "s-other", other),
            ],
            title="Calls per day: answered, abandoned, other",
            x_label="day",
            y_label="calls",
        ),
        "service_level": bars(
            labels,
            levels,
            title=f"Service level per day (answered within {threshold} s)",
            x_label="day",
            y_label="service level",
            unit="%",
            top=100,
        ),
        "wait_p90": bars(
            labels,
            [d.wait_p90_seconds for d in days],
            title="Wait before an agent answered, 90th percentile, per day",
            x_label="day",
            y_label="seconds",
            unit=" s",
            css="s-wait",
        ),
        "abandoned_after": histogram(
            report.queue.abandoned_after,
            title="How long abandoned callers waited before giving up",
            x_label="waited",
            y_label="abandoned calls",
        ),
        "top_reasons": bar_list(
            [(c.text, c.calls) for c in report.top_reasons], title="Top reasons, as said"
        ),
        "top_words": bar_list(
            [(c.text, c.calls) for c in report.top_words], title="Words in most reasons"
        ),
    }
