"""Browser phones: a registered access token makes ``client:<identity>`` ring in the browser,
which accepts, rejects, hangs up, presses keys and talks through ``/sandbox/voice``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from ivr.sandbox.access_tokens import ApiKey

from .browser import BrowserPhone, voice_token
from .support import CALLER

DIAL_ALICE = (
    '<Response><Dial action="/after-dial" timeout="10"><Client>alice</Client></Dial></Response>'
)


@pytest.fixture
def key(sandbox) -> ApiKey:
    return sandbox.add_api_key()


@pytest.fixture
def alice(sandbox, key) -> Iterator[BrowserPhone]:
    """A browser registered as alice, its event stream attached."""
    phone = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice"))
    assert phone.register().status_code == 200
    phone.listen()
    yield phone
    phone.close()


def test_registering_returns_a_registration_and_allows_any_origin(sandbox, key):
    phone = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice"))
    response = phone.register()
    assert response.status_code == 200
    body = response.json()
    assert body["identity"] == "alice" and body["registration"].startswith("BR")
    assert 3590 <= body["expires_in"] <= 3600
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert sandbox.browsers_online("alice") == 1
    assert sandbox.device("client:alice").policy == "browser"


def test_a_preflight_may_send_the_authorization_header(sandbox):
    response = requests.options(
        f"{sandbox.base_url}/sandbox/voice/register",
        headers={
            "Origin": "http://127.0.0.1:5000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_the_rest_of_the_sandbox_allows_no_other_origin(sandbox):
    response = requests.get(f"{sandbox.base_url}/sandbox/api/state", timeout=5)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_expired_token_is_refused_with_20104(sandbox, key):
    phone = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice", ttl=-10))
    response = phone.register()
    assert response.status_code == 401
    assert response.json()["code"] == 20104
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_valid_token_that_never_registered_cannot_act_on_calls(sandbox, key):
    phone = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice"))
    response = phone.act("CA" + "0" * 32, "accept")
    assert response.status_code == 401
    assert response.json()["code"] == 20101
    events = requests.get(
        f"{sandbox.base_url}/sandbox/voice/events",
        params={"registration": "BR-none", "access_token": phone.token},
        timeout=5,
    )
    assert events.status_code == 401 and events.json()["code"] == 20101


def test_a_call_to_the_client_rings_the_browser_with_the_callers_parameters(
    sandbox, business, alice
):
    twiml = (
        '<Response><Dial><Client><Identity>alice</Identity><Parameter name="queue" '
        'value="support"/></Client></Dial></Response>'
    )
    call = sandbox.dial(business(twiml), from_=CALLER)
    incoming = alice.wait_for("incoming")["call"]
    (leg,) = call.children
    assert incoming["sid"] == leg.sid
    assert incoming["parameters"]["From"] == CALLER
    assert incoming["parameters"]["To"] == "client:alice"
    assert incoming["parameters"]["CallSid"] == leg.sid
    assert incoming["customParameters"] == {"queue": "support"}
    assert leg.status == "ringing"
    call.hang_up()
    assert alice.wait_for("cancel")["call_sid"] == leg.sid


def test_accepting_bridges_the_call_to_the_browser(sandbox, business, alice):
    call = sandbox.dial(business(DIAL_ALICE), from_=CALLER)
    sid = alice.wait_for("incoming")["call"]["sid"]
    response = alice.act(sid, "accept")
    assert response.status_code == 200 and response.json()["accepted"] is True
    assert alice.wait_for("accept")["call_sid"] == sid
    leg = call.wait_for_bridge()
    assert leg.sid == sid and leg.status == "in-progress"
    assert leg.bridged_with == call
    assert alice.act(sid, "say", text="Hello, this is Alice").json()["accepted"] is True
    sandbox.wait_until(
        lambda: any(
            u.text == "Hello, this is Alice" for u in sandbox.engine.call(sid).bridge.utterances
        ),
        what="Alice's words on the bridge",
    )
    call.hang_up()
    assert alice.wait_for("disconnect")["call_sid"] == sid


def test_rejecting_gives_the_dial_busy(sandbox, business, twiml_app, alice):
    call = sandbox.dial(business(DIAL_ALICE))
    sid = alice.wait_for("incoming")["call"]["sid"]
    assert alice.act(sid, "reject").json()["accepted"] is True
    call.wait_for_status("completed")
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialCallStatus"] == "busy"
    assert sandbox.call(sid).status == "busy"


def test_disconnecting_from_the_browser_ends_the_agents_leg(sandbox, business, twiml_app, alice):
    twiml_app.on("/after-dial", "<Response><Say>The agent left</Say></Response>")
    call = sandbox.dial(business(DIAL_ALICE))
    sid = alice.wait_for("incoming")["call"]["sid"]
    alice.act(sid, "accept")
    call.wait_for_bridge()
    assert alice.act(sid, "disconnect").json()["accepted"] is True
    assert sandbox.call(sid).wait_for_status() == "completed"
    alice.wait_for("disconnect")
    call.wait_for_status("completed")
    assert call.said == ["The agent left"]
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialCallStatus"] == "completed"


def test_digits_reach_a_whisper_gather_on_the_browsers_leg(sandbox, business, twiml_app, alice):
    twiml_app.on(
        "/whisper",
        '<Response><Gather numDigits="1" action="/pressed"><Say>Press 1 to take it</Say>'
        "</Gather><Hangup/></Response>",
    )
    twiml_app.on("/pressed", "<Response/>")
    call = sandbox.dial(
        business('<Response><Dial><Client url="/whisper">alice</Client></Dial></Response>')
    )
    sid = alice.wait_for("incoming")["call"]["sid"]
    alice.act(sid, "accept")
    sandbox.wait_until(lambda: sandbox.call(sid).listening == "gather", what="the whisper gather")
    assert alice.act(sid, "digits", digits="1").json()["accepted"] is True
    assert call.wait_for_bridge().sid == sid
    (pressed,) = twiml_app.requests_to("/pressed")
    assert pressed.form["Digits"] == "1"
    call.hang_up()


def test_the_first_of_two_browsers_to_accept_wins_and_the_other_hears_cancel(
    sandbox, business, key, alice
):
    other = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice"))
    other.register()
    other.listen()
    try:
        call = sandbox.dial(business(DIAL_ALICE))
        sid = alice.wait_for("incoming")["call"]["sid"]
        assert other.wait_for("incoming")["call"]["sid"] == sid
        assert other.act(sid, "accept").json()["accepted"] is True
        assert alice.act(sid, "accept").json()["accepted"] is False
        assert alice.wait_for("cancel")["call_sid"] == sid
        assert other.wait_for("accept")["call_sid"] == sid
        call.wait_for_bridge()
        call.hang_up()
    finally:
        other.close()


def test_a_client_whose_browser_went_offline_gives_no_answer_at_once(
    sandbox, business, twiml_app, key
):
    phone = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice"))
    phone.register()
    phone.close()
    assert sandbox.browsers_online("alice") == 0
    call = sandbox.dial(business(DIAL_ALICE))
    call.wait_for_status("completed")
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialCallStatus"] == "no-answer"
    (leg,) = call.children
    assert leg.status == "no-answer"


def test_a_browser_acts_only_on_calls_to_its_own_identity(sandbox, business, key, alice):
    bob = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "bob"))
    bob.register()
    call = sandbox.dial(business(DIAL_ALICE))
    sid = alice.wait_for("incoming")["call"]["sid"]
    assert bob.act(sid, "accept").status_code == 404
    call.hang_up()
    bob.close()


def test_api_keys_created_over_rest_sign_tokens_the_sandbox_accepts(sandbox, client):
    created = client.new_keys.create(friendly_name="console")
    assert created.sid.startswith("SK") and len(created.secret) == 32
    assert [k.sid for k in client.keys.list()] == [created.sid]
    key = sandbox.engine.api_keys[created.sid]
    phone = BrowserPhone(sandbox.base_url, voice_token(sandbox, key, "alice"))
    assert phone.register().status_code == 200
    client.keys(created.sid).delete()
    assert phone.register().status_code == 401
