"""A manager signs in and watches the wallboard update live; an agent cannot open it."""

from __future__ import annotations

import pytest

from ivr.core.access import Role
from tests.console import make_user
from tests.e2e.browser import login, screenshot
from tests.e2e.conftest import Live
from tests.e2e.test_queue import ALEX, JORDAN, SAM, to_the_queue

pytestmark = pytest.mark.e2e


def test_the_wallboard_shows_a_caller_joining_the_line_without_a_reload(live: Live, page) -> None:
    from playwright.sync_api import expect

    live.agent_status(ALEX, "offline")
    live.agent_status(JORDAN, "offline")
    manager = make_user(live.services, Role.MANAGER)
    login(page, live.settings.public_base_url, manager.email, manager.password)
    expect(page).to_have_url(live.settings.public_base_url + "/console/manager/wallboard")
    expect(page.locator("#board-waiting")).to_have_text("0", timeout=10_000)
    page.evaluate("window.notReloaded = true")

    call = to_the_queue(live, SAM)

    expect(page.locator("#board-waiting")).to_have_text("1", timeout=10_000)
    expect(page.locator("#board-queues tbody")).to_contain_text("support")
    expect(page.locator("#board-agents tbody")).to_contain_text("Alex Rivera")
    expect(page.locator("#board-agents tbody")).to_contain_text("offline")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "wallboard")
    call.hang_up()
    expect(page.locator("#board-waiting")).to_have_text("0", timeout=10_000)
    assert page.console_errors == []


def test_an_agent_is_refused_the_wallboard_and_sees_why(live: Live, page) -> None:
    from playwright.sync_api import expect

    agent = make_user(live.services, Role.AGENT)
    login(page, live.settings.public_base_url, agent.email, agent.password)
    answer = page.goto(live.settings.public_base_url + "/console/manager/wallboard")
    assert answer.status == 403
    expect(page.locator("#forbidden")).to_contain_text("needs the manager role")


def test_a_wrong_password_in_the_browser_shows_a_message_and_no_console(live: Live, page) -> None:
    from playwright.sync_api import expect

    manager = make_user(live.services, Role.MANAGER)
    login(page, live.settings.public_base_url, manager.email, "not the password!")
    expect(page.locator(".flash-error")).to_contain_text("do not match an active user")
    screenshot(page, "sign-in")
    assert page.url.endswith("/console/login")
