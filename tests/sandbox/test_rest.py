"""The REST API through the official twilio helper library, errors included."""

from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from .support import AGENT, BUSINESS, RewritingHttpClient


def test_wrong_credentials_get_401_with_code_20003(sandbox):
    intruder = Client(
        sandbox.account_sid, "not-the-token", http_client=RewritingHttpClient(sandbox.base_url)
    )
    with pytest.raises(TwilioRestException) as caught:
        intruder.queues.create(friendly_name="support")
    assert caught.value.status == 401 and caught.value.code == 20003


def test_missing_credentials_get_twilios_error_body(sandbox):
    response = requests.get(
        f"{sandbox.base_url}/2010-04-01/Accounts/{sandbox.account_sid}/Calls.json"
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


def test_unknown_resources_are_404_with_code_20404(sandbox, client):
    with pytest.raises(TwilioRestException) as caught:
        client.calls("CA" + "0" * 32).fetch()
    assert caught.value.status == 404 and caught.value.code == 20404
    auth = (sandbox.account_sid, sandbox.auth_token)
    response = requests.get(f"{sandbox.base_url}/2010-04-01/Nothing/Here.json", auth=auth)
    assert response.status_code == 404 and response.json()["code"] == 20404


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"to": "", "from_": BUSINESS, "url": "http://app.test/a"}, 21201),
        ({"to": "not a number", "from_": BUSINESS, "url": "http://app.test/a"}, 21211),
        ({"to": AGENT, "from_": "+15557777777", "url": "http://app.test/a"}, 21210),
        ({"to": AGENT, "from_": BUSINESS, "url": "nowhere"}, 21205),
        ({"to": AGENT, "from_": BUSINESS}, 21205),
    ],
)
def test_calls_create_refuses_bad_arguments_with_twilios_codes(
    sandbox, client, business, arguments, code
):
    business()
    with pytest.raises(TwilioRestException) as caught:
        client.calls.create(**arguments)
    assert caught.value.status == 400 and caught.value.code == code


def test_calls_create_rings_the_device_then_runs_the_url(sandbox, client, business, twiml_app):
    business()
    answer = twiml_app.on("/answer", "<Response><Say>Your callback, as promised</Say></Response>")
    call = client.calls.create(to=AGENT, from_=BUSINESS, url=answer)
    assert call.status == "queued" and call.direction == "outbound-api"
    assert call.sid.startswith("CA") and call.to == AGENT and call._from == BUSINESS
    leg = sandbox.call(call.sid)
    leg.wait_for_status("completed")
    assert leg.said == ["Your callback, as promised"]
    fetched = client.calls(call.sid).fetch()
    assert fetched.status == "completed"
    assert int(fetched.duration) >= 1
    assert fetched.start_time is not None and fetched.end_time >= fetched.start_time
    (posted,) = twiml_app.requests_to("/answer")
    assert posted.form["Direction"] == "outbound-api" and posted.form["CallStatus"] == "in-progress"


def test_calls_create_with_inline_twiml(sandbox, client, business):
    business()
    call = client.calls.create(
        to=AGENT, from_=BUSINESS, twiml="<Response><Say>Inline</Say></Response>"
    )
    assert sandbox.call(call.sid).wait_for_status("completed") == "completed"
    assert sandbox.call(call.sid).said == ["Inline"]


@pytest.mark.parametrize(
    ("policy", "status"), [("busy", "busy"), ("no-answer", "no-answer"), ("failed", "failed")]
)
def test_an_unanswered_outbound_call_ends_with_its_reason(
    sandbox, client, business, twiml_app, policy, status
):
    business()
    sandbox.device(AGENT).policy = policy
    call = client.calls.create(to=AGENT, from_=BUSINESS, url=twiml_app.url("/answer"), timeout=5)
    assert sandbox.call(call.sid).wait_for_status() == status
    assert client.calls(call.sid).fetch().duration is None
    assert twiml_app.requests_to("/answer") == []


def test_calls_update_redirects_a_live_call(sandbox, client, business, twiml_app):
    number = business("<Response><Gather><Say>Hold on</Say></Gather></Response>")
    twiml_app.on("/elsewhere", "<Response><Say>Moved</Say></Response>")
    call = sandbox.dial(number)
    call.wait_for_prompt()
    client.calls(call.sid).update(url=twiml_app.url("/elsewhere"), method="POST")
    call.wait_for_status("completed")
    assert call.said == ["Hold on", "Moved"]


def test_calls_update_with_twiml_and_status_completed(sandbox, client, business):
    number = business("<Response><Gather><Say>Hold on</Say></Gather></Response>")
    first, second = sandbox.dial(number), sandbox.dial(number)
    first.wait_for_prompt()
    second.wait_for_prompt()
    client.calls(first.sid).update(twiml="<Response><Say>Goodbye</Say></Response>")
    client.calls(second.sid).update(status="completed")
    assert first.wait_for_status() == "completed" and first.said[-1] == "Goodbye"
    assert second.wait_for_status() == "completed"


def test_updating_a_finished_call_is_error_21220(sandbox, client, business, twiml_app):
    number = business("<Response><Hangup/></Response>")
    call = sandbox.dial(number)
    call.wait_for_status("completed")
    with pytest.raises(TwilioRestException) as caught:
        client.calls(call.sid).update(url=twiml_app.url("/late"))
    assert caught.value.code == 21220


def test_canceling_a_ringing_call(sandbox, client, business, twiml_app):
    business()
    sandbox.device(AGENT).policy = "manual"
    call = client.calls.create(to=AGENT, from_=BUSINESS, url=twiml_app.url("/answer"), timeout=600)
    leg = sandbox.device(AGENT).wait_for_call()
    leg.wait_for_status("ringing")
    client.calls(call.sid).update(status="canceled")
    assert leg.wait_for_status() == "canceled"


def test_calls_list_filters_by_status(sandbox, client, business):
    number = business("<Response><Hangup/></Response>")
    call = sandbox.dial(number)
    call.wait_for_status("completed")
    listed = client.calls.list(status="completed")
    assert [c.sid for c in listed] == [call.sid]
    assert client.calls.list(status="in-progress") == []


def test_queues_can_be_created_listed_and_fetched(client):
    queue = client.queues.create(friendly_name="support", max_size=10)
    assert queue.sid.startswith("QU") and queue.max_size == 10 and queue.current_size == 0
    assert [q.friendly_name for q in client.queues.list()] == ["support"]
    assert client.queues(queue.sid).fetch().friendly_name == "support"
    with pytest.raises(TwilioRestException):
        client.queues.create(friendly_name="support")


def test_incoming_phone_numbers_can_be_created_and_updated(sandbox, client, twiml_app):
    number = client.incoming_phone_numbers.create(
        phone_number="+15550199", voice_url=twiml_app.url("/voice")
    )
    assert number.sid.startswith("PN") and number.voice_method == "POST"
    client.incoming_phone_numbers(number.sid).update(
        voice_url=twiml_app.url("/other"), status_callback=twiml_app.url("/status")
    )
    (listed,) = client.incoming_phone_numbers.list(phone_number="+15550199")
    assert listed.voice_url == twiml_app.url("/other")
    assert listed.status_callback == twiml_app.url("/status")
    twiml_app.on("/other", "<Response><Say>Reconfigured</Say></Response>")
    call = sandbox.dial("+15550199")
    call.wait_for_status("completed")
    assert call.said == ["Reconfigured"]


def test_list_pages_follow_next_page_uri(sandbox, client, business):
    number = business("<Response><Hangup/></Response>")
    calls = [sandbox.dial(number) for _ in range(3)]
    for call in calls:
        call.wait_for_status("completed")
    assert len(client.calls.list(page_size=2)) == 3
    first = client.calls.page(page_size=2)
    assert len(list(first)) == 2
    second = first.next_page()
    assert len(list(second)) == 1 and second.next_page() is None
