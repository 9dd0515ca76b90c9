"""The reports' SQL reads, on SQLite and PostgreSQL: a period's rows in the business's days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import (
    Agent,
    Call,
    Callback,
    Case,
    Customer,
    CustomerNumber,
    Transfer,
    WaitEstimateSpoken,
)
from ivr.adapters.sql.report_rows import SqlReportSource
from ivr.core.reports.period import Period
from ivr.core.reports.summary import ReportSettings, build_report

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2026, 12, 1)
PERIOD = Period(DAY, DAY, NEW_YORK)
NOON = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def sid(n: int) -> str:
    return f"CA{n:032d}"


@pytest.fixture
def seeded(db: Database) -> Database:
    """Ana (on file, an open billing case) called twice; a stranger once; an agent's leg and a
    callback's leg; calls just outside the day on both sides, and one the week before."""
    with db.unit_of_work() as session:
        alex = Agent(name="Alex", phone="+12025550111")
        ana = Customer(name="Ana García", language="es")
        ana.numbers.append(CustomerNumber(number="+14155550123"))
        session.add_all([ana, alex])
        session.flush()
        case = Case(customer_id=ana.id, status="open", reason="factura", opened_at=NOON)
        old_case = Case(
            customer_id=ana.id,
            status="resolved",
            opened_at=NOON - timedelta(days=30),
            resolved_at=NOON - timedelta(days=29),
        )
        session.add_all([case, old_case])
        session.flush()
        common = {"from_number": "+14155550123", "customer_id": ana.id, "language": "es"}
        session.add_all(
            [
                Call(
                    call_sid=sid(1),
                    started_at=NOON,
                    queued_at=NOON,
                    agent_id=None,
                    wait_seconds=8,
                    outcome="abandoned",
                    status="completed",
                    reason="mi factura está mal",
                    case_id=case.id,
                    **common,
                ),
                Call(
                    call_sid=sid(2),
                    started_at=NOON + timedelta(hours=1),
                    queued_at=NOON + timedelta(hours=1),
                    wait_seconds=15,
                    agent_id=alex.id,
                    outcome="answered-by-agent",
                    status="completed",
                    reason="factura otra vez",
                    category="billing",
                    case_id=case.id,
                    **common,
                ),
                Call(
                    call_sid=sid(3),
                    direction="outbound-dial",
                    started_at=NOON + timedelta(hours=1),
                    from_number="+12025550100",
                    to_number="+12025550111",
                    outcome="bridged",
                ),
                Call(
                    call_sid=sid(4),
                    direction="outbound-api",
                    started_at=NOON + timedelta(hours=2),
                    from_number="+14155550199",
                    to_number="+14155550199",
                    callback_id=1,
                ),
                Call(call_sid=sid(5), started_at=NOON, from_number="+14155550188"),
                # 23:30 and 00:30 in New York: the first is in the day, the second is not.
                Call(
                    call_sid=sid(6),
                    started_at=datetime(2026, 12, 2, 4, 30, tzinfo=UTC),
                    from_number="+14155550177",
                ),
                Call(
                    call_sid=sid(7),
                    started_at=datetime(2026, 12, 2, 5, 30, tzinfo=UTC),
                    from_number="+14155550177",
                ),
                Call(
                    call_sid=sid(8),
                    started_at=NOON - timedelta(days=6),
                    from_number="+14155550188",
                ),
            ]
        )
        session.add(
            Transfer(call_sid=sid(2), case_id=case.id, status="connected", requested_at=NOON)
        )
        session.add(
            Callback(
                number="+14155550199",
                queue="support",
                status="completed",
                kept=True,
                place_at=NOON,
                promised_at=NOON,
            )
        )
        session.add(
            WaitEstimateSpoken(
                call_sid=sid(2),
                queue="support",
                at=NOON + timedelta(hours=1),
                mean_seconds=30,
                p90_seconds=60,
                actual_wait_seconds=15,
            )
        )
        ana_id = ana.id
    db.ana_id = ana_id  # type: ignore[attr-defined]
    return db


def test_the_rows_of_a_day_are_the_calls_between_its_local_midnights(seeded: Database) -> None:
    rows = SqlReportSource(seeded).rows(PERIOD, lookback_days=14)
    assert sorted(call.call_sid for call in rows.calls) == [sid(n) for n in (1, 2, 3, 4, 5, 6)]
    assert [call.call_sid for call in rows.earlier_calls] == [sid(8)]
    assert all(call.started_at.tzinfo is not None for call in rows.calls)


def test_cases_customers_transfers_callbacks_and_estimates_come_with_them(
    seeded: Database,
) -> None:
    rows = SqlReportSource(seeded).rows(PERIOD, lookback_days=14)
    (case,) = rows.cases  # the old resolved case is neither opened nor filed in the day
    assert (case.status, case.customer_calls) == ("open", 2)
    (ana,) = rows.customers
    assert (ana.name, ana.numbers, ana.open_case_id) == ("Ana García", ("+14155550123",), case.id)
    assert [t.call_sid for t in rows.transfers] == [sid(2)]
    assert [(cb.status, cb.kept) for cb in rows.callbacks] == [("completed", True)]
    assert [(e.mean_seconds, e.actual_wait_seconds) for e in rows.estimates] == [(30, 15)]


def test_the_report_on_the_records_counts_customers_calls_only(seeded: Database) -> None:
    rows = SqlReportSource(seeded).rows(PERIOD, lookback_days=14)
    report = build_report(rows, PERIOD, ReportSettings(service_level_seconds=20, case_days=14))
    # Ana twice, the stranger, the 23:30 caller; not the agent's leg, not the callback's.
    assert report.queue.calls == 4
    assert (report.queue.answered, report.queue.abandoned) == (1, 1)
    assert report.queue.service_level == 1.0  # answered in 15 s; the 8 s abandon left out
    assert report.repeats.repeat_calls == 2  # Ana's second call; the stranger from last week
    assert (report.transfers.transfers, report.transfers.without_resolution) == (1, 1)
    assert report.first_contact.cases_opened == 1 and report.first_contact.rate == 0
    (billing,) = report.by_category
    assert (billing.key, billing.customers, billing.affected[0].name) == (
        "billing",
        1,
        "Ana García",
    )
    assert report.by_reason[0].key == "factura"
