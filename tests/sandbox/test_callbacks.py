"""Status callbacks (order, values, signatures) and answering machine detection."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from ivr.sandbox.operations import create_outbound

from .support import AGENT, BUSINESS

ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]


def test_outbound_status_callbacks_come_in_order_with_their_values(
    sandbox, client, business, twiml_app
):
    business()
    answer = twiml_app.on("/answer", '<Response><Say>Hello</Say><Pause length="3"/></Response>')
    status = twiml_app.on("/status", "")
    call = client.calls.create(
        to=AGENT,
        from_=BUSINESS,
        url=answer,
        status_callback=status,
        status_callback_event=ALL_EVENTS,
    )
    sandbox.call(call.sid).wait_for_status("completed")
    posted = twiml_app.requests_to("/status")
    assert [r.form["CallStatus"] for r in posted] == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert [r.form["SequenceNumber"] for r in posted] == ["0", "1", "2", "3"]
    assert {r.form["CallbackSource"] for r in posted} == {"call-progress-events"}
    assert all(r.form["Timestamp"].endswith("+0000") for r in posted)
    assert int(posted[-1].form["CallDuration"]) >= 4
    assert "CallDuration" not in posted[1].form
    validator = RequestValidator(sandbox.auth_token)
    for request in posted:
        assert validator.validate(request.url, request.form, request.headers["X-Twilio-Signature"])
    # The answered callback comes before the Url request, which carries in-progress.
    kinds = [r.kind for r in sandbox.requests]
    assert kinds.index("voice") > [i for i, k in enumerate(kinds) if k == "status"][2]


def test_space_separated_events_are_accepted(sandbox, business, twiml_app):
    business()
    call = create_outbound(
        sandbox.engine,
        {
            "To": [AGENT],
            "From": [BUSINESS],
            "Twiml": ["<Response/>"],
            "StatusCallback": [twiml_app.on("/status", "")],
            "StatusCallbackEvent": ["ringing completed"],
        },
    )
    sandbox.call(call.sid).wait_for_status("completed")
    assert [r.form["CallStatus"] for r in twiml_app.requests_to("/status")] == [
        "ringing",
        "completed",
    ]


def test_without_events_only_completed_is_sent(sandbox, client, business, twiml_app):
    business()
    sandbox.device(AGENT).policy = "busy"
    call = client.calls.create(
        to=AGENT, from_=BUSINESS, twiml="<Response/>", status_callback=twiml_app.on("/status", "")
    )
    sandbox.call(call.sid).wait_for_status("busy")
    (only,) = twiml_app.requests_to("/status")
    assert only.form["CallStatus"] == "busy" and only.form["CallDuration"] == "0"


def test_an_inbound_call_tells_the_numbers_status_callback_when_it_ends(
    sandbox, business, twiml_app
):
    number = business(
        "<Response><Say>Hi</Say></Response>", status_callback=twiml_app.url("/status")
    )
    call = sandbox.dial(number)
    call.wait_for_status("completed")
    (posted,) = twiml_app.requests_to("/status")
    assert posted.form["CallStatus"] == "completed" and posted.form["CallSid"] == call.sid
    assert posted.form["Direction"] == "inbound"


def test_dial_number_status_callbacks_carry_the_parent(sandbox, business, twiml_app):
    call = sandbox.dial(
        business(
            '<Response><Dial><Number statusCallback="/leg-status" '
            f'statusCallbackEvent="initiated answered completed">{AGENT}</Number></Dial></Response>'
        )
    )
    leg = call.wait_for_bridge()
    leg.hang_up()
    leg.wait_for_status("completed")
    call.wait_for_status("completed")
    posted = twiml_app.requests_to("/leg-status")
    assert [r.form["CallStatus"] for r in posted] == ["initiated", "in-progress", "completed"]
    assert {r.form["ParentCallSid"] for r in posted} == {call.sid}
    assert {r.form["Direction"] for r in posted} == {"outbound-dial"}


@pytest.mark.parametrize(
    ("policy", "mode", "answered_by"),
    [
        ("human", "Enable", "human"),
        ("machine", "Enable", "machine_start"),
        ("machine", "DetectMessageEnd", "machine_end_beep"),
    ],
)
def test_answering_machine_detection_tells_the_url_who_answered(
    sandbox, client, business, twiml_app, policy, mode, answered_by
):
    business()
    sandbox.device(AGENT).policy = policy
    call = client.calls.create(
        to=AGENT, from_=BUSINESS, url=twiml_app.on("/answer", "<Response/>"), machine_detection=mode
    )
    sandbox.call(call.sid).wait_for_status("completed")
    (posted,) = twiml_app.requests_to("/answer")
    assert posted.form["AnsweredBy"] == answered_by
    assert int(posted.form["MachineDetectionDuration"]) > 0
    assert client.calls(call.sid).fetch().answered_by == answered_by


def test_async_amd_posts_the_result_apart(sandbox, client, business, twiml_app):
    business()
    sandbox.device(AGENT).policy = "machine"
    call = client.calls.create(
        to=AGENT,
        from_=BUSINESS,
        url=twiml_app.on("/answer", '<Response><Pause length="10"/></Response>'),
        machine_detection="DetectMessageEnd",
        async_amd="true",
        async_amd_status_callback=twiml_app.on("/amd", ""),
    )
    sandbox.call(call.sid).wait_for_status("completed")
    (answer,) = twiml_app.requests_to("/answer")
    assert "AnsweredBy" not in answer.form
    (amd,) = twiml_app.requests_to("/amd")
    assert amd.form["AnsweredBy"] == "machine_end_beep" and amd.form["CallSid"] == call.sid
