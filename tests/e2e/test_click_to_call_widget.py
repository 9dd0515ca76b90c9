"""A visitor uses the "call me" widget on the demo page in a real browser, and is called.

The first test's screenshot (tests/artifacts/click-to-call.png) is the README's
docs/click-to-call.png, copied by hand so a test run never changes a tracked file."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, Live

pytestmark = pytest.mark.e2e

VISITOR = "+14155550166"


def test_a_visitor_asks_for_a_call_on_the_demo_page_and_is_put_in_line(
    live: Live,
    page,
) -> None:
    from playwright.sync_api import expect

    page.goto(live.settings.public_base_url + "/click-to-call/demo")
    page.get_by_label("Your phone number").fill("(415) 555-0166")
    page.get_by_label("What do you need? (optional)").fill("My power is out on Elm Street")
    page.get_by_role("button", name="Call me").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("We are calling you now at +1 415-555-0166", timeout=10_000)
    expect(status).to_have_attribute("data-outcome", "calling")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "click-to-call.png"), full_page=True)
    [call] = [c for c in live.sandbox.calls() if c.to == VISITOR]
    call.wait_until(lambda c: "returning your request" in " ".join(c.said), timeout=15)
    assert call.said[0] == "Hello, this is Acme Utilities returning your request."
    assert live.call_record(call.sid).reason == "My power is out on Elm Street"
    agent = live.agent_takes_call(timeout=15)
    assert call.wait_for_bridge(timeout=15).to == agent.to

    page.get_by_role("button", name="Call me").click()
    expect(status).to_contain_text("already calling you", timeout=10_000)
    expect(status).to_have_attribute("data-outcome", "already-pending")
    page.get_by_label("Your phone number").fill("+1 900 234 5678")
    page.get_by_role("button", name="Call me").click()
    expect(status).to_contain_text("premium-rate number", timeout=10_000)
    assert all(c.to != "+19002345678" for c in live.sandbox.calls())
    assert len([c for c in live.sandbox.calls() if c.to == VISITOR]) == 1
    assert [e.message for e in live.sandbox.errors if e.level == "error"] == []


def test_a_visitor_in_new_york_books_a_call_for_later_in_their_own_time(
    live: Live,
    page,
) -> None:
    from playwright.sync_api import expect

    context = page.context.browser.new_context(timezone_id="America/New_York")
    visitor_page = context.new_page()
    try:
        visitor_page.goto(live.settings.public_base_url + "/click-to-call/demo")
        visitor_page.get_by_label("Your phone number").fill("+1 212 555 0177")
        visitor_page.get_by_label("Call me at (optional)").fill("2026-12-01T13:30")
        visitor_page.get_by_role("button", name="Call me").click()

        status = visitor_page.get_by_role("status")
        expect(status).to_contain_text(
            "on Tuesday 01 December at 13:30 (UTC-05:00)", timeout=10_000
        )
        expect(status).to_have_attribute("data-outcome", "scheduled")
    finally:
        context.close()
    assert [c for c in live.sandbox.calls() if c.to == "+12125550177"] == []
