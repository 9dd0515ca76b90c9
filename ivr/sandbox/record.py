"""<Record>: the caller's words become a WAV file and a RecordingUrl.

What the caller says is typed text (``say_into_recording`` or the phone page). Speaking takes
call time, the length of the synthesised audio (or 2.5 words a second without espeak-ng);
silence for ``timeout`` seconds, a finish key, ``maxLength`` or a hang-up ends the recording.
With the default ``trim="trim-silence"`` the recording is as long as the speech in it.
An empty recording makes no request to ``action``, as Twilio documents: the call goes on with
the next verb.
"""

from __future__ import annotations

from ivr.sandbox import audio, twiml
from ivr.sandbox.call import Call, CallEnded, Input, Listening
from ivr.sandbox.defaults import (
    RECORD_FINISH_ON_KEY,
    RECORD_MAX_LENGTH_SECONDS,
    RECORD_TIMEOUT_SECONDS,
    SPOKEN_WORDS_PER_SECOND,
)
from ivr.sandbox.ids import new_sid, rfc2822
from ivr.sandbox.interpreter import Interpreter
from ivr.sandbox.models import Recording
from ivr.sandbox.webhooks import Source, resolve

RECORDING_EVENTS = frozenset({"in-progress", "completed", "absent"})


def caller_language(call: Call) -> str:
    """The language of the last <Say> the caller heard: <Record> has no language of its own,
    and a caller answers in the language they were asked in (a Korean caller's reason is
    spoken in Korean, so the Korean speech model downstream has Korean to transcribe)."""
    with_language = (p.language for p in reversed(call.heard) if p.kind == "say" and p.language)
    return next(with_language, "en-US")


def record(interp: Interpreter, verb: twiml.Verb, document: twiml.Document) -> Source | None:
    engine, call = interp.engine, interp.call
    a = interp.reader(verb, document.url)
    action = interp.action_url(a, document)
    method = a.method()
    timeout = a.integer("timeout", RECORD_TIMEOUT_SECONDS, minimum=0)
    max_length = a.integer("maxLength", RECORD_MAX_LENGTH_SECONDS, minimum=1)
    finish_keys = a.text("finishOnKey", RECORD_FINISH_ON_KEY) or ""
    play_beep = a.boolean("playBeep", True)
    trim = a.choice("trim", "trim-silence", {"trim-silence", "do-not-trim"})
    status_url = resolve(document.url, a.text("recordingStatusCallback"))
    status_method = a.method("recordingStatusCallbackMethod")
    events = a.events("recordingStatusCallbackEvent", frozenset({"completed"}), RECORDING_EVENTS)
    if a.boolean("transcribe", False):
        interp.warn(13000, "<Record transcribe>: the sandbox does not transcribe", document.url)

    if play_beep:
        interp.beep()
    recording_sid = new_sid("RE")
    started_at = engine.clock.now()
    start_seconds = engine.clock.seconds()
    spoken: list[str] = []
    pieces: list[bytes] = []
    speech_seconds = 0.0
    key = ""
    hung_up = False
    listening = Listening(kind="record", dtmf=True, speech=True, finish_keys=finish_keys)
    with engine.lock:
        language = caller_language(call)
        call.inputs.clear()
        call.listening = listening
        call.awaiting_input = True
        engine.notify()
    if status_url and "in-progress" in events:
        engine.callback(
            call,
            "recording-status",
            status_url,
            status_method,
            _status_params(engine, call, recording_sid, "in-progress", 0, started_at),
        )
    try:
        while True:
            elapsed = engine.clock.seconds() - start_seconds
            remaining = max_length - elapsed
            if remaining <= 0:
                break
            wait = remaining if call.scripted else min(timeout, remaining)
            if not engine.wait(call, lambda: bool(call.inputs), wait):
                break
            with engine.lock:
                given: Input = call.inputs.popleft()
                engine.notify()
            if given.kind == "silence":
                break
            if given.kind == "dtmf":
                pressed = next((k for k in given.text if k in finish_keys), "")
                if pressed:
                    key = pressed
                    break
                continue
            words = given.text.strip()
            if words:
                spoken.append(words)
                piece = audio.speech(
                    words, language=language, voice_enabled=engine.synthesize_speech
                )
                if piece is None:
                    piece = audio.silence(_speaking_seconds(words))
                seconds = min(audio.duration_seconds(piece), remaining)
                pieces.append(audio.truncate(piece, seconds))
                speech_seconds += seconds
                engine.sleep(call, seconds)
            if given.then_silent:
                break
    except CallEnded:
        hung_up = True
    finally:
        with engine.lock:
            call.listening = None
            call.awaiting_input = False
            call.inputs.clear()
            engine.notify()

    total_seconds = engine.clock.seconds() - start_seconds
    seconds = speech_seconds if trim == "trim-silence" else total_seconds
    duration = max(1, int(round(seconds))) if spoken else 0
    if not spoken or duration <= 0:
        if status_url and "absent" in events:
            engine.callback(
                call,
                "recording-status",
                status_url,
                status_method,
                _status_params(engine, call, recording_sid, "absent", 0, started_at),
            )
        if hung_up:
            raise CallEnded("caller")
        return None

    text = " ".join(spoken)
    wav = audio.join(pieces, total_seconds=None if trim == "trim-silence" else seconds)
    engine.add_recording(
        Recording(
            sid=recording_sid,
            call_sid=call.sid,
            source="RecordVerb",
            duration_seconds=duration,
            channels=1,
            wav=wav,
            started_at=started_at,
            created_at=engine.clock.now(),
            spoken_text=text,
        )
    )
    if status_url and "completed" in events:
        engine.callback(
            call,
            "recording-status",
            status_url,
            status_method,
            _status_params(engine, call, recording_sid, "completed", duration, started_at),
        )
    params = {
        "RecordingUrl": engine.recording_url(recording_sid),
        "RecordingSid": recording_sid,
        "RecordingDuration": str(duration),
        "Digits": "hangup" if hung_up else key,
    }
    if hung_up:
        # Twilio still posts the recording to the action URL; the call is over, so the
        # answer is ignored.
        with engine.lock:
            hangup_params = call.base_params(status="completed")
        hangup_params.update(params)
        if action:
            engine.callback(call, "action", action, method, hangup_params)
        raise CallEnded("caller")
    if not key:
        del params["Digits"]
    return Source(kind="action", url=action, method=method, params=params)


def _speaking_seconds(words: str) -> float:
    return max(1.0, len(words.split()) / SPOKEN_WORDS_PER_SECOND)


def _status_params(engine, call, sid: str, status: str, duration: int, started_at) -> dict:
    return {
        "AccountSid": call.account_sid,
        "CallSid": call.sid,
        "RecordingSid": sid,
        "RecordingUrl": engine.recording_url(sid),
        "RecordingStatus": status,
        "RecordingDuration": str(duration),
        "RecordingChannels": "1",
        "RecordingStartTime": rfc2822(started_at) or "",
        "RecordingSource": "RecordVerb",
        "RecordingTrack": "inbound",
    }
