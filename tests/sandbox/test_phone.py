"""The phone page and its JSON API: a person calling in, and a person answering as an agent."""

from __future__ import annotations

import requests

from .support import AGENT, CALLER


def api(sandbox, method: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.request(method, f"{sandbox.base_url}/sandbox/api{path}", json=body, timeout=5)


def test_the_page_lists_the_business_numbers_and_loads_its_script(sandbox, business):
    number = business()
    page = requests.get(sandbox.base_url + "/", timeout=5)
    assert page.status_code == 200 and 'lang="en"' in page.text
    assert number in page.text and "phone.js" in page.text
    script = requests.get(sandbox.base_url + "/sandbox/static/phone.js", timeout=5)
    assert script.status_code == 200 and "speechSynthesis" in script.text


def test_a_person_calls_presses_keys_and_hangs_up(sandbox, business, twiml_app):
    twiml_app.on("/menu", '<Response><Say>Transferring</Say><Pause length="30"/></Response>')
    number = business(
        '<Response><Gather action="/menu" numDigits="1" timeout="60">'
        '<Say language="en-GB">Press 1</Say>'
        "</Gather></Response>"
    )
    placed = api(sandbox, "POST", "/calls", {"from": "anonymous", "to": number})
    assert placed.status_code == 201
    sid = placed.json()["sid"]
    call = sandbox.call(sid)
    call.wait_for_prompt()
    view = api(sandbox, "GET", f"/calls/{sid}").json()
    assert view["listening"]["kind"] == "gather" and view["listening"]["num_digits"] == 1
    assert view["heard"][0]["text"] == "Press 1" and view["heard"][0]["language"] == "en-GB"
    assert view["from"] == "anonymous"
    pressed = api(sandbox, "POST", f"/calls/{sid}/press", {"digits": "1"}).json()
    assert pressed["accepted"] is True
    sandbox.wait_until(lambda: "Transferring" in call.said, what="the menu's answer")
    assert twiml_app.requests_to("/voice")[0].form["From"] == "anonymous"
    api(sandbox, "POST", f"/calls/{sid}/hangup", {})
    assert call.wait_for_status() == "completed"


def test_typed_speech_reaches_a_speech_gather(sandbox, business, twiml_app):
    twiml_app.on("/heard", "<Response/>")
    number = business(
        '<Response><Gather input="speech" action="/heard" timeout="60"><Say>Speak</Say>'
        "</Gather></Response>"
    )
    sid = api(sandbox, "POST", "/calls", {"from": CALLER, "to": number}).json()["sid"]
    sandbox.call(sid).wait_for_prompt()
    api(sandbox, "POST", f"/calls/{sid}/speak", {"text": "billing please"})
    sandbox.call(sid).wait_for_status()
    assert twiml_app.requests_to("/heard")[0].form["SpeechResult"] == "billing please"


def test_a_person_answers_as_the_agents_phone(sandbox, business):
    configured = api(sandbox, "POST", f"/devices/{AGENT}", {"policy": "manual"}).json()
    assert configured == {"number": AGENT, "policy": "manual"}
    call = sandbox.dial(business(f'<Response><Dial timeout="600">{AGENT}</Dial></Response>'))
    leg = sandbox.device(AGENT).wait_for_call()
    leg.wait_for_status("ringing")
    device = api(sandbox, "GET", f"/devices/{AGENT}").json()
    (ringing,) = device["calls"]
    assert ringing["ringing"] is True and ringing["sid"] == leg.sid
    answered = api(sandbox, "POST", f"/calls/{leg.sid}/answer", {}).json()
    assert answered["accepted"] is True
    assert call.wait_for_bridge() == leg
    view = api(sandbox, "GET", f"/calls/{leg.sid}").json()
    assert view["bridged_with"]["sid"] == call.sid
    api(sandbox, "POST", f"/calls/{leg.sid}/hangup", {})
    assert call.wait_for_status() == "completed"


def test_the_api_refuses_non_json_and_bad_values(sandbox):
    form = requests.post(f"{sandbox.base_url}/sandbox/api/calls", data={"to": "+1"}, timeout=5)
    assert form.status_code == 415
    assert api(sandbox, "POST", f"/devices/{AGENT}", {"policy": "sometimes"}).status_code == 400
    assert api(sandbox, "GET", "/calls/CA404").status_code == 404
