"""An agent answers in the browser: the console's softphone (the sandbox's stand-in for the
Twilio Voice SDK) rings while the screen pop shows who is calling, and Answer bridges them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent
from tests.console import make_user
from tests.e2e.browser import screenshot
from tests.e2e.conftest import AGENT_PHONES, Live
from tests.e2e.test_agent_console import SLOW, ana_asks_for_a_call, ana_call, go, open_console

pytestmark = pytest.mark.e2e


@pytest.fixture
def slow_live(sqlite_database, redis_url, clock):
    from tests.e2e.conftest import running

    yield from running(sqlite_database, redis_url, clock, time_scale=SLOW)


def test_a_browser_agent_answers_in_the_console_and_is_bridged(slow_live: Live, page) -> None:
    from playwright.sync_api import expect

    live = slow_live
    for phone in AGENT_PHONES:
        live.agent_status(phone, "offline")
    with live.database.unit_of_work() as session:
        casey = session.scalar(select(Agent.id).where(Agent.client_identity == "casey"))
    user = make_user(live.services, "agent", agent_id=casey, email="casey@example.com")
    open_console(page, live, user)
    softphone = page.locator("#softphone")
    expect(softphone).to_have_attribute("data-state", "registered", timeout=15_000)
    expect(softphone).to_have_attribute("data-kind", "sandbox")
    go(page, "available")

    ana_asks_for_a_call(live, "My direct debit was taken twice")
    expect(softphone).to_have_attribute("data-state", "ringing", timeout=20_000)
    expect(page.locator("#customer-name")).to_have_text("Ana García")
    expect(page.locator("#call-reason")).to_have_text("My direct debit was taken twice")
    screenshot(page, "agent-softphone-ringing")
    page.click("#softphone-answer")

    call = ana_call(live)
    leg = call.wait_for_bridge(timeout=20)
    assert leg.to == "client:casey"
    expect(softphone).to_have_attribute("data-state", "in-call", timeout=10_000)
    expect(page.locator("#call-phase")).to_have_attribute("data-phase", "on-call", timeout=10_000)
    assert any("Calling about: My direct debit" in p.text for p in leg.heard)
    page.click("#softphone-hangup")
    expect(softphone).to_have_attribute("data-state", "idle", timeout=10_000)
    call.wait_for_status(timeout=20)
    assert page.console_errors == []
