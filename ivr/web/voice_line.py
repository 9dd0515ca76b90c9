"""Webhooks of the waiting line: callback confirmation, connecting a caller to an agent, the
agent's whisper, and the callback's own call.

Registered on the voice blueprint (same signature check, same never-a-5xx error handler).
"""

from __future__ import annotations

from flask import Response, request
from twilio.twiml.voice_response import Dial, VoiceResponse

from ivr.core.callbacks import AlreadyPending, callback_id_of, entry_id_of
from ivr.core.calls import FINAL_STATUSES, parse_status
from ivr.core.click_to_call import reached_a_machine
from ivr.core.dialing import NotDialable
from ivr.core.flows.instructions import Enqueue, FlowState, Say
from ivr.core.holding import (
    AGENT_ACCEPT_KEY,
    AGENT_ACCEPT_TIMEOUT_SECONDS,
    CONFIRM_KEY,
    last_digits,
    phrases,
    spoken_queue,
)
from ivr.services.queue import Connection, DialOutcome
from ivr.web import links as paths
from ivr.web.security import twilio_signed
from ivr.web.twiml import render, twiml_response
from ivr.web.voice import (
    METHODS,
    acknowledged,
    bp,
    call_sid,
    flow_state,
    int_param,
    param,
    services,
)

MAX_NUMBER_TRIES = 2


def _voice(flow: str | None, language: str | None):
    return services().voice.language_of(flow, language)


def _entry_query() -> tuple[str, int]:
    entry = request.args.get("entry", "")[:64]
    agent = request.args.get("agent", "")[:12]
    return entry, int(agent) if agent.isdigit() else 0


# -- callback confirmation -------------------------------------------------------------------


def confirm_callback_number(state: FlowState, *, attempt: int, lead: str = "") -> Response:
    """Ask the caller to confirm the number we will call, or to key another."""
    svc = services()
    spoken = _voice(state.flow, state.language)
    words = phrases(spoken.code)
    own = svc.waiting.dialable(param("From", 64))
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        finish_on_key="#",
        timeout=8,
        num_digits=16,
        action=svc.links.callback_confirm(state, attempt),
        method="POST",
        action_on_empty_result=True,
    )
    prompt = (
        words["confirm_number"].format(digits=last_digits(own)) if own else words["enter_number"]
    )
    for line in (lead, prompt):
        if line:
            gather.say(line, language=spoken.speech, voice=spoken.voice)
    return twiml_response(response)


def back_in_line(state: FlowState, queue: str, skills: tuple[str, ...], lead: str) -> Response:
    """Back to holding, in the same queue step (the caller's place was kept)."""
    spoken = _voice(state.flow, state.language)
    instructions: list = (
        [Say(text=lead, language=spoken.speech, voice=spoken.voice)] if lead else []
    )
    instructions.append(Enqueue(resume=state, queue=queue, skills=skills))
    return twiml_response(render(tuple(instructions), services().links))


@bp.route(paths.CALLBACK_CONFIRM, methods=METHODS)
@twilio_signed
def callback_confirm() -> Response:
    """The caller confirmed (1), keyed a number, or said nothing. The promise is stored
    before it is spoken; a number we will not call is explained and asked for again."""
    svc = services()
    state = flow_state()
    tried = request.args.get("try", "0")[:2]
    attempt = int(tried) if tried.isdigit() else 0
    spoken = _voice(state.flow, state.language)
    words = phrases(spoken.code)
    digits = param("Digits", 20)
    entry = svc.waiting.line.entry(call_sid())
    if entry is None:
        # An agent freed up meanwhile, or the line lost them: the flow's way to a person.
        response = VoiceResponse()
        response.say(words["connecting"], language=spoken.speech, voice=spoken.voice)
        response.redirect(svc.links.step(state, event="continue"), method="POST")
        return twiml_response(response)
    queue, skills = entry.queue, tuple(sorted(entry.skills))
    raw = param("From", 64) if digits == CONFIRM_KEY else digits
    if not raw:
        if attempt >= MAX_NUMBER_TRIES:
            return back_in_line(state, queue, skills, words["back_in_line"])
        return confirm_callback_number(state, attempt=attempt + 1)
    try:
        promise = svc.waiting.book_callback(call_sid(), raw, spoken.code)
    except NotDialable as refusal:
        lead = words["bad_number"].format(why=refusal.message)
        if attempt >= MAX_NUMBER_TRIES:
            return back_in_line(state, queue, skills, lead)
        return confirm_callback_number(state, attempt=attempt + 1, lead=lead)
    except AlreadyPending:
        response = VoiceResponse()
        response.say(words["already_pending"], language=spoken.speech, voice=spoken.voice)
        response.hangup()
        svc.waiting.line.remove(call_sid(), now=svc.line_clock.now().timestamp())
        return twiml_response(response)
    response = VoiceResponse()
    response.say(promise.sentence, language=spoken.speech, voice=spoken.voice)
    response.say(words["goodbye"], language=spoken.speech, voice=spoken.voice)
    response.hangup()
    return twiml_response(response)


# -- connecting a caller (or an answered callback) to the reserved agent ----------------------


def _dial_agent(response: VoiceResponse, connection: Connection) -> None:
    svc = services()
    entry, agent = connection.entry, connection.agent
    dial = Dial(
        action=svc.links.queue_dialed(entry.id, agent.id),
        method="POST",
        timeout=svc.settings.agent_ring_timeout_seconds,
        caller_id=svc.settings.twilio_phone_number
        if callback_id_of(entry.id) is not None
        else None,
        **_recording_attributes(entry.flow),
    )
    leg = {
        "url": svc.links.agent_whisper(entry.id, agent.id),
        "method": "POST",
        "status_callback": svc.links.agent_status(entry.queue, agent.id),
        "status_callback_event": "completed",
        "status_callback_method": "POST",
    }
    if agent.dial_target.startswith("client:"):
        dial.client(agent.dial_target.removeprefix("client:"), **leg)
    else:
        dial.number(agent.dial_target, **leg)
    response.append(dial)


def _recording_attributes(flow_name: str | None) -> dict[str, str]:
    """When the caller's flow records calls: both parties from the moment the agent answers,
    each on a channel of their own (the caller on the first, as the parent call), so the
    transcript can say who spoke. ``completed`` queues the download, ``absent`` (too short or
    silent) is recorded as such; ``in-progress`` would carry nothing to keep."""
    svc = services()
    flow = svc.flows.get(flow_name or "") or svc.flows.get(svc.settings.default_flow)
    if flow is None or not flow.recording.calls:
        return {}
    return {
        "record": "record-from-answer-dual",
        "recording_status_callback": svc.links.recording_status(kind="call"),
        "recording_status_callback_event": "completed absent",
        "recording_status_callback_method": "POST",
    }


@bp.route(paths.QUEUE_CONNECT, methods=METHODS)
@twilio_signed
def queue_connect() -> Response:
    """The dispatcher redirected a holding caller here: ring the agent reserved for them at
    once. No prompt first: the caller hears the agent's phone ringing (a spoken "connecting"
    cost 1.2 s of every connection, measured by bench/dispatch), and the agent hears who it
    is in the whisper."""
    entry_id, agent_id = _entry_query()
    svc = services()
    connection = svc.waiting.connection(entry_id, agent_id)
    response = VoiceResponse()
    if connection is None:
        entry = svc.waiting.line.entry(entry_id)
        if entry is not None and entry.flow and entry.step:
            state = FlowState(
                flow=entry.flow,
                step=entry.step,
                language=entry.language or "en",
                noticed=True,  # they were in the queue step: the notice came before it
            )
            return back_in_line(state, entry.queue, tuple(sorted(entry.skills)), "")
        response.redirect(svc.links.step(_fallback_state(), event="continue"), method="POST")
        return twiml_response(response)
    _dial_agent(response, connection)
    return twiml_response(response)


def _fallback_state() -> FlowState:
    flow = services().voice.default_flow
    return FlowState(flow=flow.name, step=flow.fallback, language=flow.default_language)


@bp.route(paths.AGENT_WHISPER, methods=METHODS)
@twilio_signed
def agent_whisper() -> Response:
    """Played to the agent before the bridge: who is calling, then press 1 to take it (so an
    agent's voicemail never takes a caller). An agent in the browser (``client:``) has no
    voicemail and has already chosen Answer in the console: they hear who it is and are
    bridged, without a key."""
    entry_id, agent_id = _entry_query()
    svc = services()
    connection = svc.waiting.connection(entry_id, agent_id)
    words = phrases("en")
    response = VoiceResponse()
    if connection is None:
        response.say(words["agent_nobody"], language="en-US")
        response.hangup()
        return twiml_response(response)
    svc.queue_records.agent_leg(
        call_sid(), agent_id=agent_id, to=connection.agent.dial_target, at=svc.line_clock.now()
    )
    if connection.agent.dial_target.startswith("client:"):
        if svc.waiting.accepted(entry_id, agent_id):
            response.say(whisper_text(connection, ask_for_key=False), language="en-US")
            return twiml_response(response)  # the whisper ends: the bridge goes ahead
        response.say(words["agent_nobody"], language="en-US")
        response.hangup()
        return twiml_response(response)
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=AGENT_ACCEPT_TIMEOUT_SECONDS,
        action=svc.links.agent_take(entry_id, agent_id),
        method="POST",
    )
    gather.say(whisper_text(connection), language="en-US")
    response.say(words["agent_not_taken"], language="en-US")
    response.hangup()
    return twiml_response(response)


def whisper_text(connection: Connection, *, ask_for_key: bool = True) -> str:
    entry = connection.entry
    who = connection.caller_name or "A caller"
    minutes = max(1, round(connection.waited_seconds / 60))
    waited = "1 minute" if minutes == 1 else f"{minutes} minutes"
    if callback_id_of(entry.id) is not None:
        number = last_digits(entry.number or "") if entry.number else "unknown"
        text = f"Callback for {who}, number ending {number}, first called {waited} ago."
    else:
        queue = spoken_queue("+".join([entry.queue, *sorted(entry.skills)]))
        text = f"Call from the {queue}. {who}, waited {waited}."
    if connection.reason:
        text += f" Calling about: {connection.reason[:200]}."
    transfer = connection.transfer
    if transfer is not None:
        text = f"Transfer from {transfer.from_agent_name or 'another agent'}. {text}"
        if transfer.note:
            text += f" Their note: {transfer.note[:200]}."
    return text + (f" Press {AGENT_ACCEPT_KEY} to take it." if ask_for_key else "")


@bp.route(paths.AGENT_TAKE, methods=METHODS)
@twilio_signed
def agent_take() -> Response:
    """The agent pressed a key after the whisper: 1 takes the caller, anything else not."""
    entry_id, agent_id = _entry_query()
    words = phrases("en")
    response = VoiceResponse()
    if param("Digits", 8) == AGENT_ACCEPT_KEY and services().waiting.accepted(entry_id, agent_id):
        return twiml_response(response)  # an empty whisper end: the bridge goes ahead
    response.say(
        words["agent_not_taken"]
        if param("Digits", 8) != AGENT_ACCEPT_KEY
        else words["agent_nobody"],
        language="en-US",
    )
    response.hangup()
    return twiml_response(response)


@bp.route(paths.QUEUE_DIALED, methods=METHODS)
@twilio_signed
def queue_dialed() -> Response:
    """The caller's Dial to the agent ended: talked (over), not taken (back to the head of
    the line), or the caller hung up while it rang."""
    entry_id, agent_id = _entry_query()
    svc = services()
    entry = svc.waiting.line.entry(entry_id)
    outcome = svc.waiting.dial_ended(
        entry_id,
        agent_id,
        caller_gone=param("CallStatus", 32) in ("completed", "canceled"),
        talked_seconds=int_param("DialCallDuration"),
        queue=entry.queue if entry else request.args.get("queue") or "support",
    )
    response = VoiceResponse()
    if outcome == DialOutcome.BACK_IN_LINE and entry is not None:
        spoken = _voice(entry.flow, entry.language)
        lead = phrases(spoken.code)["back_in_line"]
        if callback_id_of(entry_id) is not None:
            # A callback's customer is on the line now: hold them until the next agent.
            response.say(lead, language=spoken.speech, voice=spoken.voice)
            response.play(svc.links.hold_music())
            response.redirect(svc.links.callback_hold(entry_id), method="POST")
            return twiml_response(response)
        state = FlowState(
            flow=entry.flow or svc.voice.default_flow.name,
            step=entry.step or svc.voice.default_flow.fallback,
            language=entry.language or "en",
            noticed=True,  # back in line after a queue step: the notice came before it
        )
        return back_in_line(state, entry.queue, tuple(sorted(entry.skills)), lead)
    response.hangup()
    return twiml_response(response)


# -- the callback's own call -----------------------------------------------------------------


def _callback_query() -> tuple[int, int]:
    callback = request.args.get("callback", "")[:12]
    agent = request.args.get("agent", "")[:12]
    return (int(callback) if callback.isdigit() else 0, int(agent) if agent.isdigit() else 0)


@bp.route(paths.CALLBACK_ANSWER, methods=METHODS)
@twilio_signed
def callback_answer() -> Response:
    """The customer's phone answered our callback: a person is greeted and bridged to the
    reserved agent; a machine gets a short message and the callback is tried again later."""
    callback_id, agent_id = _callback_query()
    svc = services()
    entry_id = entry_id_of(callback_id)
    entry = svc.waiting.line.entry(entry_id)
    spoken = _voice(entry.flow if entry else None, entry.language if entry else None)
    words = phrases(spoken.code)
    business = getattr(svc.settings, "business_name", "Acme Utilities")
    response = VoiceResponse()
    if reached_a_machine(param("AnsweredBy", 32)):
        svc.dispatcher.attempt_failed(callback_id, agent_id, "machine")
        svc.jobs.caller_waiting()
        response.say(
            words["callback_machine"].format(business=business),
            language=spoken.speech,
            voice=spoken.voice,
        )
        response.hangup()
        return twiml_response(response)
    svc.waiting.line.note(entry_id, leg=call_sid())
    connection = svc.waiting.connection(entry_id, agent_id)
    response.say(
        words["callback_hello"].format(business=business),
        language=spoken.speech,
        voice=spoken.voice,
    )
    if connection is None:
        response.play(svc.links.hold_music())
        response.redirect(svc.links.callback_hold(entry_id), method="POST")
        svc.jobs.caller_waiting()
        return twiml_response(response)
    _dial_agent(response, connection)
    return twiml_response(response)


@bp.route(paths.CALLBACK_HOLD, methods=METHODS)
@twilio_signed
def callback_hold() -> Response:
    """A callback's customer waiting on the line for the next agent: music in a loop; the
    dispatcher redirects this call to the agent."""
    svc = services()
    entry_id = request.args.get("entry", "")[:64]
    response = VoiceResponse()
    if svc.waiting.line.entry(entry_id) is None:
        response.say(phrases("en")["goodbye"], language="en-US")
        response.hangup()
        return twiml_response(response)
    response.play(svc.links.hold_music())
    response.redirect(svc.links.callback_hold(entry_id), method="POST")
    return twiml_response(response)


@bp.route(paths.CALLBACK_STATUS, methods=METHODS)
@twilio_signed
def callback_status() -> Response:
    """Status callbacks of a callback's call: recorded like any call's, and a call that ended
    without reaching an agent is an attempt that failed (retried, or missed)."""
    from ivr.web.voice import status

    status()  # records the lifecycle exactly as /voice/status does
    callback_id, agent_id = _callback_query()
    reported = parse_status(param("CallStatus", 32))
    svc = services()
    if reported in FINAL_STATUSES and callback_id:
        callback = svc.callbacks.get(callback_id)
        if callback is not None and str(callback.status) == "calling":
            result = "hung-up" if str(reported) == "completed" else str(reported)
            svc.dispatcher.attempt_failed(callback_id, agent_id or None, result)
            svc.jobs.caller_waiting()
    return acknowledged()
