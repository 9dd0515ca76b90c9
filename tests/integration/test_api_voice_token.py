"""``POST /api/v1/voice/token``: a browser agent's softphone gets a token for their identity."""

from __future__ import annotations

import jwt
import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent
from ivr.config import VoiceSdkSettings
from ivr.core.access import Role
from ivr.seed import seed_demo
from tests.console import csrf_of, make_user, sign_in
from tests.helpers import API_KEY_SECRET, API_KEY_SID, TWIML_APP_SID, with_settings


@pytest.fixture
def settings(settings):
    return with_settings(
        settings,
        voice_sdk=VoiceSdkSettings(
            api_key=API_KEY_SID, api_secret=API_KEY_SECRET, twiml_app_sid=TWIML_APP_SID
        ),
    )


def signed_in_as(app, role: Role, *, client: str | None = None, phone: str | None = None):
    services = app.extensions["ivr"]
    agent_id = None
    if client:
        seed_demo(services.database)
        with services.database.unit_of_work() as session:
            agent_id = session.scalar(select(Agent.id).where(Agent.client_identity == client))
    user = make_user(services, role, agent_id=agent_id, phone=phone)
    browser = app.test_client()
    sign_in(browser, user)
    return browser, {"X-CSRFToken": csrf_of(browser.get("/console/login").text)}


def test_a_browser_agent_gets_a_token_for_their_own_identity(app) -> None:
    browser, csrf = signed_in_as(app, Role.AGENT, client="casey")
    answer = browser.post("/api/v1/voice/token", headers=csrf)
    assert answer.status_code == 200, answer.text
    grant = answer.get_json()
    assert grant["identity"] == "casey" and grant["ttl_seconds"] == 3600
    assert grant["sandbox_url"] == "http://127.0.0.1:9"  # the tests' carrier is no Twilio
    claims = jwt.decode(grant["token"], API_KEY_SECRET, algorithms=["HS256"])
    assert claims["iss"] == API_KEY_SID
    assert claims["grants"]["identity"] == "casey"
    assert claims["grants"]["voice"]["incoming"]["allow"] is True
    assert claims["grants"]["voice"]["outgoing"]["application_sid"] == TWIML_APP_SID


def test_minting_needs_the_pages_csrf_token(app) -> None:
    browser, _ = signed_in_as(app, Role.AGENT, client="casey")
    assert browser.post("/api/v1/voice/token").status_code == 403


def test_an_agent_on_a_phone_number_has_no_softphone(app) -> None:
    browser, csrf = signed_in_as(app, Role.AGENT, phone="+12025550177")
    answer = browser.post("/api/v1/voice/token", headers=csrf)
    assert answer.status_code == 409
    assert "rung on their phone" in answer.get_json()["error"]["message"]


def test_a_manager_who_is_no_agent_is_refused(app) -> None:
    browser, csrf = signed_in_as(app, Role.MANAGER)
    answer = browser.post("/api/v1/voice/token", headers=csrf)
    assert answer.status_code == 403
    assert "no agent" in answer.get_json()["error"]["message"]
