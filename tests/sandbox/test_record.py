"""<Record>: WAV files in Twilio's telephone format, the action and the status callback."""

from __future__ import annotations

import io
import wave

import pytest
import requests

from ivr.sandbox import Sandbox
from ivr.sandbox.audio import espeak_available
from ivr.sandbox.call import Input

VOICEMAIL = (
    "<Response><Say>Leave a message after the beep</Say>"
    '<Record action="/recorded" maxLength="60" recordingStatusCallback="/recording-status"/>'
    "<Say>No message recorded</Say></Response>"
)


def wav_format(data: bytes) -> tuple[int, int, int, float]:
    with wave.open(io.BytesIO(data)) as audio:
        frames = audio.getnframes()
        return audio.getframerate(), audio.getnchannels(), audio.getsampwidth(), frames / 8000


def test_a_recording_is_posted_to_the_action_and_the_status_callback(
    sandbox, business, twiml_app, client
):
    twiml_app.on("/recorded", "<Response><Say>Thank you</Say></Response>")
    twiml_app.on("/recording-status", "")
    call = sandbox.dial(business(VOICEMAIL))
    heard = call.wait_for_prompt()
    assert [p.kind for p in heard] == ["say", "beep"]
    assert call.listening == "record"
    call.say_into_recording("Please call me back about my invoice")
    call.wait_for_status("completed")
    (recorded,) = twiml_app.requests_to("/recorded")
    (recording,) = sandbox.recordings()
    assert recorded.form["RecordingSid"] == recording.sid and recording.sid.startswith("RE")
    assert recorded.form["RecordingUrl"] == (
        f"{sandbox.base_url}/2010-04-01/Accounts/{sandbox.account_sid}/Recordings/{recording.sid}"
    )
    assert int(recorded.form["RecordingDuration"]) == recording.duration_seconds >= 1
    assert "Digits" not in recorded.form
    (status,) = twiml_app.requests_to("/recording-status")
    assert status.form["RecordingStatus"] == "completed"
    assert status.form["RecordingSid"] == recording.sid
    assert status.form["RecordingChannels"] == "1"
    assert status.form["RecordingSource"] == "RecordVerb"
    assert call.said[-1] == "Thank you"

    media = requests.get(recorded.form["RecordingUrl"] + ".wav")
    assert media.status_code == 200 and media.headers["Content-Type"] == "audio/x-wav"
    rate, channels, width, seconds = wav_format(media.content)
    assert (rate, channels, width) == (8000, 1, 2)
    assert abs(seconds - recording.duration_seconds) <= 1
    fetched = client.recordings(recording.sid).fetch()
    assert fetched.call_sid == call.sid and fetched.duration == str(recording.duration_seconds)
    assert fetched.channels == 1 and fetched.source == "RecordVerb"
    assert requests.get(recorded.form["RecordingUrl"] + ".mp3").status_code == 404


def test_a_finish_key_ends_the_recording_and_is_posted(sandbox, business, twiml_app):
    twiml_app.on("/recorded", "<Response/>")
    call = sandbox.dial(business(VOICEMAIL))
    call.wait_for_prompt()
    call.say_into_recording("Short message", finish_on_key="#")
    call.wait_for_status("completed")
    assert twiml_app.requests_to("/recorded")[0].form["Digits"] == "#"


def test_silence_makes_no_recording_and_goes_on(sandbox, business, twiml_app):
    twiml_app.on("/recording-status", "")
    twiml = VOICEMAIL.replace(
        '/recording-status"', '/recording-status" recordingStatusCallbackEvent="completed absent"'
    )
    call = sandbox.dial(business(twiml))
    call.wait_for_prompt()
    call.stay_silent()
    call.wait_for_status("completed")
    assert twiml_app.requests_to("/recorded") == []
    assert sandbox.recordings() == []
    assert call.said[-1] == "No message recorded"
    (status,) = twiml_app.requests_to("/recording-status")
    assert status.form["RecordingStatus"] == "absent"


def test_hanging_up_while_recording_still_posts_the_recording(sandbox, business, twiml_app):
    twiml_app.on("/recorded", "<Response><Say>Never heard</Say></Response>")
    call = sandbox.dial(business(VOICEMAIL))
    call.wait_for_prompt()
    # Speech that is not followed by silence (as from the phone page), then the hang-up.
    sandbox.engine.give_input(call._call, Input(kind="speech", text="I will hang up now"))
    sandbox.wait_until(lambda: not call._call.inputs, what="the speech to be recorded")
    call.hang_up()
    call.wait_for_status("completed")
    (recorded,) = twiml_app.requests_to("/recorded")
    assert recorded.form["Digits"] == "hangup" and recorded.form["CallStatus"] == "completed"
    assert len(sandbox.recordings()) == 1


def test_without_espeak_the_recording_is_silence_of_the_spoken_length(twiml_app):
    with Sandbox(time_scale=0.02, synthesize_speech=False) as sb:
        sb.serve()
        twiml_app.on("/recorded", "<Response/>")
        sb.add_number("+15550100", voice_url=twiml_app.on("/voice", VOICEMAIL))
        call = sb.dial("+15550100")
        call.wait_for_prompt()
        call.say_into_recording("one two three four five six seven eight nine ten")
        call.wait_for_status("completed")
        (recording,) = sb.recordings()
        assert recording.duration_seconds == 4
        rate, channels, width, seconds = wav_format(recording.wav)
        assert (rate, channels, width, seconds) == (8000, 1, 2, 4.0)
        assert set(recording.wav[44:]) == {0}


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")
def test_with_espeak_the_recording_holds_speech(sandbox, business, twiml_app):
    twiml_app.on("/recorded", "<Response/>")
    call = sandbox.dial(business(VOICEMAIL))
    call.wait_for_prompt()
    call.say_into_recording("Hello, this is a test of the sandbox")
    call.wait_for_status("completed")
    (recording,) = sandbox.recordings()
    assert recording.spoken_text == "Hello, this is a test of the sandbox"
    assert len(set(recording.wav[44:])) > 10


def test_max_length_cuts_a_long_message(sandbox, business, twiml_app):
    twiml_app.on("/recorded", "<Response/>")
    call = sandbox.dial(business('<Response><Record action="/recorded" maxLength="2"/></Response>'))
    call.wait_for_prompt()
    call.say_into_recording("this message goes on and on for far longer than two seconds allow")
    call.wait_for_status("completed")
    assert twiml_app.requests_to("/recorded")[0].form["RecordingDuration"] == "2"


def test_the_caller_speaks_into_a_recording_in_the_language_they_were_asked_in(
    sandbox, business, twiml_app, monkeypatch
):
    """<Record> has no language: the caller answers in the last <Say>'s, so a Korean caller's
    words reach the Korean speech model as Korean speech."""
    from ivr.sandbox import record

    languages: list[str] = []
    real_speech = record.audio.speech

    def speech(text: str, *, language: str = "en-US", voice_enabled: bool = True):
        languages.append(language)
        return real_speech(text, language=language, voice_enabled=voice_enabled)

    monkeypatch.setattr(record.audio, "speech", speech)
    twiml_app.on("/recorded", "<Response/>")
    call = sandbox.dial(
        business(
            '<Response><Say language="ko-KR" voice="Polly.Seoyeon">용건을 말씀해 주세요.</Say>'
            '<Record action="/recorded" maxLength="10"/></Response>'
        )
    )
    call.wait_for_prompt()
    call.say_into_recording("요금이 잘못 나왔어요")
    call.wait_for_status("completed")

    assert languages == ["ko-KR"]


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")
def test_korean_is_synthesised_with_espeak_ngs_korean_voice():
    from ivr.sandbox.audio import speech

    korean = speech("요금이 잘못 나왔어요", language="ko-KR")

    assert korean is not None
    assert korean == speech("요금이 잘못 나왔어요", language="ko")
    assert korean != speech("요금이 잘못 나왔어요", language="en-US")
