"""A real browser for the page tests: Debian's chromium, driven by Playwright.

``make test`` installs chromium (``scripts/bootstrap --test chromium``); Playwright never
downloads a browser of its own here. The flags keep chromium off the network it cannot reach
(background updates, sync) and let it run as root in CI.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.helpers import ROOT, need

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
"""Where the page tests leave pictures of the main pages (``docs/screenshots`` holds the ones
the README shows, copied from here by ``make screenshots``)."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        need("chromium is not installed (make test installs it)")
    try:
        import playwright.sync_api as playwright_api
    except ImportError:
        need("playwright is not installed (make test installs it)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def _watched_page(browser) -> Iterator:
    """A fresh browser context (its own cookies) and page; console errors are collected on
    ``page.console_errors`` so a test can assert the page ran cleanly (a CSP violation is one)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.console_errors = []
    opened.on(
        "console",
        lambda message: message.type == "error" and opened.console_errors.append(message.text),
    )
    opened.on("pageerror", lambda error: opened.console_errors.append(str(error)))
    yield opened
    context.close()


@pytest.fixture
def page(browser) -> Iterator:
    yield from _watched_page(browser)


@pytest.fixture
def second_page(browser) -> Iterator:
    """Another person at another browser (e.g. a second agent), with their own session."""
    yield from _watched_page(browser)


def login(page, base_url: str, email: str, password: str, *, next_path: str = "") -> None:
    """Signs in through the real form, as a person does; ``next_path`` is where the form
    sends them after (as when a signed-out person opened that page), else their home."""
    page.goto(base_url + "/console/login" + (f"?next={quote(next_path)}" if next_path else ""))
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
