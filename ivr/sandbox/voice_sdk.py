"""The browser leg: endpoints a stand-in for the Voice JavaScript SDK talks to.

The product's console runs the real ``Twilio.Device`` against Twilio, or, in the demo and the
tests, ``SandboxVoice.Device`` (``ivr/web/static/console/sandbox-voice.js``) against these::

    POST /sandbox/voice/register              register (or renew with a new token)
    POST /sandbox/voice/unregister            go offline
    GET  /sandbox/voice/events                Server-Sent Events: incoming, accept, cancel,
                                              disconnect, error
    POST /sandbox/voice/calls/<sid>/accept    answer a call ringing this browser
    POST /sandbox/voice/calls/<sid>/reject    decline it: the caller's Dial gets busy
    POST /sandbox/voice/calls/<sid>/disconnect  hang up (or decline while ringing)
    POST /sandbox/voice/calls/<sid>/digits    {"digits": "1"}: DTMF to a listening Gather
    POST /sandbox/voice/calls/<sid>/say       {"text": ...}: said to the other party

Every request presents the access token: ``Authorization: Bearer <token>``, or for the event
stream (``EventSource`` cannot send headers) ``?access_token=``. Bodies are JSON and name the
``registration`` that ``register`` returned. Because the token is the credential, and the
console is served from another origin (the app), these routes alone allow any origin (CORS);
the rest of the sandbox does not.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, jsonify, request

from ivr.sandbox import access_tokens, errors
from ivr.sandbox.browsers import CLIENT_PREFIX, BrowserEvent, Registration
from ivr.sandbox.call import Call, CallStatus, Input
from ivr.sandbox.conversation import speak
from ivr.sandbox.defaults import BROWSER_HEARTBEAT_SECONDS
from ivr.sandbox.engine import Engine

bp = Blueprint("sandbox_voice_sdk", __name__, url_prefix="/sandbox/voice")

STREAM_RETRY_MILLISECONDS = 1000
"""How soon an ``EventSource`` reconnects after its stream broke."""


def engine() -> Engine:
    return current_app.extensions["ivr_sandbox_engine"]


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def _verified(token: str | None) -> access_tokens.VerifiedToken:
    if not token:
        raise access_tokens.TokenRejected(
            errors.INVALID_ACCESS_TOKEN, "Invalid access token: none was presented"
        )
    sandbox = engine()
    with sandbox.lock:
        keys = dict(sandbox.api_keys)
    return access_tokens.verify(token, account_sid=sandbox.account_sid, keys=keys, now=time.time())


def _bearer() -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _body() -> dict:
    if not request.data:
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise errors.RestError(400, errors.INVALID_PARAMETER, "the body must be a JSON object")
    return data


def _registration(token: access_tokens.VerifiedToken, registration_id: object) -> Registration:
    """The caller's registration: the token must be valid and its identity registered."""
    sandbox = engine()
    registration = sandbox.browsers.registrations.get(str(registration_id or ""))
    if registration is None or registration.closed or registration.identity != token.identity:
        raise access_tokens.TokenRejected(
            errors.INVALID_ACCESS_TOKEN,
            f"Invalid access token: identity {token.identity!r} is not registered "
            "(POST /sandbox/voice/register first)",
        )
    return registration


@bp.post("/register")
def register():
    token = _verified(_bearer())
    registration = engine().browsers.register(token, _body().get("registration"))
    return jsonify(
        {
            "registration": registration.id,
            "identity": registration.identity,
            "expires_in": max(0, int(token.expires_at - time.time())),
        }
    )


@bp.post("/unregister")
def unregister():
    token = _verified(_bearer())
    registration = _registration(token, _body().get("registration"))
    engine().browsers.unregister(registration)
    return jsonify({"registration": registration.id, "identity": registration.identity})


@bp.get("/events")
def events():
    token = _verified(request.args.get("access_token"))
    registration = _registration(token, request.args.get("registration"))
    raw_after = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    after = int(raw_after) if raw_after.isdigit() else 0
    return Response(
        _stream(engine(), registration, after),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _stream(sandbox: Engine, registration: Registration, after: int) -> Iterator[str]:
    """Events after ``after`` as they come, a comment every heartbeat. A browser that went
    away makes the next write fail: the server closes this generator and the registration
    goes offline (an ``EventSource`` that reconnects brings it back)."""
    with sandbox.lock:
        registration.streams += 1
    sent = after
    try:
        yield f"retry: {STREAM_RETRY_MILLISECONDS}\n\n"
        while True:
            with sandbox.lock:
                heartbeat = time.monotonic() + BROWSER_HEARTBEAT_SECONDS
                while True:
                    expires_in = registration.token.expires_at - time.time()
                    ended = registration.closed or sandbox.closed
                    if ended or expires_in <= 0 or len(registration.events) > sent:
                        break
                    remaining = heartbeat - time.monotonic()
                    if remaining <= 0:
                        break
                    sandbox.changed.wait(min(remaining, expires_in))
                pending = registration.events[sent:]
            for event in pending:
                sent = event.id
                yield _message(event)
            if ended:
                return
            if expires_in <= 0:
                sandbox.browsers.unregister(registration)
                yield _message(
                    BrowserEvent(
                        id=sent,
                        kind="error",
                        data={
                            "code": errors.ACCESS_TOKEN_EXPIRED,
                            "message": "The access token has expired",
                        },
                    )
                )
                return
            if not pending:
                yield ": keep-alive\n\n"
            sandbox.browsers.renew(registration)
    finally:
        with sandbox.lock:
            registration.streams -= 1
            if registration.streams == 0:
                registration.lease_until = time.monotonic()
            sandbox.notify()


def _message(event: BrowserEvent) -> str:
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(event.data)}\n\n"


def _their_call(sid: str, registration: Registration) -> Call:
    call = engine().call(sid)
    if call is None or call.to != CLIENT_PREFIX + registration.identity:
        raise errors.RestError(
            404, errors.NOT_FOUND, f"No call {sid} for client:{registration.identity}"
        )
    return call


@bp.post("/calls/<sid>/<action>")
def act(sid: str, action: str):
    token = _verified(_bearer())
    data = _body()
    registration = _registration(token, data.get("registration"))
    sandbox = engine()
    call = _their_call(sid, registration)
    sandbox.browsers.renew(registration)
    if action == "accept":
        with sandbox.lock:
            accepted = sandbox.browsers.accepting(call, registration) and sandbox.decide(
                call, "answer", scripted=False
            )
    elif action == "reject":
        with sandbox.lock:
            accepted = sandbox.browsers.rejecting(call, registration) and sandbox.decide(
                call, "decline", scripted=False
            )
    elif action == "disconnect":
        with sandbox.lock:
            if call.status == CallStatus.RINGING:
                accepted = sandbox.browsers.rejecting(call, registration) and sandbox.decide(
                    call, "decline", scripted=False
                )
            else:
                accepted = not call.is_final
                sandbox.hang_up(call, "callee")
    elif action == "digits":
        digits = "".join(ch for ch in str(data.get("digits", "")) if ch in "0123456789*#wW")
        digits = digits.replace("w", "").replace("W", "")  # the SDK's pauses carry no tone
        if not digits:
            raise errors.RestError(400, errors.INVALID_PARAMETER, "send digits 0-9, * or #")
        accepted = sandbox.give_input(call, Input(kind="dtmf", text=digits))
    elif action == "say":
        text = " ".join(str(data.get("text", "")).split())
        if not text:
            raise errors.RestError(400, errors.INVALID_PARAMETER, "say some words")
        accepted = speak(sandbox, call, text)
    else:
        raise errors.RestError(404, errors.NOT_FOUND, f"Unknown action {action!r}")
    with sandbox.lock:
        bridge = call.bridge if call.bridge is not None and not call.bridge.ended else None
        return jsonify(
            {
                "sid": call.sid,
                "status": str(call.status),
                "accepted": bool(accepted),
                "bridged_with": bridge.other(call.sid) if bridge else None,
            }
        )
