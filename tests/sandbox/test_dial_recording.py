"""<Dial record>: a recording of the bridge with what each party said, where and when they said
it; its status callbacks; its media over the REST API."""

from __future__ import annotations

import array
import io
import wave

import pytest
import requests
from twilio.request_validator import RequestValidator

from ivr.sandbox import audio
from ivr.sandbox.conversation import NotBridged

from .support import AGENT, CALLER

SILENCE = 0
needs_espeak = pytest.mark.skipif(
    not audio.espeak_available(), reason="espeak-ng makes the speech these tests look for"
)


def dial(record: str, events: str = "completed") -> str:
    return (
        f'<Response><Dial action="/after-dial" record="{record}" '
        f'recordingStatusCallback="/recording-status" '
        f'recordingStatusCallbackEvent="{events}"><Number>{AGENT}</Number></Dial></Response>'
    )


def channels_of(wav_bytes: bytes) -> tuple[int, list[array.array]]:
    """(frame rate, one array of samples per channel)."""
    with wave.open(io.BytesIO(wav_bytes)) as source:
        count, rate = source.getnchannels(), source.getframerate()
        assert source.getsampwidth() == 2
        samples = array.array("h")
        samples.frombytes(source.readframes(source.getnframes()))
    return rate, [samples[channel::count] for channel in range(count)]


def sounding(samples: array.array, rate: int, start: float, end: float) -> bool:
    """Anything but silence between ``start`` and ``end`` seconds."""
    window = samples[max(0, int(start * rate)) : max(0, int(end * rate))]
    return any(abs(value) > SILENCE for value in window)


def first_sound(samples: array.array, rate: int) -> float | None:
    index = next((i for i, value in enumerate(samples) if abs(value) > SILENCE), None)
    return None if index is None else index / rate


def a_conversation(sandbox, business, record: str, events: str = "completed"):
    """The caller is bridged to the agent; each says one thing in turn; the agent hangs up."""
    call = sandbox.dial(business(dial(record, events)), from_=CALLER)
    agent = call.wait_for_bridge()
    bridge = sandbox.engine.call(call.sid).bridge
    said_by_caller = call.talk("Hello, my heating has stopped working")
    said_by_agent = agent.talk("I am sorry to hear that, let me check")
    agent.hang_up()
    call.wait_for_status("completed")
    return call, agent, bridge, said_by_caller, said_by_agent


@needs_espeak
def test_a_dual_recording_has_the_caller_on_channel_one_and_the_agent_on_channel_two(
    sandbox, business, twiml_app
):
    call, agent, bridge, by_caller, by_agent = a_conversation(
        sandbox, business, "record-from-answer-dual"
    )
    (recording,) = sandbox.recordings()
    assert recording.channels == 2 and recording.source == "DialVerb"
    assert recording.call_sid == call.sid
    rate, (caller_channel, agent_channel) = channels_of(recording.wav)
    assert rate == 8000

    caller_at = by_caller.started_at_seconds - bridge.started_at_seconds
    agent_at = by_agent.started_at_seconds - bridge.started_at_seconds
    assert agent_at >= caller_at + by_caller.seconds  # turns follow each other
    # Each voice starts where it was said, to the sample (espeak-ng may begin with a few ms
    # of quiet) ...
    sample = 1 / rate
    assert caller_at - sample <= first_sound(caller_channel, rate) < caller_at + 0.3
    assert agent_at - sample <= first_sound(agent_channel, rate) < agent_at + 0.3
    # ... and only on its own channel.
    assert not sounding(agent_channel, rate, 0, agent_at - sample)
    assert not sounding(caller_channel, rate, caller_at + by_caller.seconds, 10_000)
    assert sounding(agent_channel, rate, agent_at, agent_at + by_agent.seconds)


@needs_espeak
def test_a_mono_recording_mixes_both_parties_into_one_channel(sandbox, business, twiml_app):
    _, _, bridge, by_caller, by_agent = a_conversation(sandbox, business, "record-from-answer")
    (recording,) = sandbox.recordings()
    rate, (mixed,) = channels_of(recording.wav)
    caller_at = by_caller.started_at_seconds - bridge.started_at_seconds
    agent_at = by_agent.started_at_seconds - bridge.started_at_seconds
    assert sounding(mixed, rate, caller_at, caller_at + by_caller.seconds)
    assert sounding(mixed, rate, agent_at, agent_at + by_agent.seconds)
    assert not sounding(mixed, rate, 0, caller_at)


@needs_espeak
def test_recording_from_ringing_starts_before_the_bridge(sandbox, business, twiml_app):
    sandbox.device(AGENT).ring_seconds = 3
    _, _, bridge, by_caller, _ = a_conversation(sandbox, business, "record-from-ringing-dual")
    (recording,) = sandbox.recordings()
    rate, (caller_channel, _) = channels_of(recording.wav)
    bridge_seconds = bridge.ended_at_seconds - bridge.started_at_seconds
    assert recording.duration_seconds >= round(bridge_seconds) + 2
    # The caller's words sit after the ringing: later in the file than in the bridge.
    assert (
        first_sound(caller_channel, rate)
        > (by_caller.started_at_seconds - bridge.started_at_seconds) + 2.5
    )


def test_a_silent_bridge_is_recorded_as_silence(sandbox, business, twiml_app):
    call = sandbox.dial(business(dial("record-from-answer-dual")))
    agent = call.wait_for_bridge()
    sandbox.wait_until(
        lambda: (
            sandbox.engine.clock.seconds() - sandbox.engine.call(call.sid).bridge.started_at_seconds
            > 2
        ),
        timeout=5,
        what="two seconds of bridge",
    )
    agent.hang_up()
    call.wait_for_status("completed")
    (recording,) = sandbox.recordings()
    rate, planes = channels_of(recording.wav)
    assert len(planes) == 2 and len(planes[0]) >= 2 * rate
    assert not any(sounding(plane, rate, 0, 10_000) for plane in planes)


def test_do_not_record_makes_no_recording_and_no_callback(sandbox, business, twiml_app):
    call = sandbox.dial(business(dial("do-not-record")))
    call.wait_for_bridge().hang_up()
    call.wait_for_status("completed")
    assert sandbox.recordings() == []
    assert twiml_app.requests_to("/recording-status") == []
    (after,) = twiml_app.requests_to("/after-dial")
    assert "RecordingUrl" not in after.form


def test_the_status_callbacks_carry_twilios_parameters_and_are_signed(sandbox, business, twiml_app):
    call = sandbox.dial(business(dial("record-from-answer-dual", "in-progress completed")))
    agent = call.wait_for_bridge()
    sandbox.wait_until(
        lambda: len(twiml_app.requests_to("/recording-status")) == 1,
        timeout=5,
        what="the in-progress callback",
    )
    call.talk("Hello")
    agent.hang_up()
    call.wait_for_status("completed")
    started, completed = twiml_app.requests_to("/recording-status")
    (recording,) = sandbox.recordings()
    validator = RequestValidator(sandbox.auth_token)
    for sent in (started, completed):
        assert validator.validate(sent.url, sent.form, sent.headers["X-Twilio-Signature"])
        assert sent.form["AccountSid"] == sandbox.account_sid
        assert sent.form["CallSid"] == call.sid
        assert sent.form["RecordingSid"] == recording.sid
        assert sent.form["RecordingUrl"] == sandbox.engine.recording_url(recording.sid)
        assert sent.form["RecordingChannels"] == "2"
        assert sent.form["RecordingSource"] == "DialVerb"
        assert sent.form["RecordingTrack"] == "both"
        assert sent.form["RecordingStartTime"].endswith("+0000")
    assert started.form["RecordingStatus"] == "in-progress"
    assert completed.form["RecordingStatus"] == "completed"
    assert completed.form["RecordingDuration"] == str(recording.duration_seconds)
    (after,) = twiml_app.requests_to("/after-dial")
    assert after.form["RecordingSid"] == recording.sid


def test_talking_when_connected_to_nobody_is_refused(sandbox, business, twiml_app):
    call = sandbox.dial(business("<Response><Gather/></Response>"))
    call.wait_for_prompt()
    with pytest.raises(NotBridged):
        call.talk("Is anybody there?")
    call.hang_up()


def test_media_and_resource_over_rest_with_basic_auth(sandbox, business, twiml_app):
    call = sandbox.dial(business(dial("record-from-answer-dual")))
    agent = call.wait_for_bridge()
    call.talk("Hello")
    agent.hang_up()
    call.wait_for_status("completed")
    (recording,) = sandbox.recordings()
    base = f"{sandbox.engine.recording_url(recording.sid)}"
    auth = (sandbox.account_sid, sandbox.auth_token)

    assert requests.get(base + ".json", timeout=5).status_code == 401
    resource = requests.get(base + ".json", auth=auth, timeout=5).json()
    assert resource["channels"] == 2 and resource["source"] == "DialVerb"
    assert resource["call_sid"] == call.sid

    sandbox.engine.media_auth = True  # Twilio's "enforce HTTP auth on media URLs"
    assert requests.get(base + ".wav", timeout=5).status_code == 401
    media = requests.get(base + ".wav", auth=auth, timeout=5)
    assert media.status_code == 200 and media.content == recording.wav
    assert media.headers["Content-Type"].startswith("audio/")
    mp3 = requests.get(base + ".mp3", auth=auth, timeout=5)
    assert mp3.status_code == 404 and "WAV only" in mp3.json()["message"]
