"""The voice webhooks: translate the carrier's requests for the core, render its answers.

Every route here is signed (``@twilio_signed``) and answers TwiML. Nothing a caller or a broken
flow does may reach the carrier as a 5xx: the blueprint's error handler logs the error with the
CallSid and answers with an apology that routes the caller to a person, or to voicemail when
nobody can answer.
"""

from __future__ import annotations

import logging
from time import perf_counter

from flask import Blueprint, Response, current_app, g, request
from twilio.twiml.voice_response import VoiceResponse

from ivr.bootstrap import Services
from ivr.core.calls import parse_status
from ivr.core.flows.context import CallerInput
from ivr.core.holding import held_too_long, hold_lines, wants_callback, wants_voicemail
from ivr.core.ports import StatusReport
from ivr.core.recordings import (
    CARRIER_STATUSES,
    BadRecordingReport,
    RecordingKind,
    RecordingReport,
    check_recording_sid,
    kind_of,
)
from ivr.services.queue import STILL_WAITING
from ivr.services.voice import InboundCall, UnknownFlowState
from ivr.web import links as paths
from ivr.web.hold_music import hold_music_wav
from ivr.web.links import state_from_params
from ivr.web.metrics import CALL_OUTCOMES, FLOW_ERRORS, STATUS_CALLBACKS, WEBHOOK_SECONDS
from ivr.web.security import is_signed, refused, twilio_signed
from ivr.web.twiml import render, twiml_response

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__)
METHODS = ["GET", "POST"]
"""Twilio may be configured to use either method; the signature check covers both."""


def services() -> Services:
    return current_app.extensions["ivr"]


def param(name: str, limit: int = 128) -> str:
    """A carrier parameter, truncated: webhooks are input, and input can be anything."""
    return request.values.get(name, "").strip()[:limit]


def int_param(name: str) -> int | None:
    value = param(name, 12)
    return int(value) if value.isdigit() else None


def float_param(name: str) -> float | None:
    try:
        value = float(param(name, 24))
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def acknowledged() -> Response:
    """For callbacks whose answer the carrier ignores: still a valid, empty TwiML document."""
    return twiml_response(VoiceResponse())


def call_sid() -> str:
    return param("CallSid", 64)


def respond(turn) -> Response:
    if turn.outcome:
        CALL_OUTCOMES.labels(outcome=turn.outcome).inc()
    return twiml_response(render(turn.instructions, services().links))


@bp.before_request
def _start_timer() -> None:
    g.webhook_started = perf_counter()


@bp.after_request
def _observe(response: Response) -> Response:
    started = g.pop("webhook_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        WEBHOOK_SECONDS.labels(route=route).observe(perf_counter() - started)
    return response


@bp.errorhandler(Exception)
def _apologise(error: Exception) -> Response:
    """Never a 5xx toward the carrier: apologise and get the caller to a person."""
    if not is_signed():
        # Failed before the signature was checked (e.g. an oversized body): not the carrier.
        return refused()
    sid = call_sid() or "-"
    route = request.url_rule.rule if request.url_rule else "unmatched"
    log.error("webhook %s failed for CallSid=%s: %r", route, sid, error, exc_info=error)
    FLOW_ERRORS.labels(route=route).inc()
    if route in (paths.STATUS, paths.RECORDING):
        return acknowledged()
    if route in NOT_A_CALL_DOCUMENT:
        return twiml_response(NOT_A_CALL_DOCUMENT[route]())
    try:
        turn = services().voice.fallback(sid, state_from_params(request.args))
        return respond(turn)
    except Exception:
        log.exception("fallback failed too for CallSid=%s; sending the last-resort TwiML", sid)
        return twiml_response(last_resort_twiml())


def _keep_holding() -> VoiceResponse:
    """A wait document may not hold <Enqueue> or <Dial>: keep the caller in line, with music."""
    response = VoiceResponse()
    response.play(services().links.hold_music())
    return response


def _connect_anyway() -> VoiceResponse:
    """A whisper document: an empty one lets the bridge to the agent go ahead."""
    return VoiceResponse()


def _agent_apology() -> VoiceResponse:
    response = VoiceResponse()
    response.say("Sorry, this call could not be connected. Goodbye.", language="en-US")
    response.hangup()
    return response


NOT_A_CALL_DOCUMENT = {
    paths.HOLD: _keep_holding,
    paths.HOLD_LEAVE: _keep_holding,
    paths.AGENT_WHISPER: _agent_apology,
    paths.AGENT_TAKE: _agent_apology,
    paths.CALLBACK_STATUS: lambda: VoiceResponse(),
}
"""Documents that run where the flow's fallback would not be valid TwiML (a wait loop, a
dequeue announcement) or not for the caller (an agent's leg)."""


def last_resort_twiml() -> VoiceResponse:
    """Needs nothing that could have failed: no database, no flow, no Redis."""
    response = VoiceResponse()
    response.say(
        "We are sorry, we are having technical difficulties. Please leave your name, number "
        "and message after the tone, and we will call you back.",
        language="en-US",
    )
    links = services().links
    response.record(
        action=links.last_resort(),
        max_length=120,
        recording_status_callback=links.recording_status(),
    )
    response.say("Goodbye.", language="en-US")
    response.hangup()
    return response


@bp.route(paths.INCOMING, methods=METHODS)
@twilio_signed
def incoming() -> Response:
    call = InboundCall(
        call_sid=call_sid(),
        from_raw=param("From", 64),
        to_number=param("To", 64),
        direction=param("Direction", 32) or "inbound",
    )
    return respond(services().voice.answer(call))


def caller_input() -> CallerInput:
    return CallerInput(
        event=request.args.get("event", "")[:32] or None,
        digits=param("Digits", 64) or None,
        speech=param("SpeechResult", 512) or None,
        confidence=float_param("Confidence"),
        dial_status=param("DialCallStatus", 32) or None,
        queue_result=param("QueueResult", 32) or None,
        recording_url=param("RecordingUrl", 500) or None,
        recording_duration_seconds=int_param("RecordingDuration"),
    )


def flow_state():
    state = state_from_params(request.args)
    if state is None:
        raise UnknownFlowState(["the webhook URL carries no flow state"])
    return state


@bp.route(paths.STEP, methods=METHODS)
@twilio_signed
def step() -> Response:
    turn = services().voice.resume(call_sid(), param("From", 64), flow_state(), caller_input())
    return respond(turn)


def carrier_queue() -> tuple[str, frozenset[str]]:
    """The queue and skills a hold URL names (``support+billing``)."""
    name, *skills = request.args.get("queue", "")[:64].split("+")
    return name, frozenset(s for s in skills if s)


@bp.route(paths.HOLD, methods=METHODS)
@twilio_signed
def hold() -> Response:
    """The Enqueue waitUrl, requested again each time its document ends: music, and now and
    then the caller's place and an honest estimate, with the ways out of the line."""
    state = flow_state()
    response = VoiceResponse()
    if held_too_long(int_param("QueueTime")):
        response.leave()
        return twiml_response(response)
    svc = services()
    queue, skills = carrier_queue()
    news = svc.waiting.hold(
        call_sid(),
        queue=queue,
        skills=skills,
        language=state.language,
        flow=state.flow,
        step=state.step,
        queue_seconds=int_param("QueueTime"),
    )
    spoken = svc.voice.language_of(state.flow, state.language)
    lines = hold_lines(news, spoken.code)
    speech, voice = spoken.speech, spoken.voice
    if lines.language != spoken.code:
        speech, voice = "en-US", None  # no hold phrases in this language: English, said so
    gather = response.gather(
        input="dtmf speech",
        num_digits=1,
        timeout=1,
        speech_timeout="auto",
        hints=", ".join(lines.hints),
        language=speech,
        action=svc.links.hold_leave(state, request.args.get("queue", "")[:64]),
        method="POST",
    )
    for line in lines.lines:
        gather.say(line, language=speech, voice=voice)
    gather.play(svc.links.hold_music())
    return twiml_response(response)


@bp.route(paths.HOLD_LEAVE, methods=METHODS)
@twilio_signed
def hold_leave() -> Response:
    """A key or a few words while holding: a callback (keeping the place) or a message."""
    response = VoiceResponse()
    digits, speech = param("Digits", 8), param("SpeechResult", 200)
    if wants_callback(digits, speech):
        services().waiting.want_to_leave(call_sid(), "callback")
        response.leave()
    elif wants_voicemail(digits, speech):
        services().waiting.want_to_leave(call_sid(), "voicemail")
        response.leave()
    return twiml_response(response)


@bp.route(paths.QUEUE_DONE, methods=METHODS)
@twilio_signed
def queue_done() -> Response:
    """The Enqueue action: the caller left the carrier's queue (hung up, left, redirected)."""
    result = param("QueueResult", 32)
    if result == "redirected":
        return acknowledged()  # the dispatcher sent them to an agent; the new URL runs
    intent = services().waiting.left(
        call_sid(), result=result, queue_seconds=int_param("QueueTime")
    )
    if intent == STILL_WAITING:
        from ivr.web.voice_line import back_in_line

        queue, skills = carrier_queue()
        return back_in_line(flow_state(), queue, tuple(sorted(skills)), "")
    if intent == "callback":
        from ivr.web.voice_line import confirm_callback_number

        return confirm_callback_number(flow_state(), attempt=0)
    turn = services().voice.left_queue(
        call_sid(),
        param("From", 64),
        flow_state(),
        caller_input(),
        queue_seconds=int_param("QueueTime"),
    )
    return respond(turn)


@bp.route(paths.RECORDING, methods=METHODS)
@twilio_signed
def recording() -> Response:
    """recordingStatusCallback: kept once per RecordingSid, its download queued; a voicemail
    is also kept as a voicemail. The answer is always an empty document: the carrier ignores
    it, and a callback we cannot use is logged, not bounced."""
    svc = services()
    try:
        report = recording_report()
    except BadRecordingReport as problem:
        log.warning("ignored recording callback CallSid=%s: %s", call_sid() or "-", problem)
        return acknowledged()
    if report.kind == RecordingKind.VOICEMAIL:
        svc.voice.voicemail(
            report.call_sid,
            recording_sid=report.recording_sid,
            url=report.url,
            duration_seconds=report.duration_seconds,
            status=report.status,
        )
    outcome = svc.recordings.reported(report)
    log.info(
        "recording %s of %s (%s, %s): %s",
        report.recording_sid,
        report.call_sid,
        report.kind,
        report.status,
        outcome.outcome,
    )
    return acknowledged()


def recording_report() -> RecordingReport:
    """The callback's parameters as a report; BadRecordingReport names what is unusable."""
    channels = int_param("RecordingChannels")
    report = RecordingReport(
        recording_sid=check_recording_sid(param("RecordingSid", 64)),
        call_sid=call_sid(),
        url=param("RecordingUrl", 500),
        status=param("RecordingStatus", 16) or "completed",
        duration_seconds=int_param("RecordingDuration"),
        channels=channels if channels in (1, 2) else 1,
        source=param("RecordingSource", 32) or None,
        kind=kind_of(request.args.get("kind", "")[:16] or None, param("RecordingSource", 32)),
        at=services().line_clock.now(),
        error_code=param("ErrorCode", 8) or None,
    )
    if not report.call_sid:
        raise BadRecordingReport("no CallSid")
    if report.status not in CARRIER_STATUSES:
        raise BadRecordingReport(f"RecordingStatus {report.status!r} is not one Twilio sends")
    return report


@bp.route(paths.LAST_RESORT, methods=METHODS)
@twilio_signed
def last_resort() -> Response:
    response = VoiceResponse()
    response.say("Thank you. We will call you back. Goodbye.", language="en-US")
    response.hangup()
    return twiml_response(response)


@bp.route(paths.STATUS, methods=METHODS)
@twilio_signed
def status() -> Response:
    """The status callback: records the lifecycle; the same report twice changes nothing."""
    reported = param("CallStatus", 32)
    parsed = parse_status(reported)
    if parsed is None or not call_sid():
        log.warning("ignored status callback CallSid=%s CallStatus=%r", call_sid() or "-", reported)
        STATUS_CALLBACKS.labels(status="unknown", effect="ignored").inc()
        return acknowledged()
    agent = request.args.get("agent", "")
    report = StatusReport(
        call_sid=call_sid(),
        status=parsed,
        at=services().clock.now(),
        duration_seconds=int_param("CallDuration"),
        sequence_number=int_param("SequenceNumber"),
        answered_by=param("AnsweredBy", 32) or None,
        agent_id=int(agent) if agent.isdigit() and len(agent) < 10 else None,
        queue=request.args.get("queue", "")[:64] or None,
        detail={k: param(k, 64) for k in ("CallDuration", "Direction", "AnsweredBy") if param(k)},
    )
    changed = services().voice.status(report)
    STATUS_CALLBACKS.labels(status=str(parsed), effect="applied" if changed else "duplicate").inc()
    return acknowledged()


@bp.get(paths.HOLD_MUSIC)
def hold_music() -> Response:
    """Unsigned on purpose: it is a static audio file the carrier fetches like any media."""
    return Response(
        hold_music_wav(), mimetype="audio/wav", headers={"Cache-Control": "max-age=86400"}
    )
