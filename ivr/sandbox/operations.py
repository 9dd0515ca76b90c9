"""What the outside world can do to the engine: place, create, update and dequeue calls.

The REST API and the driver both come through here, so a call placed from a test and one
created through ``twilio.rest.Client`` follow exactly the same path. Arguments are checked
the way Twilio checks them, and refusals carry Twilio's error codes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ivr.sandbox import errors
from ivr.sandbox.call import Call, CallStatus, Redirect, StatusCallback
from ivr.sandbox.defaults import CALL_TIMEOUT_SECONDS, MACHINE_DETECTION_TIMEOUT_SECONDS
from ivr.sandbox.devices import is_dialable, normalize_number
from ivr.sandbox.engine import Engine
from ivr.sandbox.lifecycle import run_inbound, run_outbound
from ivr.sandbox.webhooks import Source, is_valid_url

CALL_EVENTS = ("initiated", "ringing", "answered", "completed")


def place_inbound(engine: Engine, *, to: str, from_: str, scripted: bool) -> Call:
    """A person dials ``to`` from ``from_`` (any caller ID, ``anonymous`` included)."""
    call = engine.new_call(
        direction="inbound",
        from_=from_.strip() or "anonymous",
        to=normalize_number(to),
        status=CallStatus.RINGING,
        scripted=scripted,
    )
    number = engine.number_for(to)
    with engine.lock:
        call.started_at = engine.clock.now()
        if number is not None and number.status_callback:
            call.status_callback = StatusCallback(
                url=number.status_callback, method=number.status_callback_method
            )
    engine.start(call, lambda: run_inbound(engine, call))
    return call


def create_outbound(engine: Engine, form: dict[str, list[str]], *, before_start=None) -> Call:
    """REST ``POST /Calls.json``; ``form`` maps each parameter to all its values.

    ``before_start(call)`` runs before the call's thread starts, while it is still ``queued``
    (the REST API renders its answer then, as Twilio answers before dialling).
    """

    def one(name: str) -> str | None:
        values = form.get(name)
        return values[-1].strip() if values and values[-1].strip() else None

    to, from_ = one("To"), one("From")
    url, twiml_text = one("Url"), one("Twiml")
    if to is None:
        raise errors.RestError(400, errors.NO_TO, "A 'To' phone number is required.")
    if from_ is None:
        raise errors.RestError(400, errors.NO_FROM, "A 'From' phone number is required.")
    if url is None and twiml_text is None:
        if one("ApplicationSid"):
            raise errors.RestError(
                400, errors.INVALID_URL_PARAMETER, "ApplicationSid is not supported by the sandbox."
            )
        raise errors.RestError(
            400, errors.INVALID_URL_PARAMETER, "Either 'Url' or 'Twiml' is required."
        )
    if url is not None and not is_valid_url(url):
        raise errors.RestError(400, errors.INVALID_URL_PARAMETER, f"Url is not a valid URL: {url}")
    if not is_dialable(to):
        raise errors.RestError(400, errors.INVALID_TO, f"Invalid 'To' Phone Number: {to}")
    if not (from_.startswith("client:") or is_dialable(from_)):
        raise errors.RestError(400, errors.INVALID_FROM, f"Invalid 'From' Phone Number: {from_}")
    caller_id = normalize_number(from_)
    if (
        not from_.startswith("client:")
        and engine.number_for(caller_id) is None
        and caller_id not in engine.verified_caller_ids
    ):
        raise errors.RestError(
            400,
            errors.UNVERIFIED_FROM,
            f"The source phone number provided, {from_}, is not yet verified for your "
            "account. You may only make calls from phone numbers that you've verified or "
            "purchased from Twilio.",
        )
    method = _method(one("Method"), "Method")
    timeout = _integer(one("Timeout"), "Timeout", CALL_TIMEOUT_SECONDS, 1, 600)
    detection = one("MachineDetection")
    if detection is not None and detection not in {"Enable", "DetectMessageEnd"}:
        raise errors.RestError(
            400,
            errors.INVALID_PARAMETER,
            f"MachineDetection must be Enable or DetectMessageEnd, not {detection}",
        )
    callback_url = one("StatusCallback")
    if callback_url is not None and not is_valid_url(callback_url):
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, f"StatusCallback is not a valid URL: {callback_url}"
        )
    fallback = one("FallbackUrl")
    if fallback is not None and not is_valid_url(fallback):
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, f"FallbackUrl is not a valid URL: {fallback}"
        )

    call = engine.new_call(
        direction="outbound-api",
        from_=caller_id,
        to=normalize_number(to),
        status=CallStatus.QUEUED,
    )
    with engine.lock:
        call.timeout_seconds = timeout
        call.fallback_url = fallback
        call.fallback_method = _method(one("FallbackMethod"), "FallbackMethod")
        if callback_url:
            call.status_callback = StatusCallback(
                url=callback_url,
                method=_method(one("StatusCallbackMethod"), "StatusCallbackMethod"),
                events=_events(form.get("StatusCallbackEvent", [])),
            )
        call.machine_detection = detection
        call.machine_detection_timeout = _integer(
            one("MachineDetectionTimeout"),
            "MachineDetectionTimeout",
            MACHINE_DETECTION_TIMEOUT_SECONDS,
            3,
            59,
        )
        call.async_amd = (one("AsyncAmd") or "false").lower() == "true"
        call.async_amd_callback = one("AsyncAmdStatusCallback")
        call.async_amd_callback_method = _method(
            one("AsyncAmdStatusCallbackMethod"), "AsyncAmdStatusCallbackMethod"
        )
    source = Source(kind="voice", url=url, method=method, twiml=twiml_text if url is None else None)
    if before_start is not None:
        before_start(call)
    engine.start(call, lambda: run_outbound(engine, call, source))
    return call


def update_call(engine: Engine, call: Call, form: dict[str, list[str]]) -> Call:
    """REST ``POST /Calls/{Sid}.json``: redirect (Url or Twiml) or end (Status)."""

    def one(name: str) -> str | None:
        values = form.get(name)
        return values[-1].strip() if values and values[-1].strip() else None

    status = one("Status")
    url, twiml_text = one("Url"), one("Twiml")
    if status is not None:
        if status not in {"completed", "canceled"}:
            raise errors.RestError(
                400, errors.INVALID_PARAMETER, f"Status must be completed or canceled, not {status}"
            )
        with engine.lock:
            if call.is_final:
                return call
            unanswered = call.status in {CallStatus.QUEUED, CallStatus.RINGING}
            if unanswered:
                engine.hang_up(call, "canceled")
            elif status == "completed":
                engine.hang_up(call, "api")
        return call
    if url is None and twiml_text is None:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, "Url, Twiml or Status is required to update a call."
        )
    if url is not None and not is_valid_url(url):
        raise errors.RestError(400, errors.INVALID_URL_PARAMETER, f"Url is not a valid URL: {url}")
    method = _method(one("Method"), "Method")
    with engine.lock:
        if call.status != CallStatus.IN_PROGRESS or call.hangup_reason is not None:
            raise errors.RestError(
                400, errors.NOT_IN_PROGRESS, "Call is not in-progress. Cannot redirect."
            )
        call.redirect = Redirect(url=url, method=method, twiml=twiml_text if url is None else None)
        engine.notify()
    return call


def dequeue_member(
    engine: Engine, queue_sid: str, which: str, form: dict[str, list[str]]
) -> tuple[Call, float, int]:
    """REST ``POST /Queues/{Sid}/Members/{CallSid|Front}.json`` with ``Url``: take a caller
    out of the queue to that TwiML. Returns the call, its wait (call seconds), its position."""
    url = (form.get("Url") or [""])[-1].strip()
    method = _method((form.get("Method") or [None])[-1], "Method")
    if not url:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, "Url is required to dequeue a member."
        )
    if not is_valid_url(url):
        raise errors.RestError(400, errors.INVALID_URL_PARAMETER, f"Url is not a valid URL: {url}")
    with engine.lock:
        queue = engine.queues.get(queue_sid)
        if queue is None:
            raise errors.RestError(404, errors.NOT_FOUND, f"Queue {queue_sid} was not found")
        waiting = queue.waiting()
        if which == "Front":
            member = waiting[0] if waiting else None
        else:
            member = next((m for m in waiting if m.call_sid == which), None)
        if member is None:
            raise errors.RestError(
                404, errors.NOT_FOUND, f"Member {which} was not found in queue {queue_sid}"
            )
        position = queue.position(member.call_sid) or 0
        member.claimed_by = "rest"
        call = engine.calls[member.call_sid]
        call.redirect = Redirect(url=url, method=method)
        engine.notify()
        return call, engine.clock.seconds() - member.enqueued_at_seconds, position


def _method(raw: str | None, name: str) -> str:
    if raw is None or not raw.strip():
        return "POST"
    value = raw.strip().upper()
    if value not in {"GET", "POST"}:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, f"{name} must be GET or POST, not {raw}"
        )
    return value


def _integer(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, f"{name} must be a whole number, not {raw}"
        ) from None
    return min(max(value, low), high)


def _events(raw: Iterable[str]) -> frozenset[str]:
    """``StatusCallbackEvent``: repeated, or space-separated; ``completed`` if none given."""
    chosen = {word for value in raw for word in value.replace(",", " ").split()}
    valid = chosen & set(CALL_EVENTS)
    return frozenset(valid) if chosen else frozenset({"completed"})
