"""An agent's browser phone in a real browser: ``softphone.js`` on the sandbox's stand-in
receives and accepts a call, and the vendored Twilio SDK loads, under a strict CSP.

The pages are served by a small test-only app on its own port, as the console is served by
the product's app: the stand-in reaches the sandbox cross-origin, with the access token."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask, Response, send_from_directory
from werkzeug.serving import make_server

from ivr.adapters.twilio_tokens import TwilioAccessTokens
from ivr.bootstrap import SystemClock
from ivr.config import VoiceSdkSettings
from ivr.sandbox import Sandbox
from ivr.services.voice_tokens import VoiceTokens
from tests.e2e.conftest import ARTIFACTS
from tests.helpers import ACCOUNT_SID, AUTH_TOKEN, ROOT

pytestmark = pytest.mark.e2e

PAGES = Path(__file__).parent / "softphone"
STATIC = ROOT / "ivr" / "web" / "static"
BUSINESS = "+12025550100"
CALLER = "+14155550142"
IDENTITY = "agent_amy"
VOICE_SDK = VoiceSdkSettings(
    api_key="SK" + "5" * 32,
    api_secret="softphone-secret-" + "0" * 16,
    twiml_app_sid="AP" + "6" * 32,
)


@dataclass
class Console:
    url: str
    sandbox: Sandbox
    tokens: VoiceTokens

    def page_url(self, name: str, **query: str) -> str:
        return f"{self.url}/{name}?{urlencode(query)}"


def console_app(sandbox_url: str, tokens: VoiceTokens) -> Flask:
    """The console's static files, the test pages, a flow that rings the agent's browser, and
    a token endpoint (the product's is ``POST /api/v1/voice/token``)."""
    app = Flask("softphone-test", static_folder=str(STATIC), static_url_path="/static")

    @app.post("/token")
    def token():
        return tokens.for_identity(IDENTITY).token

    @app.after_request
    def strict_policy(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self'; connect-src 'self' {sandbox_url}"
        )
        return response

    @app.get("/<name>.html")
    def test_page(name: str):
        return send_from_directory(PAGES, f"{name}.html")

    @app.get("/favicon.ico")
    def no_icon():
        return "", 204

    @app.get("/harness.js")
    def harness():
        return send_from_directory(PAGES, "harness.js")

    @app.post("/voice")
    def voice():
        twiml = (
            '<Response><Dial timeout="20"><Client><Identity>'
            f'{IDENTITY}</Identity><Parameter name="queue" value="support"/></Client></Dial>'
            "</Response>"
        )
        return Response(twiml, mimetype="text/xml")

    return app


@pytest.fixture
def console() -> Iterator[Console]:
    sandbox = Sandbox(
        ACCOUNT_SID,
        AUTH_TOKEN,
        time_scale=0.05,
        api_keys={VOICE_SDK.api_key: VOICE_SDK.api_secret},
    )
    sandbox_url = sandbox.serve()
    tokens = VoiceTokens(TwilioAccessTokens(ACCOUNT_SID, VOICE_SDK), SystemClock())
    server = make_server("127.0.0.1", 0, console_app(sandbox_url, tokens), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    sandbox.add_number(BUSINESS, voice_url=f"{url}/voice")
    try:
        yield Console(url=url, sandbox=sandbox, tokens=tokens)
    finally:
        sandbox.close()
        server.shutdown()
        thread.join(5)


def problems_of(page) -> list[str]:
    """Page errors and console errors (a CSP violation is one) seen from now on."""
    seen: list[str] = []
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            seen.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    return seen


def test_an_agent_accepts_a_call_in_the_browser_and_is_bridged_to_the_caller(console, page):
    from playwright.sync_api import expect

    problems = problems_of(page)
    token = console.tokens.for_dial_target(f"client:{IDENTITY}")
    assert token is not None
    page.goto(
        console.page_url("softphone.html", token=token.token, sandbox=console.sandbox.base_url)
    )
    expect(page.locator("#state")).to_have_text("registered", timeout=10_000)
    assert console.sandbox.browsers_online(IDENTITY) == 1

    caller = console.sandbox.dial(BUSINESS, from_=CALLER)
    expect(page.locator("#state")).to_have_text("ringing", timeout=10_000)
    expect(page.locator("#caller")).to_have_text(CALLER)
    custom = page.evaluate("window.harness.phone.call.customParameters.get('queue')")
    assert custom == "support"
    page.click("#accept")
    expect(page.locator("#state")).to_have_text("in-call", timeout=10_000)

    agent = caller.wait_for_bridge(timeout=10)
    assert agent.to == f"client:{IDENTITY}"
    assert agent.status == "in-progress" and caller.status == "in-progress"
    assert agent.bridged_with == caller

    assert page.evaluate("window.harness.phone.call.say('Hello, Amy speaking')") is True
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "softphone.png"), full_page=True)
    caller.hang_up()
    expect(page.locator("#state")).to_have_text("idle", timeout=10_000)
    expect(page.locator("#log")).to_contain_text("idle (disconnect)")
    assert problems == []


def test_the_softphone_renews_its_token_before_it_expires_and_still_rings(console, page):
    """``tokenWillExpire`` asks the app for a new token and the device re-registers with it:
    a console left open all shift keeps ringing (the token lives an hour)."""
    from playwright.sync_api import expect

    problems = problems_of(page)
    token = console.tokens.for_identity(IDENTITY)
    early = (token.ttl_seconds - 1) * 1000  # renew one second after registering
    page.goto(
        console.page_url(
            "softphone.html",
            token=token.token,
            sandbox=console.sandbox.base_url,
            refresh=str(early),
        )
    )
    expect(page.locator("#log")).to_contain_text("token-refreshed", timeout=10_000)
    assert page.evaluate("window.harness.refreshes") >= 1
    assert page.evaluate("window.harness.phone.device.token") != token.token
    caller = console.sandbox.dial(BUSINESS, from_=CALLER)
    expect(page.locator("#state")).to_have_text("ringing", timeout=10_000)
    caller.hang_up()
    assert problems == []


def test_an_expired_token_is_reported_by_the_softphone(console, page):
    from playwright.sync_api import expect

    expired = console.tokens.for_identity(IDENTITY)
    sandbox_url = console.sandbox.base_url
    page.goto(console.page_url("softphone.html", token="x" + expired.token, sandbox=sandbox_url))
    expect(page.locator("#log")).to_contain_text("error 20101", timeout=10_000)
    assert page.evaluate("window.harness.error.code") == 20101


def test_the_vendored_twilio_sdk_loads_and_constructs_a_device(console, page):
    problems = problems_of(page)
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(console.url) else elsewhere.append(r.url))
    token = console.tokens.for_identity(IDENTITY).token
    page.goto(console.page_url("real-sdk.html"))
    assert page.evaluate("typeof window.Twilio.Device") == "function"
    assert page.evaluate("Softphone.deviceClass(null) === window.Twilio.Device")
    # Constructing needs no network; register() would dial Twilio, which is out of reach here.
    state = page.evaluate(
        "token => new Twilio.Device(token, {sounds: Softphone.sounds()}).state", token
    )
    assert state == "unregistered"
    assert problems == []
    assert elsewhere == []  # no CDN: the SDK's sounds came from the app too


def test_the_e2e_app_mints_tokens_its_sandbox_registers(live) -> None:
    """The harness gives the app and the sandbox the same API key, as the demo does."""
    import requests

    voice_tokens = live.services.voice_tokens
    assert voice_tokens is not None
    token = voice_tokens.for_identity(IDENTITY).token
    response = requests.post(
        f"{live.sandbox.base_url}/sandbox/voice/register",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert live.sandbox.browsers_online(IDENTITY) == 1
