"""The life of a call, from first ring to final status: the body of each call's thread.

Three kinds of call, as Twilio's ``Direction`` names them:

``inbound``       a person dials a business number: the number's VoiceUrl is requested with
                  ``CallStatus=ringing``; the call is answered when its first verb runs.
``outbound-api``  REST ``Calls.create``: initiated, ringing (the device), answered, then Url.
``outbound-dial`` a <Dial> leg: rings a device, runs the <Number url> whisper, waits to be
                  bridged; redirected by REST, it goes on as a call of its own.
"""

from __future__ import annotations

import threading

from ivr.sandbox import errors, twiml
from ivr.sandbox.call import (
    Call,
    CallEnded,
    CallRejected,
    CallStatus,
    Redirected,
)
from ivr.sandbox.defaults import MACHINE_DETECTION_TIMEOUT_SECONDS
from ivr.sandbox.devices import answering_machine_result
from ivr.sandbox.engine import Engine
from ivr.sandbox.interpreter import Interpreter, say_seconds
from ivr.sandbox.models import Prompt
from ivr.sandbox.webhooks import Source

NOT_IN_SERVICE = "The number you have dialed is not in service."


def final_status(call: Call) -> CallStatus:
    """What an ended call's status is when nothing more specific was decided."""
    if call.answered_at is not None:
        return CallStatus.COMPLETED
    return CallStatus.CANCELED


def run_inbound(engine: Engine, call: Call) -> None:
    status: CallStatus | None = None
    try:
        number = engine.number_for(call.to)
        if number is None:
            Interpreter(engine, call).hear(
                Prompt(kind="say", text=NOT_IN_SERVICE, language="en-US")
            )
            status = CallStatus.FAILED
            return
        with engine.lock:
            call.phone_number_sid = number.sid
            call.fallback_url = number.voice_fallback_url
            call.fallback_method = number.voice_fallback_method
        source = Source(kind="voice", url=number.voice_url, method=number.voice_method)
        run_main(engine, call, source)
    except CallRejected as rejected:
        status = rejected.status
    except CallEnded:
        pass
    finally:
        engine.finish(call, status or final_status(call))


def run_outbound(engine: Engine, call: Call, source: Source) -> None:
    status: CallStatus | None = None
    try:
        engine.send_status(call, "initiated")
        outcome = ring(engine, call)
        if outcome is not CallStatus.IN_PROGRESS:
            status = outcome
            return
        engine.answer(call)
        source = detect_answering_machine(engine, call, source)
        run_main(engine, call, source)
    except CallRejected:
        status = CallStatus.COMPLETED
    except CallEnded:
        pass
    finally:
        engine.finish(call, status or final_status(call))


def run_dial_leg(engine: Engine, leg: Call, whisper: Source | None) -> None:
    """A <Dial> leg's thread; the parent's <Dial> watches ``leg_ready`` and ``is_final``."""
    status: CallStatus | None = None
    try:
        engine.send_status(leg, "initiated")
        outcome = ring(engine, leg)
        if outcome is not CallStatus.IN_PROGRESS:
            status = outcome
            return
        engine.answer(leg)
        if whisper is not None:
            try:
                Interpreter(engine, leg, context=twiml.WHISPER).run(whisper)
            except errors.DocumentError as failure:
                engine.log_document_error(leg, failure)
                application_error(engine, leg)
                return
        with engine.lock:
            leg.leg_ready = True
            engine.notify()
        # Bridged by the parent, or hung up by it when another leg won or the caller left.
        engine.wait(leg, lambda: leg.bridge is not None and leg.bridge.ended)
    except Redirected as redirected:
        # A REST redirect takes the leg out of the bridge: it goes on as a call of its own.
        with engine.lock:
            leg.leg_ready = False
            leg.detached = True
            if leg.bridge is not None:
                engine.end_bridge(leg.bridge, by=leg.sid)
        try:
            run_main(engine, leg, _redirect_source(redirected))
        except (CallEnded, CallRejected):
            pass
    except (CallEnded, CallRejected):
        pass
    finally:
        engine.finish(leg, status or final_status(leg))


def run_main(engine: Engine, call: Call, source: Source | None) -> None:
    """Run the call's documents: REST redirects, the fallback URL, the application error."""
    interpreter = Interpreter(engine, call)
    fallback_used = False
    failed = False
    while source is not None or failed:
        try:
            if failed:
                failed = False
                application_error(engine, call)
            else:
                interpreter.run(source)
            return
        except Redirected as redirected:
            # A REST redirect can arrive at any moment, even during the apology.
            source = _redirect_source(redirected)
        except errors.DocumentError as failure:
            engine.log_document_error(call, failure)
            if call.fallback_url and not fallback_used:
                fallback_used = True
                source = Source(
                    kind="fallback",
                    url=call.fallback_url,
                    method=call.fallback_method,
                    params={"ErrorCode": str(failure.code), "ErrorUrl": failure.url or ""},
                )
            else:
                failed = True


def application_error(engine: Engine, call: Call) -> None:
    """What Twilio says when the application failed, before it hangs up."""
    if call.status == CallStatus.RINGING:
        engine.answer(call)
    interpreter = Interpreter(engine, call)
    prompt = Prompt(kind="say", text=errors.APPLICATION_ERROR_MESSAGE, language="en-US")
    interpreter.play_prompt(prompt, say_seconds(prompt.text))


def ring(engine: Engine, call: Call) -> CallStatus:
    """Ring the device at ``call.to``; IN_PROGRESS means it answered."""
    device = engine.device(call.to)
    policy = device.policy
    if policy == "failed":
        return CallStatus.FAILED
    if policy == "busy":
        with engine.lock:
            device.rung.append(call.sid)
        return CallStatus.BUSY
    engine.ringing(call, device)
    if policy == "browser":
        with engine.lock:
            if not engine.browsers.offer(call):
                # No browser online for this identity: Twilio's call log shows such a leg
                # as "No Answer" lasting 0 s, so it ends at once rather than ringing out.
                call.ringing_device = None
                return CallStatus.NO_ANSWER
    timeout = call.timeout_seconds
    try:
        if policy == "no-answer":
            engine.sleep(call, timeout)
            return CallStatus.NO_ANSWER
        if policy in {"human", "machine"}:
            if device.ring_seconds > timeout:
                engine.sleep(call, timeout)
                return CallStatus.NO_ANSWER
            engine.sleep(call, device.ring_seconds)
            return CallStatus.IN_PROGRESS
        decided = engine.wait(call, lambda: call.answer_decision is not None, timeout)
        if not decided:
            return CallStatus.NO_ANSWER
        return CallStatus.IN_PROGRESS if call.answer_decision == "answer" else CallStatus.BUSY
    finally:
        with engine.lock:
            call.ringing_device = None


def detect_answering_machine(engine: Engine, call: Call, source: Source) -> Source:
    """``MachineDetection``: synchronous AMD delays the Url request; async posts it apart."""
    if not call.machine_detection:
        return source
    device = engine.device(call.to)
    answered_by, seconds = answering_machine_result(device, call.machine_detection)
    limit = call.machine_detection_timeout or MACHINE_DETECTION_TIMEOUT_SECONDS
    if seconds > limit:
        answered_by, seconds = "unknown", float(limit)
    params = {"AnsweredBy": answered_by, "MachineDetectionDuration": str(int(seconds * 1000))}
    if not call.async_amd:
        engine.sleep(call, seconds)
        with engine.lock:
            call.answered_by = answered_by
        return Source(
            kind=source.kind,
            url=source.url,
            method=source.method,
            twiml=source.twiml,
            params={**source.params, **params},
        )

    def report() -> None:
        if engine.wait_quietly(lambda: call.is_final or call.hangup_reason is not None, seconds):
            return
        with engine.lock:
            call.answered_by = answered_by
            callback = call.async_amd_callback
        if callback:
            with engine.lock:
                payload = {"AccountSid": call.account_sid, "CallSid": call.sid, **params}
            engine.callback(call, "amd-status", callback, call.async_amd_callback_method, payload)

    helper = threading.Thread(target=report, name=f"sandbox-amd-{call.sid[:12]}", daemon=True)
    engine.start_helper(helper)
    return source


def _redirect_source(redirected: Redirected) -> Source:
    target = redirected.redirect
    return Source(kind="redirect", url=target.url, method=target.method, twiml=target.twiml)
