"""A manager reads the report for a range of days, its root causes, and exports the customers
of one root cause as CSV; every export is in the audit log."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, AuditEntry, Call, Case, Customer, CustomerNumber
from tests.api import Api

# The demo business is in New York; the clock (tests.helpers.OPEN_HOURS) says 1 December.
MORNING = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 09:00 in New York
RANGE = {"from": "2026-11-25", "to": "2026-12-01"}


@pytest.fixture
def api(app) -> Api:
    return Api(app)


@pytest.fixture
def calls(app) -> None:
    """Three customers with billing trouble (Ana twice, her case still open), one outage, and
    the agent's leg of Ana's answered call."""
    with app.extensions["ivr"].database.unit_of_work() as session:
        alex = Agent(name="Alex", phone="+12025550111")
        ana = Customer(name="Ana García", language="es")
        ana.numbers.append(CustomerNumber(number="+14155550123"))
        session.add_all([alex, ana])
        session.flush()
        case = Case(customer_id=ana.id, status="open", reason="bill twice", opened_at=MORNING)
        session.add(case)
        session.flush()

        def call(n: int, minutes: int, **fields) -> Call:
            return Call(
                call_sid=f"CA{n:032d}",
                started_at=MORNING + timedelta(minutes=minutes),
                status="completed",
                **fields,
            )

        ana_call = {"customer_id": ana.id, "from_number": "+14155550123", "case_id": case.id}
        session.add_all(
            [
                call(
                    1,
                    0,
                    queued_at=MORNING,
                    agent_id=alex.id,
                    wait_seconds=12,
                    outcome="answered-by-agent",
                    category="billing",
                    reason="I was billed twice",
                    **ana_call,
                ),
                call(
                    2,
                    60,
                    queued_at=MORNING,
                    wait_seconds=45,
                    outcome="abandoned",
                    reason="billed twice again",
                    **ana_call,
                ),
                call(
                    3,
                    5,
                    from_number="+14155550177",
                    queued_at=MORNING,
                    agent_id=alex.id,
                    wait_seconds=50,
                    outcome="answered-by-agent",
                    category="billing",
                    disposition="resolved",
                    reason="=cmd|' /C calc'!A0 billed",
                ),
                call(4, 9, from_number="+14155550166", category="outage", reason="no power"),
                call(
                    5,
                    0,
                    direction="outbound-dial",
                    from_number="+12025550100",
                    to_number="+12025550111",
                    agent_id=alex.id,
                    category="billing",
                ),
            ]
        )


def test_a_manager_reads_the_report_with_a_series_per_day(api: Api, calls) -> None:
    response = api.get("/reports", role="manager", query_string=RANGE)
    assert response.status_code == 200
    report = response.get_json()
    assert report["period"] == {
        "first_day": "2026-11-25",
        "last_day": "2026-12-01",
        "days": 7,
        "time_zone": "America/New_York",
        "starts_at": "2026-11-25T05:00:00Z",
        "ends_at": "2026-12-02T05:00:00Z",
    }
    queue = report["queue"]
    assert (queue["calls"], queue["answered"], queue["abandoned"]) == (4, 2, 1)
    assert queue["service_level"] == pytest.approx(1 / 3)  # 12 s in; 50 s and a 45 s abandon
    assert queue["service_level_seconds"] == 20
    assert [d["day"] for d in report["days"]][-1] == "2026-12-01"
    assert [d["calls"] for d in report["days"]] == [0, 0, 0, 0, 0, 0, 4]
    assert report["repeats"]["repeat_calls"] == 1
    billing = report["root_causes"]["by_category"][0]
    assert (billing["key"], billing["calls"], billing["customers"]) == ("billing", 2, 2)
    assert billing["outreach_csv"].startswith("/api/v1/reports/outreach.csv?")
    assert report["top_words"][0] == {"text": "billed", "calls": 3}


def test_an_agent_may_not_read_reports(api: Api) -> None:
    for path in ("/reports", "/reports/root-causes", "/reports/outreach.csv?category=x"):
        response = api.get(path, role="agent")
        assert response.status_code == 403, path


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-12-07", "to": "2026-12-01"}, "ends (2026-12-01) before it starts"),
        ({"from": "1 Dec"}, "from='1 Dec' is not a date"),
        ({"from": "2020-01-01", "to": "2026-12-01"}, "at most 366"),
    ],
)
def test_a_bad_date_range_is_a_400_saying_why(api: Api, query, message: str) -> None:
    response = api.get("/reports", role="manager", query_string=query)
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]


def test_root_causes_list_the_customers_affected(api: Api, calls) -> None:
    body = api.get("/reports/root-causes", role="manager", query_string=RANGE).get_json()
    billing = next(g for g in body["by_category"] if g["key"] == "billing")
    assert [(a["name"], a["number"], a["calls"]) for a in billing["affected"]] == [
        (None, "+14155550177", 1),
        ("Ana García", "+14155550123", 1),
    ]
    by_reason = {g["key"]: g["customers"] for g in body["by_reason"]}
    assert by_reason["billed"] == 2


def test_the_outreach_csv_lists_the_customers_and_the_export_is_audited(
    api: Api, app, calls
) -> None:
    response = api.get(
        "/reports/outreach.csv", role="manager", query_string={**RANGE, "category": "billing"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["name"], r["number"], r["open_case_reason"]) for r in rows] == [
        ("", "+14155550177", ""),
        ("Ana García", "+14155550123", "bill twice"),
    ]
    assert rows[0]["last_reason"].startswith("'=")  # a formula is written as text
    assert rows[1]["last_call_at"] == "2026-12-01T09:00:00-05:00"
    with app.extensions["ivr"].database.unit_of_work() as session:
        (entry,) = session.scalars(select(AuditEntry)).all()
        assert (entry.action, entry.target) == ("outreach.export", "category:billing")
        assert entry.actor.startswith("token:") and entry.actor.endswith(" test manager")
        assert entry.detail == {
            "from": "2026-11-25",
            "to": "2026-12-01",
            "category": "billing",
            "rows": 2,
        }


def test_an_outreach_list_by_reason_uses_the_reason_groups(api: Api, calls) -> None:
    response = api.get(
        "/reports/outreach.csv", role="manager", query_string={**RANGE, "reason": "Billed"}
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(r["number"] for r in rows) == ["+14155550123", "+14155550177"]


def test_an_outreach_list_needs_exactly_one_filter(api: Api) -> None:
    for query in ({}, {"category": "billing", "reason": "bill"}):
        response = api.get("/reports/outreach.csv", role="manager", query_string=query)
        assert response.status_code == 400
        assert "exactly one of category and reason" in response.get_json()["error"]["message"]
