"""The reports page: managers see the figures and charts for the days they ask; the outreach
list it links to is the API's CSV, fetched with their session and audited under their name."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, AuditEntry, Call
from ivr.core.access import Role
from tests.console import make_user, sign_in

MORNING = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def figure(html: str, name: str) -> str:
    found = re.search(rf'id="figure-{name}".*?<div class="figure">([^<]*)</div>', html, re.S)
    assert found, name
    return found.group(1)


@pytest.fixture
def calls(app) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        alex = Agent(name="Alex", phone="+12025550111")
        session.add(alex)
        session.flush()
        for n in range(4):
            session.add(
                Call(
                    call_sid=f"CA{n:032d}",
                    started_at=MORNING + timedelta(minutes=n),
                    from_number=f"+1415555010{n}",
                    status="completed",
                    queued_at=MORNING,
                    wait_seconds=10 + 20 * n,
                    agent_id=alex.id if n < 3 else None,
                    outcome="answered-by-agent" if n < 3 else "abandoned",
                    category="outage",
                    reason="no power on my street",
                )
            )


@pytest.fixture
def manager(app):
    client = app.test_client()
    sign_in(client, make_user(app.extensions["ivr"], Role.MANAGER, email="mia@example.com"))
    return client


def test_a_manager_sees_the_figures_and_charts_of_the_days_asked_for(manager, calls) -> None:
    page = manager.get("/console/manager/reports?from=2026-11-25&to=2026-12-01")
    assert page.status_code == 200
    html = page.text
    assert figure(html, "calls") == "4"
    # Service level: of the 10, 30 and 50 s answers and the 70 s abandon, only the first.
    assert figure(html, "service-level") == "25%"
    assert figure(html, "abandoned") == "1"
    assert html.count("<svg") == 6
    assert 'value="2026-11-25"' in html
    assert "/api/v1/reports/outreach.csv?" in html and "category=outage" in html


def test_the_page_has_no_inline_style_or_script_the_policy_would_block(manager, calls) -> None:
    page = manager.get("/console/manager/reports")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert " style=" not in page.text
    assert "<script" not in page.text


def test_a_bad_range_is_said_on_the_page_with_a_400(manager) -> None:
    page = manager.get("/console/manager/reports?from=2026-12-07&to=2026-12-01")
    assert page.status_code == 400
    assert "before it starts" in page.text


def test_an_agent_may_not_open_the_reports(app) -> None:
    client = app.test_client()
    sign_in(client, make_user(app.extensions["ivr"], Role.AGENT))
    assert client.get("/console/manager/reports").status_code == 403


def test_the_outreach_link_downloads_the_csv_and_audits_the_manager(app, manager, calls) -> None:
    response = manager.get(
        "/api/v1/reports/outreach.csv?from=2026-12-01&to=2026-12-01&category=outage"
    )
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == 1 + 4
    with app.extensions["ivr"].database.unit_of_work() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "outreach.export"))
        assert entry.actor.endswith("mia@example.com") and entry.user_id is not None
        assert entry.detail["rows"] == 4
