"""A person uses the sandbox phone page in a real browser (Debian's chromium, Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import ARTIFACTS, Live, running
from tests.helpers import BUSINESS_NUMBER

pytestmark = pytest.mark.e2e


@pytest.fixture
def slow_live(sqlite_database, redis_url, clock) -> Iterator[Live]:
    """Slow enough for a browser to press keys while a Gather listens."""
    yield from running(sqlite_database, redis_url, clock, time_scale=0.3)


def test_person_calls_from_the_phone_page_and_follows_the_flow(slow_live: Live, page) -> None:
    from playwright.sync_api import expect

    page.goto(slow_live.sandbox.base_url + "/")
    page.fill("#caller-id", "+14155550177")
    page.fill("#business-number", BUSINESS_NUMBER)
    page.click("#dial-form button[type=submit]")
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("Thank you for calling Acme Utilities", timeout=10_000)
    expect(transcript).to_contain_text("Para español, oprima 2", timeout=10_000)
    page.click("button.key[data-key='2']")
    expect(transcript).to_contain_text("Para facturación, oprima 1", timeout=10_000)
    page.fill("#speech", "agente")
    page.click("#speak-form button[type=submit]")
    slow_live.agent_takes_call(timeout=15)
    expect(page.locator("#call-bridge")).to_contain_text("+1202555011", timeout=15_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-page.png"), full_page=True)
    page.click("#hangup")
    expect(page.locator("#call-status")).to_contain_text("completed", timeout=10_000)
    assert [e.message for e in slow_live.sandbox.errors] == []
