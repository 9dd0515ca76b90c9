"""<Dial>: ringing agents' phones, whispers, bridges and the action that reports them."""

from __future__ import annotations

import io
import wave

import pytest

from .support import AGENT, CALLER

DIAL_TO_AGENT = (
    f'<Response><Dial action="/after-dial" timeout="10"><Number>{AGENT}</Number></Dial></Response>'
)


def test_an_answered_dial_bridges_the_legs_until_the_agent_hangs_up(sandbox, business, twiml_app):
    twiml_app.on("/after-dial", "<Response><Say>Thanks for calling</Say></Response>")
    call = sandbox.dial(business(DIAL_TO_AGENT), from_=CALLER)
    agent = call.wait_for_bridge()
    assert agent.to == AGENT and agent.direction == "outbound-dial"
    assert agent.parent == call and agent.from_ == CALLER
    assert agent.bridged_with == call
    agent.hang_up()
    assert agent.wait_for_status() == "completed"
    call.wait_for_status("completed")
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialCallStatus"] == "completed"
    assert after.form["DialCallSid"] == agent.sid
    assert after.form["DialBridged"] == "true"
    assert int(after.form["DialCallDuration"]) >= 0
    assert call.said == ["Thanks for calling"]


def test_the_caller_hanging_up_ends_the_agents_leg_and_still_tells_the_action(
    sandbox, business, twiml_app
):
    call = sandbox.dial(business(DIAL_TO_AGENT))
    agent = call.wait_for_bridge()
    call.hang_up()
    assert call.wait_for_status() == "completed"
    assert agent.wait_for_status() == "completed"
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["CallStatus"] == "completed"
    assert after.form["DialCallStatus"] == "completed"


@pytest.mark.parametrize(("policy", "dial_status"), [("busy", "busy"), ("no-answer", "no-answer")])
def test_an_unanswered_dial_reports_why_to_the_action(
    sandbox, business, twiml_app, policy, dial_status
):
    twiml_app.on("/after-dial", "<Response><Say>Please leave a message</Say></Response>")
    sandbox.device(AGENT).policy = policy
    call = sandbox.dial(business(DIAL_TO_AGENT))
    call.wait_for_status("completed")
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialCallStatus"] == dial_status
    assert after.form["DialBridged"] == "false"
    assert call.said == ["Please leave a message"]
    (leg,) = call.children
    assert leg.status == dial_status


def test_a_dial_without_action_goes_on_with_the_next_verb(sandbox, business):
    sandbox.device(AGENT).policy = "busy"
    call = sandbox.dial(
        business(f"<Response><Dial>{AGENT}</Dial><Say>Busy, sorry</Say></Response>")
    )
    call.wait_for_status("completed")
    assert call.said == ["Busy, sorry"]


def test_a_plain_text_number_is_normalised_to_the_device(sandbox, business):
    sandbox.device("+14151234567").policy = "busy"
    call = sandbox.dial(business("<Response><Dial>415-123-4567</Dial></Response>"))
    call.wait_for_status("completed")
    assert call.children[0].to == "+14151234567"
    assert call.children[0].status == "busy"


def test_the_whisper_plays_to_the_agent_before_the_bridge(sandbox, business, twiml_app):
    twiml_app.on("/whisper", "<Response><Say>Caller waited 3 minutes</Say></Response>")
    call = sandbox.dial(
        business(f'<Response><Dial><Number url="/whisper">{AGENT}</Number></Dial></Response>')
    )
    agent = call.wait_for_bridge()
    assert agent.said == ["Caller waited 3 minutes"]
    assert call.said == []
    (whisper,) = twiml_app.requests_to("/whisper")
    assert whisper.form["CallSid"] == agent.sid and whisper.form["ParentCallSid"] == call.sid
    call.hang_up()
    agent.wait_for_status("completed")


def test_an_agent_can_decline_in_the_whisper(sandbox, business, twiml_app):
    twiml_app.on(
        "/screen",
        '<Response><Gather action="/screen-choice" numDigits="1"><Say>Press 1 to accept</Say>'
        "</Gather><Hangup/></Response>",
    )
    twiml_app.on("/screen-choice", "<Response><Hangup/></Response>")
    twiml_app.on("/after-dial", "<Response><Say>Nobody is free</Say></Response>")
    sandbox.device(AGENT).policy = "manual"
    call = sandbox.dial(
        business(
            '<Response><Dial action="/after-dial" timeout="600">'
            f'<Number url="/screen">{AGENT}</Number></Dial></Response>'
        )
    )
    agent = sandbox.device(AGENT).wait_for_call()
    agent.wait_for_status("ringing")
    agent.answer()
    assert agent.wait_for_prompt()[-1].text == "Press 1 to accept"
    agent.press("2")
    call.wait_for_status("completed")
    assert call.said == ["Nobody is free"]
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialBridged"] == "false"
    assert after.form["DialCallStatus"] == "completed"


def test_time_limit_ends_the_bridge(sandbox, business, twiml_app):
    twiml_app.on("/after-dial", "<Response/>")
    call = sandbox.dial(
        business(f'<Response><Dial action="/after-dial" timeLimit="5">{AGENT}</Dial></Response>')
    )
    call.wait_for_status("completed")
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["DialCallStatus"] == "completed"
    # Cut at the 5 s limit (with the rounding of a loaded machine), not left to run.
    assert 4 <= int(after.form["DialCallDuration"]) < 30
    assert call.children[0].wait_for_status() == "completed"


def test_simultaneous_dial_connects_the_first_to_answer(sandbox, business):
    sandbox.device("+15550112").ring_seconds = 20
    call = sandbox.dial(
        business(
            f"<Response><Dial><Number>+15550112</Number><Number>{AGENT}</Number></Dial></Response>"
        )
    )
    agent = call.wait_for_bridge()
    assert agent.to == AGENT
    slow = next(c for c in call.children if c.to == "+15550112")
    assert slow.wait_for_status() == "canceled"
    call.hang_up()


def test_record_from_answer_dual_makes_a_two_channel_recording(sandbox, business, twiml_app):
    twiml_app.on("/after-dial", "<Response/>")
    twiml_app.on("/recording-status", "")
    call = sandbox.dial(
        business(
            '<Response><Dial action="/after-dial" record="record-from-answer-dual" '
            f'timeLimit="4" recordingStatusCallback="/recording-status">{AGENT}</Dial></Response>'
        )
    )
    call.wait_for_status("completed")
    (after,) = twiml_app.requests_to("/after-dial")
    (recording,) = sandbox.recordings()
    assert after.form["RecordingSid"] == recording.sid
    assert recording.channels == 2 and recording.source == "DialVerb"
    with wave.open(io.BytesIO(recording.wav)) as audio:
        assert audio.getnchannels() == 2 and audio.getframerate() == 8000
    (status,) = twiml_app.requests_to("/recording-status")
    assert status.form["RecordingChannels"] == "2"
    assert status.form["RecordingStatus"] == "completed"


def test_hangup_on_star_lets_the_caller_leave_the_bridge(sandbox, business, twiml_app):
    twiml_app.on("/after-dial", "<Response><Say>Back in the menu</Say></Response>")
    call = sandbox.dial(
        business(
            f'<Response><Dial action="/after-dial" hangupOnStar="true">{AGENT}</Dial></Response>'
        )
    )
    agent = call.wait_for_bridge()
    assert call.press("*")
    assert agent.wait_for_status() == "completed"
    call.wait_for_status("completed")
    assert call.said == ["Back in the menu"]


def test_client_noun_rings_a_client_device(sandbox, business):
    call = sandbox.dial(business("<Response><Dial><Client>alice</Client></Dial></Response>"))
    agent = call.wait_for_bridge()
    assert agent.to == "client:alice"
    call.hang_up()


def test_a_dial_leg_redirected_by_rest_leaves_the_bridge(sandbox, client, business, twiml_app):
    twiml_app.on("/after-dial", "<Response><Say>Agent left</Say></Response>")
    twiml_app.on("/agent-elsewhere", "<Response><Say>New instructions</Say></Response>")
    call = sandbox.dial(business(DIAL_TO_AGENT))
    agent = call.wait_for_bridge()
    client.calls(agent.sid).update(url=twiml_app.url("/agent-elsewhere"))
    assert agent.wait_for_status() == "completed"
    assert agent.said[-1] == "New instructions"
    call.wait_for_status("completed")
    assert call.said == ["Agent left"]


def test_caller_id_sets_the_agents_from(sandbox, business):
    call = sandbox.dial(
        business(
            f'<Response><Dial callerId="+15550100"><Number>{AGENT}</Number></Dial></Response>'
        ),
        from_=CALLER,
    )
    agent = call.wait_for_bridge()
    assert agent.from_ == "+15550100"
    call.hang_up()
