"""A manager opens the reports page in a real browser and reads a week at a glance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from ivr import create_app
from ivr.adapters.passwords import fast_passwords_for_tests
from ivr.adapters.sql.models import Agent, Call, Callback, Case, Customer, CustomerNumber
from ivr.config import Settings
from ivr.core.access import Role
from tests.console import make_user
from tests.e2e.browser import login, screenshot
from tests.e2e.conftest import _serve
from tests.helpers import ACCOUNT_SID, AUTH_TOKEN, BUSINESS_NUMBER, CALLFLOWS, free_port

pytestmark = pytest.mark.e2e

FIRST_MORNING = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 09:00 in New York
REASONS = ("my bill is wrong", "billed twice", "no power on my street", "power cut again")


@pytest.fixture
def served(sqlite_database: str, redis_url: str, clock) -> Iterator[tuple[str, object]]:
    from tests.conftest import empty_tables

    empty_tables(sqlite_database)
    port = free_port()
    settings = Settings(
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_phone_number=BUSINESS_NUMBER,
        public_base_url=f"http://127.0.0.1:{port}",
        twilio_api_base_url="http://127.0.0.1:9",  # no carrier: the page reads records only
        redis_url=redis_url,
        database_url=sqlite_database,
        secret_key="e2e-secret-key-" + "0" * 16,
        callflows_dir=CALLFLOWS,
    )
    app = create_app(settings)
    app.extensions["ivr"].clock = clock
    app.extensions["ivr"].passwords = fast_passwords_for_tests()
    server, _thread = _serve(app, port)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.shutdown()
        app.extensions["ivr"].close()


def seed_week(services) -> int:
    """Seven days of calls: each day more of them, a few abandoned, billing and outages."""
    calls = 0
    with services.database.unit_of_work() as session:
        alex = Agent(name="Alex", phone="+12025550111")
        ana = Customer(name="Ana García", language="es")
        ana.numbers.append(CustomerNumber(number="+14155550123"))
        session.add_all([alex, ana])
        session.flush()
        case = Case(
            customer_id=ana.id, status="open", reason="billed twice", opened_at=FIRST_MORNING
        )
        session.add(case)
        session.flush()
        for day in range(7):
            for n in range(3 + day):
                at = FIRST_MORNING + timedelta(days=day, minutes=7 * n)
                gave_up = n % 4 == 3
                ana_calls = n == 0
                session.add(
                    Call(
                        call_sid=f"CA{day:02d}{n:030d}",
                        started_at=at,
                        from_number="+14155550123" if ana_calls else f"+1415555{day:02d}{n:02d}",
                        customer_id=ana.id if ana_calls else None,
                        case_id=case.id if ana_calls else None,
                        status="completed",
                        queued_at=at,
                        wait_seconds=5 + 11 * n,
                        agent_id=None if gave_up else alex.id,
                        outcome="abandoned" if gave_up else "answered-by-agent",
                        category="billing" if n % 2 == 0 else "outage",
                        reason=REASONS[n % len(REASONS)],
                    )
                )
                calls += 1
            session.add(
                Callback(
                    number=f"+1415555{day:02d}99",
                    queue="support",
                    status="completed" if day % 3 else "missed",
                    kept=bool(day % 3),
                    place_at=FIRST_MORNING + timedelta(days=day),
                    promised_at=FIRST_MORNING + timedelta(days=day),
                )
            )
    return calls


def test_a_manager_reads_a_weeks_figures_and_charts(served, page) -> None:
    from playwright.sync_api import expect

    base_url, app = served
    services = app.extensions["ivr"]
    total = seed_week(services)
    manager = make_user(services, Role.MANAGER, email="mia@example.com", name="Mia")
    login(page, base_url, manager.email, manager.password)
    page.console_errors.clear()  # signing in lands on the home page, which is not this one's

    page.goto(base_url + "/console/manager/reports")
    page.fill("#from", "2026-11-25")
    page.fill("#to", "2026-12-01")
    page.click("#report-range button[type=submit]")
    page.wait_for_load_state()

    expect(page.locator("#figure-calls .figure")).to_have_text(str(total))
    expect(page.locator("#figure-service-level .figure")).to_contain_text("%")
    expect(page.locator("#figure-callbacks")).to_contain_text("7 promised")
    assert page.locator("svg.chart").count() == 6
    calls_chart = page.locator("#chart-calls svg")
    expect(calls_chart.locator("title").first).to_have_text(
        "Calls per day: answered, abandoned, other"
    )
    expect(calls_chart).to_contain_text("11-25")
    expect(page.locator("#causes-category")).to_contain_text("billing")
    link = page.locator("#causes-category a.outreach").first
    assert "outreach.csv" in (link.get_attribute("href") or "")
    screenshot(page, "reports")
    assert page.console_errors == []  # nothing the Content-Security-Policy refused
