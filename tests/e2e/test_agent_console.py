"""Agents work their calls in the console, in a real browser, through the sandbox carrier.

The agents answer on their phone numbers (sandbox devices the test plays); the console shows
who is calling and why while the phone rings, and takes notes, the disposition and a warm
transfer, all without reloading the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, Call, Transfer
from tests.console import make_user
from tests.e2e.browser import login, screenshot
from tests.e2e.conftest import AGENT_PHONES, Live, running

pytestmark = pytest.mark.e2e

ANA = "+14155550123"
ALEX, JORDAN = AGENT_PHONES
SLOW = 0.3
"""Slow enough that an agent's phone rings for 18 s: the console polls every 2 s."""


@pytest.fixture
def slow_live(sqlite_database, redis_url, clock) -> Iterator[Live]:
    yield from running(sqlite_database, redis_url, clock, time_scale=SLOW)


def agent_user(live: Live, phone: str, email: str):
    """The demo agent at ``phone`` signs in as ``email``."""
    with live.database.unit_of_work() as session:
        agent_id = session.scalar(select(Agent.id).where(Agent.phone == phone))
    return make_user(live.services, "agent", agent_id=agent_id, email=email), agent_id


def open_console(page, live: Live, user) -> None:
    from playwright.sync_api import expect

    login(page, live.settings.public_base_url, user.email, user.password)
    page.goto(live.settings.public_base_url + "/console/agent")
    expect(page.locator("#status")).not_to_have_text("…", timeout=10_000)
    # The sign-in page before it has no icon: the browser's /favicon.ico 404 is not ours.
    page.console_errors[:] = [e for e in page.console_errors if "404" not in e]


def go(page, status: str) -> None:
    from playwright.sync_api import expect

    page.click(f"#go-{status}")
    expect(page.locator("#status")).to_have_attribute("data-status", status, timeout=10_000)


def ana_asks_for_a_call(live: Live, reason: str) -> None:
    """Ana asks on the website to be called, saying why; her phone answers by itself."""
    answer = requests.post(
        live.settings.public_base_url + "/click-to-call",
        json={"phone": ANA, "reason": reason},
        timeout=10,
    )
    assert answer.status_code == 202, answer.text


def ana_call(live: Live):
    live.sandbox.wait_until(
        lambda: any(c.to == ANA for c in live.sandbox.calls()), timeout=10, what="Ana's call"
    )
    return next(c for c in live.sandbox.calls() if c.to == ANA)


def test_an_agent_sees_the_caller_as_the_phone_rings_and_files_the_call(
    slow_live: Live, page
) -> None:
    from playwright.sync_api import expect

    live = slow_live
    live.agent_status(JORDAN, "offline")
    live.agent_status(ALEX, "offline")
    user, _ = agent_user(live, ALEX, "alex@example.com")
    open_console(page, live, user)
    expect(page.locator("#status")).to_have_attribute("data-status", "offline")
    go(page, "available")

    ana_asks_for_a_call(live, "My heating has stopped since yesterday")
    phase = page.locator("#call-phase")
    expect(phase).to_have_attribute("data-phase", "ringing", timeout=20_000)
    expect(page.locator("#customer-name")).to_have_text("Ana García")
    expect(page.locator("#customer-number")).to_have_text(ANA)
    expect(page.locator("#call-reason")).to_have_text("My heating has stopped since yesterday")
    expect(page.locator("#reason-source")).to_have_text("their words")
    screenshot(page, "agent-screen-pop")

    leg = live.agent_takes_call(timeout=20)
    call = ana_call(live)
    assert call.wait_for_bridge(timeout=20).to == leg.to
    expect(phase).to_have_attribute("data-phase", "on-call", timeout=10_000)
    expect(page.locator("#status")).to_have_attribute("data-status", "on-call")

    page.fill("#note-body", "Boiler reset over the phone; engineer not needed.")
    page.click("#add-note")
    expect(page.locator("#call-notes")).to_contain_text("Boiler reset over the phone")
    page.select_option("#disposition", "resolved")
    page.select_option("#category", "technical")
    page.click("#save-disposition")
    expect(page.locator("#disposition-saved")).to_contain_text("resolved, technical")
    screenshot(page, "agent-console")

    leg.hang_up()
    call.wait_for_status(timeout=20)
    expect(phase).to_have_attribute("data-phase", "ended", timeout=10_000)
    record = live.call_record(call.sid)
    assert (record.disposition, record.category) == ("resolved", "technical")
    assert page.console_errors == []


def test_a_warm_transfer_shows_the_note_to_the_next_agent_before_they_answer(
    slow_live: Live, page, second_page
) -> None:
    from playwright.sync_api import expect

    live = slow_live
    live.agent_status(JORDAN, "offline")
    live.agent_status(ALEX, "offline")
    alex, _ = agent_user(live, ALEX, "alex@example.com")
    jordan, jordan_id = agent_user(live, JORDAN, "jordan@example.com")
    open_console(page, live, alex)
    open_console(second_page, live, jordan)
    go(page, "available")

    ana_asks_for_a_call(live, "The meter reading on my bill is wrong")
    expect(page.locator("#call-phase")).to_have_attribute("data-phase", "ringing", timeout=20_000)
    first = live.agent_takes_call(timeout=20)
    call = ana_call(live)
    call.wait_for_bridge(timeout=20)
    expect(page.locator("#call-phase")).to_have_attribute("data-phase", "on-call", timeout=10_000)

    go(second_page, "available")
    page.select_option("#transfer-to", f"agent:{jordan_id}")
    page.fill("#transfer-body", "Needs a meter visit booked; bill is on hold.")
    page.click("#transfer")

    first.wait_for_status(timeout=20)  # the first agent's leg ends when the caller moves
    expect(page.locator("#status")).not_to_have_attribute("data-status", "on-call")
    pop = second_page.locator("#screen-pop")
    expect(second_page.locator("#call-phase")).to_have_attribute(
        "data-phase", "ringing", timeout=20_000
    )
    expect(second_page.locator("#transfer-note")).to_be_visible()
    expect(second_page.locator("#transfer-from")).to_have_text("Alex Rivera")
    expect(second_page.locator("#transfer-text")).to_have_text(
        "Needs a meter visit booked; bill is on hold."
    )
    expect(pop).to_contain_text("The meter reading on my bill is wrong")
    screenshot(second_page, "agent-transfer-pop")

    second = live.agent_answers(timeout=20)
    assert second.to == JORDAN
    assert any("Transfer from Alex Rivera" in text for text in second.said)
    second.press("1")
    assert call.wait_for_bridge(timeout=20).to == JORDAN
    expect(second_page.locator("#call-phase")).to_have_attribute(
        "data-phase", "on-call", timeout=10_000
    )
    with live.database.unit_of_work() as session:
        transfer = session.scalars(select(Transfer)).one()
        taken_by = session.scalar(select(Call.agent_id).where(Call.call_sid == call.sid))
    assert (transfer.status, transfer.to_agent_id, taken_by) == ("connected", jordan_id, jordan_id)

    second.hang_up()
    call.wait_for_status(timeout=20)
    # Nobody resolved it: the earlier-calls list of Ana's next call, and the file, flag it.
    answer = live.services.customer_history.files_for_number(ANA)
    (flagged,) = [c for c in answer[0].calls if c.call_sid == call.sid]
    assert flagged.transferred_unresolved
    assert page.console_errors == [] and second_page.console_errors == []
