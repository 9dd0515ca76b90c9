"""<Enqueue> and <Dial><Queue>: callers wait in a queue until someone takes them.

While waiting, the caller's thread requests ``waitUrl`` again and again, each time with the
queue's figures (QueuePosition, QueueSid, QueueTime, AvgQueueTime, CurrentQueueSize,
MaxQueueSize); without a waitUrl it hears hold music. The caller leaves the queue when:

=========================  ============================================================
``<Leave>`` (in waitUrl)    QueueResult ``leave``; ``action`` requested, its TwiML runs
REST redirect / Members     QueueResult ``redirected``; ``action`` requested (answer ignored),
                            the call runs the new URL
hang-up                     QueueResult ``hangup``; ``action`` requested, answer ignored
queue full                  QueueResult ``queue-full`` at once
waitUrl failure             QueueResult ``error`` (the failure is in the debugger)
<Dial><Queue>               the <Queue url> document plays to the caller, the two are bridged,
                            and ``action`` is requested *once the bridged parties disconnect*,
                            with QueueResult ``bridged``; if the caller is still there, its
                            TwiML runs (Twilio documents exactly this)
=========================  ============================================================

Without ``action``, the call goes on with the verb after <Enqueue>.
"""

from __future__ import annotations

from ivr.sandbox import errors, twiml
from ivr.sandbox.call import (
    Bridge,
    Call,
    CallEnded,
    Dequeue,
    Dequeued,
    LeaveQueue,
    Redirected,
)
from ivr.sandbox.defaults import (
    HOLD_MUSIC_TRACK_SECONDS,
    QUEUE_MAX_SIZE,
    QUEUE_NAME_MAX_LENGTH,
    WAIT_LOOP_MIN_SECONDS,
)
from ivr.sandbox.interpreter import Interpreter
from ivr.sandbox.models import Member, Prompt, Queue
from ivr.sandbox.webhooks import Source, resolve

HOLD_MUSIC_URL = "http://com.twilio.sounds.music.s3.amazonaws.com/index.xml"
"""Twilio's default waitUrl (its classical playlist); the sandbox only pretends to play it."""


def queue_figures(engine, queue: Queue, call: Call) -> dict[str, str]:
    """The parameters of a waitUrl request, computed at the moment of the request."""
    now = engine.clock.seconds()
    waits = [now - m.enqueued_at_seconds for m in queue.members]
    member = queue.member(call.sid)
    mine = now - member.enqueued_at_seconds if member else 0.0
    return {
        "QueueSid": queue.sid,
        "QueuePosition": str(queue.position(call.sid) or 0),
        "QueueTime": str(int(mine)),
        "AvgQueueTime": str(int(sum(waits) / len(waits)) if waits else 0),
        "CurrentQueueSize": str(len(queue.members)),
        "MaxQueueSize": str(queue.max_size),
    }


def enqueue(interp: Interpreter, verb: twiml.Verb, document: twiml.Document) -> Source | None:
    engine, call = interp.engine, interp.call
    a = interp.reader(verb, document.url)
    name = verb.text.strip()
    if not name or len(name) > QUEUE_NAME_MAX_LENGTH:
        raise errors.DocumentError(
            errors.SCHEMA_VALIDATION,
            f"<Enqueue> needs a queue name of 1 to {QUEUE_NAME_MAX_LENGTH} characters, "
            f"got {name!r}",
            url=document.url,
        )
    action = resolve(document.url, a.text("action"))
    method = a.method()
    wait_url = resolve(document.url, a.text("waitUrl"))
    wait_method = a.method("waitUrlMethod")
    if a.text("workflowSid"):
        interp.warn(13000, "<Enqueue workflowSid>: TaskRouter is not in the sandbox", document.url)

    with engine.lock:
        queue = engine.queue_named(name) or engine.create_queue(name, QUEUE_MAX_SIZE)
        if len(queue.members) >= queue.max_size:
            full = True
        else:
            full = False
            queue.members.append(
                Member(
                    call_sid=call.sid,
                    enqueued_at_seconds=engine.clock.seconds(),
                    enqueued_at=engine.clock.now(),
                )
            )
            queue.updated_at = engine.clock.now()
            call.queue_sid = queue.sid
            call.dequeued_by = None
        engine.notify()
    if full:
        return _result(interp, action, method, {"QueueResult": "queue-full"})

    def told(result: str, waited: float | None) -> dict[str, str]:
        params = {"QueueResult": result, "QueueSid": queue.sid}
        if waited is not None:
            params["QueueTime"] = str(int(waited))
        return params

    try:
        _wait_in_queue(interp, queue, wait_url, wait_method)
    except Dequeued as dequeued:
        waited = engine.leave_queue(call)
        outcome = _taken_by_dialler(interp, queue, dequeued.dequeue, waited or 0.0, action, method)
        return _result(interp, action, method, told(outcome, waited))
    except LeaveQueue:
        return _result(interp, action, method, told("leave", engine.leave_queue(call)))
    except errors.DocumentError as failure:
        engine.log_document_error(call, failure)
        return _result(interp, action, method, told("error", engine.leave_queue(call)))
    except Redirected:
        _tell(interp, action, method, told("redirected", engine.leave_queue(call)), status=None)
        raise
    except CallEnded:
        _tell(interp, action, method, told("hangup", engine.leave_queue(call)))
        raise
    raise AssertionError("the wait in a queue only ends by an exception")


def _wait_in_queue(interp: Interpreter, queue: Queue, wait_url: str | None, method: str) -> None:
    engine, call = interp.engine, interp.call
    waiting = Interpreter(
        engine,
        call,
        context=twiml.WAIT,
        extra_params=lambda: queue_figures(engine, queue, call),
    )
    while True:
        started = engine.clock.seconds()
        if wait_url:
            waiting.run(Source(kind="wait", url=wait_url, method=method))
            if engine.clock.seconds() - started < WAIT_LOOP_MIN_SECONDS / 2:
                engine.sleep(call, WAIT_LOOP_MIN_SECONDS)
        else:
            waiting.play_prompt(Prompt(kind="music", url=HOLD_MUSIC_URL), HOLD_MUSIC_TRACK_SECONDS)


def _taken_by_dialler(
    interp: Interpreter,
    queue: Queue,
    dequeue: Dequeue,
    waited: float,
    action: str | None,
    method: str,
) -> str:
    """Dequeued by <Dial><Queue>: announcement, bridge, then back here when it ends."""
    engine, call = interp.engine, interp.call
    with engine.lock:
        call.dequeued_by = dequeue.by_call_sid
        dialler = engine.calls.get(dequeue.by_call_sid)
    params = {"QueueSid": queue.sid, "QueueTime": str(int(waited))}
    try:
        if dequeue.url:
            announcement = Interpreter(engine, call, context=twiml.DEQUEUE)
            try:
                announcement.run(
                    Source(
                        kind="dequeue",
                        url=dequeue.url,
                        method=dequeue.method,
                        params={**params, "DequeingCallSid": dequeue.by_call_sid},
                    )
                )
            except errors.DocumentError as failure:
                # The announcement failed; Twilio logs it and still connects the call.
                engine.log_document_error(call, failure)
        with engine.lock:
            call.leg_ready = True
            engine.notify()
        engine.wait(
            call,
            lambda: call.bridge is not None or dialler is None or dialler.dequeuing_sid != call.sid,
        )
        bridge = call.bridge
        if bridge is None:
            return "system-error"
        engine.wait(call, lambda: bridge.ended)
        return "bridged"
    except CallEnded:
        result = "bridged" if call.bridge is not None else "bridging-in-process"
        _tell(interp, action, method, {"QueueResult": result, **params})
        raise
    finally:
        with engine.lock:
            if call.bridge is not None and not call.bridge.ended:
                engine.end_bridge(call.bridge, by=call.sid)
            call.leg_ready = False
            call.bridge = None
            # Whatever happened, the dialler must not wait for this call any longer.
            call.dequeued_by = None
            engine.notify()


def _ready_or_gone(caller: Call, agent: Call) -> bool:
    """The dequeued caller is ready to bridge, or is no longer there to be bridged."""
    return (
        caller.leg_ready
        or caller.is_final
        or (caller.queue_sid is None and caller.dequeued_by != agent.sid)
    )


def _result(interp: Interpreter, action: str | None, method: str, params: dict) -> Source | None:
    if action:
        return Source(kind="action", url=action, method=method, params=params)
    return None


def _tell(
    interp: Interpreter,
    action: str | None,
    method: str,
    params: dict[str, str],
    *,
    status: str | None = "completed",
) -> None:
    """Request ``action`` when the call will not run its answer (hang-up, redirect)."""
    if not action:
        return
    with interp.engine.lock:
        request = interp.call.base_params(status=status)
    request.update(params)
    interp.engine.callback(interp.call, "action", action, method, request)


def dial_queue(interp: Interpreter, settings, noun: twiml.Verb, document: twiml.Document):
    """<Dial><Queue>: take the head of the queue (waiting up to ``timeout`` for one)."""
    from ivr.sandbox.dial import (
        _after_hangup,
        _finish,
        _hold_bridge,
        _record_bridge,
        start_recording,
    )

    engine, agent = interp.engine, interp.call
    a = interp.reader(noun, document.url)
    name = noun.text.strip()
    url = resolve(document.url, a.text("url"))
    url_method = a.method()
    queue = engine.queue_named(name)
    if queue is None:
        interp.warn(12200, f"<Dial><Queue>{name}</Queue>: no such queue", document.url)
        return _finish(interp, settings, {"DialCallStatus": "failed", "DialBridged": "false"})
    deadline = engine.clock.seconds() + settings.timeout
    while True:
        remaining = deadline - engine.clock.seconds()
        if remaining <= 0 or not engine.wait(agent, lambda: bool(queue.waiting()), remaining):
            return _finish(
                interp,
                settings,
                {"DialCallStatus": "no-answer", "DialCallDuration": "0", "DialBridged": "false"},
            )
        with engine.lock:
            waiting = queue.waiting()
            if not waiting:
                continue
            member = waiting[0]
            member.claimed_by = agent.sid
            caller = engine.calls[member.call_sid]
            queue_seconds = engine.clock.seconds() - member.enqueued_at_seconds
            caller.dequeue = Dequeue(by_call_sid=agent.sid, url=url, method=url_method)
            agent.dequeuing_sid = caller.sid
            engine.notify()
        bridge: Bridge | None = None
        taping = None
        try:
            engine.wait(agent, lambda caller=caller: _ready_or_gone(caller, agent))
            with engine.lock:
                if caller.leg_ready and not caller.is_final:
                    bridge = Bridge(agent.sid, caller.sid, "queue", engine.clock.seconds())
                    agent.bridge = caller.bridge = bridge
                engine.notify()
            if bridge is None:
                continue
            taping = start_recording(interp, settings, bridge)
            duration = _hold_bridge(interp, settings, bridge, caller, hang_up_other=False)
        except CallEnded:
            recording: dict[str, str] = {}
            if bridge is not None:
                engine.end_bridge(bridge, by=agent.sid)
                recording = _record_bridge(interp, settings, bridge, taping)
            _after_hangup(interp, settings, caller, bridge, recording)
            raise
        finally:
            with engine.lock:
                agent.dequeuing_sid = None
                agent.bridge = None
                engine.notify()
        params = {
            "DialCallStatus": "completed",
            "DialCallSid": caller.sid,
            "DialCallDuration": str(duration),
            "DialBridged": "true",
            "QueueSid": queue.sid,
            "DequeuedCallSid": caller.sid,
            "DequeuedCallQueueTime": str(int(queue_seconds)),
            **_record_bridge(interp, settings, bridge, taping),
        }
        return _finish(interp, settings, params)
