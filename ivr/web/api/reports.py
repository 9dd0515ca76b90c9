"""``/api/v1/reports``: the manager's report for a period, its root causes, and the outreach
list of one root cause as CSV (each export audited: it is a list of customers' numbers)."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from flask import Response, current_app, jsonify, url_for

from ivr.core.access import Role
from ivr.core.audit import AuditAction
from ivr.core.reports.period import BadPeriod, Period
from ivr.core.reports.root_causes import Grouping, RootCause, outreach_csv
from ivr.core.reports.summary import Report
from ivr.web.api import bp
from ivr.web.api.auth import requires_role
from ivr.web.api.errors import ApiError
from ivr.web.api.inputs import dump, query
from ivr.web.api.report_schemas import OutreachQuery, ReportQuery, RootCauseList
from ivr.web.api.report_schemas import Report as ReportBody
from ivr.web.pages.access import audit


@bp.get("/reports")
@requires_role(Role.MANAGER)
def get_report() -> Response:
    reports = current_app.extensions["ivr"].reports
    period = _period(query(ReportQuery))
    return jsonify(dump(report_body(reports.report(period)), ReportBody))


@bp.get("/reports/root-causes")
@requires_role(Role.MANAGER)
def get_root_causes() -> Response:
    reports = current_app.extensions["ivr"].reports
    period = _period(query(ReportQuery))
    found = reports.root_causes(period)
    body = {
        "period": period_body(period),
        "by_category": [root_cause_body(g, period, customers=True) for g in found.by_category],
        "by_reason": [root_cause_body(g, period, customers=True) for g in found.by_reason],
    }
    return jsonify(dump(body, RootCauseList))


@bp.get("/reports/outreach.csv")
@requires_role(Role.MANAGER)
def get_outreach_csv() -> Response:
    services = current_app.extensions["ivr"]
    asked = query(OutreachQuery)
    period = _period(asked)
    if (asked.category is None) == (asked.reason is None):
        raise ApiError(400, "give exactly one of category and reason: whose customers to list")
    grouping = Grouping.CATEGORY if asked.category is not None else Grouping.REASON
    key = asked.category if asked.category is not None else asked.reason
    assert key is not None
    group = services.reports.root_cause(period, grouping, key)
    affected = group.affected if group is not None else ()
    audit(
        AuditAction.OUTREACH_EXPORT,
        f"{grouping}:{key}",
        {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            str(grouping): key,
            "rows": len(affected),
        },
    )
    name = f"outreach-{grouping}-{_slug(key)}-{period.first}-{period.last}.csv"
    return Response(
        outreach_csv(affected, zone=period.zone),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _period(asked: ReportQuery) -> Period:
    try:
        return current_app.extensions["ivr"].reports.period(asked.first, asked.last)
    except BadPeriod as error:
        raise ApiError(400, f"bad date range: {error}") from None


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", text)[:40] or "_"


def period_body(period: Period) -> dict[str, Any]:
    return {
        "first_day": period.first,
        "last_day": period.last,
        "days": period.days,
        "time_zone": period.zone.key,
        "starts_at": period.starts_at,
        "ends_at": period.ends_at,
    }


def outreach_path(group: RootCause, period: Period) -> str:
    """The API path of a group's outreach list: ``...?from=&to=&category=billing``."""
    return url_for(
        "api.get_outreach_csv",
        **{"from": period.first.isoformat(), "to": period.last.isoformat()},
        **{str(group.grouping): group.key},
    )


def root_cause_body(group: RootCause, period: Period, *, customers: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "grouping": str(group.grouping),
        "key": group.key,
        "calls": group.calls,
        "customers": group.customers,
        "repeat_calls": group.repeat_calls,
        "unresolved": group.unresolved,
        "outreach_csv": outreach_path(group, period),
    }
    if customers:
        body["affected"] = [asdict(a) for a in group.affected]
    return body


def report_body(report: Report) -> dict[str, Any]:
    """The report as the contract's ``Report``: the core's values, a few reshaped."""
    queue = asdict(report.queue)
    queue["abandoned_after"] = [
        {"label": label, "calls": n} for label, n in report.queue.abandoned_after
    ]
    repeats = {
        "calls": report.repeats.calls,
        "repeat_calls": report.repeats.repeat_calls,
        "rate": report.repeats.rate,
        "window_days": report.settings.case_days,
    }
    return {
        "period": period_body(report.period),
        "queue": queue,
        "first_contact": report.first_contact,
        "repeats": repeats,
        "transfers": report.transfers,
        "callbacks": report.callbacks,
        "estimates": report.estimates,
        "top_reasons": list(report.top_reasons),
        "top_words": list(report.top_words),
        "root_causes": {
            "by_category": [
                root_cause_body(g, report.period, customers=False) for g in report.by_category
            ],
            "by_reason": [
                root_cause_body(g, report.period, customers=False) for g in report.by_reason
            ],
        },
        "days": list(report.days),
    }
