"""<Dial>: ring other phones (or dequeue a waiting caller) and bridge the call to them.

Bridges carry no audio, but what either party says (``CallHandle.talk``) is kept with its
moment, so ``record`` makes a real WAV of the bridge: one channel, or for ``-dual`` the parent
call (the one running <Dial>) on the first channel and the other party on the second, as
Twilio's Recording resource documents. A <Number>/<Client> leg is hung up when the caller
leaves; a dequeued caller (<Queue>) is a call of its own and
goes on with its <Enqueue action> when the dialler leaves. The ``action`` URL is requested when
the Dial ends, with DialCallStatus, DialCallSid, DialCallDuration (and DialBridged); if the
caller hung up, it is still requested and its answer ignored, as on Twilio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ivr.sandbox import twiml
from ivr.sandbox.call import Bridge, Call, CallEnded, CallStatus, Listening, StatusCallback
from ivr.sandbox.conversation import bridge_audio
from ivr.sandbox.defaults import DIAL_TIME_LIMIT_SECONDS, DIAL_TIMEOUT_SECONDS
from ivr.sandbox.devices import normalize_number
from ivr.sandbox.ids import new_sid, rfc2822
from ivr.sandbox.interpreter import Interpreter
from ivr.sandbox.models import Recording
from ivr.sandbox.webhooks import Source, resolve

CALL_EVENTS = frozenset({"initiated", "ringing", "answered", "completed"})
RECORD_MODES = frozenset(
    {
        "do-not-record",
        "record-from-answer",
        "record-from-ringing",
        "record-from-answer-dual",
        "record-from-ringing-dual",
        "true",
        "false",
    }
)
_UNSUPPORTED_NOUNS = {"Sip", "Conference", "Sim", "Application"}


class _Settings:
    """The <Dial> attributes, read once."""

    def __init__(self, interp: Interpreter, verb: twiml.Verb, document: twiml.Document) -> None:
        a = interp.reader(verb, document.url)
        self.started_at_seconds = interp.engine.clock.seconds()
        self.started_at = interp.engine.clock.now()
        """When the Dial began: a ``record-from-ringing`` recording starts here."""
        self.action = resolve(document.url, a.text("action"))
        self.method = a.method()
        self.timeout = a.integer("timeout", DIAL_TIMEOUT_SECONDS, minimum=1, maximum=600)
        self.time_limit = a.integer("timeLimit", DIAL_TIME_LIMIT_SECONDS, minimum=1)
        self.caller_id = a.text("callerId")
        record = a.choice("record", "do-not-record", RECORD_MODES)
        self.record = {"true": "record-from-answer", "false": "do-not-record"}.get(record, record)
        self.hangup_on_star = a.boolean("hangupOnStar", False)
        self.recording_callback = resolve(document.url, a.text("recordingStatusCallback"))
        self.recording_callback_method = a.method("recordingStatusCallbackMethod")
        self.recording_events = a.events(
            "recordingStatusCallbackEvent",
            frozenset({"completed"}),
            {"in-progress", "completed", "absent"},
        )


def dial(interp: Interpreter, verb: twiml.Verb, document: twiml.Document) -> Source | None:
    settings = _Settings(interp, verb, document)
    nouns = list(verb.children) or [twiml.Verb(name="Number", text=verb.text)]
    unsupported = [n.name for n in nouns if n.name in _UNSUPPORTED_NOUNS]
    if unsupported:
        interp.warn(
            13000,
            f"<Dial><{unsupported[0]}> is not carried by the sandbox; the dial fails",
            document.url,
        )
        return _finish(interp, settings, {"DialCallStatus": "failed", "DialBridged": "false"})
    queues = [n for n in nouns if n.name == "Queue"]
    if queues:
        from ivr.sandbox.queueing import dial_queue

        return dial_queue(interp, settings, queues[0], document)
    return _dial_phones(interp, settings, nouns, document)


def _dial_phones(
    interp: Interpreter, settings: _Settings, nouns: list[twiml.Verb], document: twiml.Document
) -> Source | None:
    from ivr.sandbox.lifecycle import run_dial_leg

    engine, parent = interp.engine, interp.call
    legs: list[Call] = []
    for noun in nouns:
        address = _address(noun)
        if not address:
            interp.warn(12200, f"<{noun.name}> without a number or name; skipped", document.url)
            continue
        to = f"client:{address}" if noun.name == "Client" and ":" not in address else address
        a = interp.reader(noun, document.url)
        leg = engine.new_call(
            direction="outbound-dial",
            from_=settings.caller_id or parent.from_,
            to=normalize_number(to),
            status=CallStatus.QUEUED,
            parent=parent,
        )
        leg.timeout_seconds = settings.timeout
        leg.custom_parameters = _custom_parameters(noun)
        callback_url = resolve(document.url, a.text("statusCallback"))
        if callback_url:
            leg.status_callback = StatusCallback(
                url=callback_url,
                method=a.method("statusCallbackMethod"),
                events=a.events("statusCallbackEvent", frozenset({"completed"}), CALL_EVENTS),
            )
        whisper_url = resolve(document.url, a.text("url"))
        whisper = (
            Source(kind="whisper", url=whisper_url, method=a.method()) if whisper_url else None
        )
        legs.append(leg)
        engine.start(leg, lambda leg=leg, whisper=whisper: run_dial_leg(engine, leg, whisper))
    if not legs:
        return _finish(interp, settings, {"DialCallStatus": "failed", "DialBridged": "false"})

    bridge: Bridge | None = None
    winner: Call | None = None
    taping: BridgeRecording | None = None
    recording: dict[str, str] = {}
    try:
        engine.wait(
            parent, lambda: any(leg.leg_ready for leg in legs) or all(leg.is_final for leg in legs)
        )
        with engine.lock:
            winner = next((leg for leg in legs if leg.leg_ready and not leg.is_final), None)
            for leg in legs:
                if leg is not winner and not leg.is_final:
                    leg.hangup_reason = "canceled"
            if winner is not None:
                bridge = Bridge(parent.sid, winner.sid, "dial", engine.clock.seconds())
                parent.bridge = winner.bridge = bridge
                engine.notify()
        if winner is None or bridge is None:
            return _finish(interp, settings, _unanswered(legs))
        taping = start_recording(interp, settings, bridge)
        duration = _hold_bridge(interp, settings, bridge, winner, hang_up_other=True)
        recording = _record_bridge(interp, settings, bridge, taping)
        params = {
            "DialCallStatus": "completed",
            "DialCallSid": winner.sid,
            "DialCallDuration": str(duration),
            "DialBridged": "true",
            **recording,
        }
        return _finish(interp, settings, params)
    except CallEnded:
        if bridge is not None:
            engine.end_bridge(bridge, by=parent.sid)
            recording = _record_bridge(interp, settings, bridge, taping)
        _after_hangup(interp, settings, winner, bridge, recording)
        raise
    finally:
        with engine.lock:
            for leg in legs:
                if not leg.is_final and not leg.detached and leg.hangup_reason is None:
                    leg.hangup_reason = "parent"
            parent.bridge = None
            engine.notify()


def _address(noun: twiml.Verb) -> str:
    """The number or identity dialled: ``<Client>alice</Client>`` or, when the client is
    given parameters, ``<Client><Identity>alice</Identity><Parameter .../></Client>``."""
    identity = next((c for c in noun.children if c.name == "Identity"), None)
    return (identity.text if identity is not None else noun.text).strip()


def _custom_parameters(noun: twiml.Verb) -> dict[str, str]:
    return {
        c.attr("name") or "": c.attr("value") or ""
        for c in noun.children
        if c.name == "Parameter" and c.attr("name")
    }


def _hold_bridge(
    interp: Interpreter, settings: _Settings, bridge: Bridge, other: Call, *, hang_up_other: bool
) -> int:
    """Keep the caller connected until a leg leaves, ``timeLimit`` or ``*`` (hangupOnStar)."""
    engine, parent = interp.engine, interp.call
    star = [False]

    def over() -> bool:
        if parent.inputs:
            given = parent.inputs.popleft()
            if given.kind == "dtmf" and "*" in given.text:
                star[0] = True
        return bridge.ended or star[0]

    with engine.lock:
        parent.inputs.clear()
        if settings.hangup_on_star:
            parent.listening = Listening(kind="bridge", dtmf=True, speech=False, finish_keys="*")
        engine.notify()
    try:
        engine.wait(parent, over, settings.time_limit)
    finally:
        with engine.lock:
            parent.listening = None
            if not bridge.ended:
                engine.end_bridge(bridge, by=parent.sid)
                if hang_up_other and not other.is_final and other.hangup_reason is None:
                    other.hangup_reason = "parent"
            engine.notify()
    end = bridge.ended_at_seconds or engine.clock.seconds()
    return max(0, int(round(end - bridge.started_at_seconds)))


def _unanswered(legs: list[Call]) -> dict[str, str]:
    statuses = [str(leg.status) for leg in legs]
    if any(leg.answered_at is not None for leg in legs):
        # Answered, then hung up during the whisper (call screening): it was answered.
        status = "completed"
    elif "no-answer" in statuses:
        status = "no-answer"
    elif "busy" in statuses:
        status = "busy"
    elif "canceled" in statuses:
        status = "canceled"
    else:
        status = "failed"
    return {
        "DialCallStatus": status,
        "DialCallSid": legs[-1].sid,
        "DialCallDuration": "0",
        "DialBridged": "false",
    }


@dataclass(frozen=True)
class BridgeRecording:
    """A ``<Dial record>`` recording under way."""

    sid: str
    start_seconds: float
    started_at: datetime
    channels: int


def start_recording(
    interp: Interpreter, settings: _Settings, bridge: Bridge
) -> BridgeRecording | None:
    """The bridge is up: the recording runs (from the ringing, or from now); ``in-progress``
    is reported if asked for."""
    if settings.record == "do-not-record":
        return None
    engine = interp.engine
    if settings.record.startswith("record-from-ringing"):
        start_seconds, started_at = settings.started_at_seconds, settings.started_at
    else:
        start_seconds, started_at = bridge.started_at_seconds, engine.clock.now()
    taping = BridgeRecording(
        sid=new_sid("RE"),
        start_seconds=start_seconds,
        started_at=started_at,
        channels=2 if settings.record.endswith("-dual") else 1,
    )
    _report(interp, settings, taping, "in-progress", 0)
    return taping


def _record_bridge(
    interp: Interpreter, settings: _Settings, bridge: Bridge, taping: BridgeRecording | None
) -> dict[str, str]:
    """The bridge ended: its recording becomes a Recording resource (or ``absent`` when it
    rounds to no time at all), and the Dial action gets its RecordingUrl."""
    if taping is None:
        return {}
    engine, call = interp.engine, interp.call
    end = bridge.ended_at_seconds or engine.clock.seconds()
    duration = int(round(max(0.0, end - taping.start_seconds)))
    if duration < 1:
        _report(interp, settings, taping, "absent", 0, error_code="16101")
        return {}
    wav = bridge_audio(
        bridge,
        parent_sid=call.sid,
        start_seconds=taping.start_seconds,
        end_seconds=end,
        channels=taping.channels,
    )
    engine.add_recording(
        Recording(
            sid=taping.sid,
            call_sid=call.sid,
            source="DialVerb",
            duration_seconds=duration,
            channels=taping.channels,
            wav=wav,
            started_at=taping.started_at,
            created_at=engine.clock.now(),
            spoken_text=" ".join(u.text for u in bridge.utterances),
        )
    )
    _report(interp, settings, taping, "completed", duration)
    return {
        "RecordingUrl": engine.recording_url(taping.sid),
        "RecordingSid": taping.sid,
        "RecordingDuration": str(duration),
    }


def _report(
    interp: Interpreter,
    settings: _Settings,
    taping: BridgeRecording,
    status: str,
    duration: int,
    *,
    error_code: str | None = None,
) -> None:
    """A recordingStatusCallback with Twilio's parameters, when ``status`` was asked for."""
    if not settings.recording_callback or status not in settings.recording_events:
        return
    engine, call = interp.engine, interp.call
    params = {
        "AccountSid": call.account_sid,
        "CallSid": call.sid,
        "RecordingSid": taping.sid,
        "RecordingUrl": engine.recording_url(taping.sid),
        "RecordingStatus": status,
        "RecordingDuration": str(duration),
        "RecordingChannels": str(taping.channels),
        "RecordingStartTime": rfc2822(taping.started_at) or "",
        "RecordingSource": "DialVerb",
        "RecordingTrack": "both",
    }
    if error_code:
        params["ErrorCode"] = error_code
    engine.callback(
        call,
        "recording-status",
        settings.recording_callback,
        settings.recording_callback_method,
        params,
    )


def _finish(interp: Interpreter, settings: _Settings, params: dict[str, str]) -> Source | None:
    """Request ``action`` with the result, or go on with the next verb."""
    if settings.action:
        return Source(kind="action", url=settings.action, method=settings.method, params=params)
    return None


def _after_hangup(
    interp: Interpreter,
    settings: _Settings,
    other: Call | None,
    bridge: Bridge | None,
    recording: dict[str, str],
) -> None:
    """The caller hung up during the Dial: ``action`` is still told, its answer ignored."""
    if not settings.action:
        return
    engine, call = interp.engine, interp.call
    if bridge is not None and other is not None:
        end = bridge.ended_at_seconds or engine.clock.seconds()
        result = {
            "DialCallStatus": "completed",
            "DialCallSid": other.sid,
            "DialCallDuration": str(max(0, int(round(end - bridge.started_at_seconds)))),
            "DialBridged": "true",
        }
    else:
        result = {"DialCallStatus": "canceled", "DialCallDuration": "0", "DialBridged": "false"}
        if other is not None:
            result["DialCallSid"] = other.sid
    with engine.lock:
        params = call.base_params(status="completed")
    params.update(result)
    params.update(recording)
    engine.callback(call, "action", settings.action, settings.method, params)
