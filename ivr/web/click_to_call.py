"""``POST /click-to-call``: a visitor asks to be called, from our page or another site's widget.

The fields (form or JSON) are a published contract: ``phone``, optional ``reason``, optional
``when`` (ISO 8601). The answer is JSON: 202 with ``outcome`` ``calling`` or ``scheduled``, or
``{"error": {"status", "message", "reason"}}`` with 400, 403, 409, 422, 429 or 503.

Why no CSRF token: this endpoint is cross-site by design (any configured site embeds the
widget) and acts on no one's session. It reads no cookie and grants nothing to whoever posts:
a forged request can do exactly what the forger could do by posting it themselves. What a
post can cost is a phone call, so that is what is guarded, in this order, before anything is
dialled:

1. the ``Origin``, when a browser sends one, must be ours or one of
   ``IVR_CLICK_TO_CALL_ORIGINS`` (exact match), else 403; only those get
   ``Access-Control-Allow-Origin``, so no other page can even read the answer;
2. a rate limit per client address (every request counts, valid or not);
3. the dialling policy (``ivr.core.dialing``): only a valid number, in an allowed country, of a
   person's phone at an ordinary rate; the E.164 it returns is the only number ever dialled;
4. a rate limit per number (on that E.164, so re-formatting a number does not dodge it) and a
   global budget, for requests that would dial;
5. one open request per number (409).

Limits are Flask-Limiter on Redis (``REDIS_URL``), so every web worker counts together; if
Redis is down, nothing can be counted and nothing is dialled (503).

The answered visitor's TwiML (``/voice/click-to-call/answer``) is signed like every webhook and
never answers the carrier with a 5xx.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ivr.bootstrap import Services
from ivr.config import Settings, origin_of
from ivr.core.click_to_call import (
    MAX_WHEN_LENGTH,
    RequestRefused,
    clean_reason,
    greeting,
    machine_message,
    reached_a_machine,
)
from ivr.core.dialing import MAX_RAW_LENGTH, NotDialable
from ivr.core.flows.instructions import Say
from ivr.core.flows.model import Language
from ivr.services.click_to_call import (
    AlreadyRequested,
    CarrierUnavailable,
    SchedulingUnavailable,
)
from ivr.services.voice import InboundCall
from ivr.web import links as paths
from ivr.web.links import state_from_params
from ivr.web.security import is_signed, refused, twilio_signed
from ivr.web.twiml import twiml_response

log = logging.getLogger(__name__)

PATH = "/click-to-call"
DEMO = "/click-to-call/demo"
PREFLIGHT_MAX_AGE_SECONDS = 600
MAX_BODY_BYTES = 4096
"""Far above three short fields; a bigger body is not a visitor's request."""

bp = Blueprint("click_to_call", __name__, template_folder="templates")


def services() -> Services:
    return current_app.extensions["ivr"]


def settings() -> Settings:
    return services().settings


def client_address() -> str:
    """The peer's address; behind ``IVR_TRUSTED_PROXIES`` proxies, ProxyFix has already put the
    visitor's own address here (and only then is X-Forwarded-For believed)."""
    return request.remote_addr or "-"


limiter = Limiter(key_func=client_address)
"""One per process, bound to the app by ``init_app`` (Flask-Limiter keeps its storage on the
instance, so a process serves one app: as gunicorn's workers and the RQ worker do)."""


LIMITED_BLUEPRINTS = frozenset({"click_to_call", "console_auth"})
"""The blueprints with limits: click-to-call, and signing in to the consoles."""


@limiter.request_filter
def _not_limited() -> bool:
    """Only these blueprints have limits (the hooks run only on click-to-call, see
    ``init_app``; the others' limits are their views' decorators; a filter as well, in case
    Flask-Limiter ever checks elsewhere)."""
    return request.blueprint not in LIMITED_BLUEPRINTS


def init_app(app: Flask, settings: Settings) -> None:
    """Rate limits on the app's Redis, the proxy rule, the blueprint."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url)
    app.config.setdefault(
        "RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 2, "socket_connect_timeout": 2}
    )
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "ivr-click-to-call")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    hooks_for_blueprint(app, LIMITED_BLUEPRINTS, lambda: limiter.init_app(app))
    if settings.trusted_proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    app.register_blueprint(bp)


def hooks_for_blueprint(
    app: Flask, blueprints: str | Iterable[str], init: Callable[[], None]
) -> None:
    """Runs ``init`` (an extension's ``init_app``) and moves the request hooks it gave the
    app, which Flask runs on every request, to ``blueprints``, whose hooks run on their
    requests only (in the same order, app hooks being the first before and the last after).

    Flask-Limiter hooks every request, and even with nothing to limit its before, after and
    teardown hooks cost a carrier webhook 65-90 µs of CPU (``bench.profile``: 409 → 319 µs
    per ``/voice/incoming``, 327 → 263 per menu step), a fifth of the webhook. Its limits are
    all on the limited blueprints' routes, which its before-request hook checks."""
    names = [blueprints] if isinstance(blueprints, str) else sorted(blueprints)
    scopes = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    had = [list(scope.get(None, ())) for scope in scopes]
    init()
    for scope, before in zip(scopes, had, strict=True):
        added = [hook for hook in scope.get(None, ()) if hook not in before]
        if added:
            scope[None] = before
            for name in names:
                scope.setdefault(name, [])[:0] = added


# The request, read once -----------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fields() -> dict[str, str]:
    """``phone``, ``reason``, ``when`` from a JSON object or a form, as strings."""
    if "c2c_fields" not in g:
        g.c2c_fields = _read_fields()
    return g.c2c_fields


def _read_fields() -> dict[str, str]:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("The request body is not a JSON object.")
        source: Any = body
    else:
        source = request.form
    values: dict[str, str] = {}
    for name in ("phone", "reason", "when"):
        value = source.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadRequest(f"The field {name!r} must be a string.")
        values[name] = value
    if not values.get("phone", "").strip():
        raise BadRequest("Please enter your phone number (the field 'phone').")
    return values


def validated_number() -> str | None:
    """The E.164 the policy returned for ``phone``, or None (the view says why)."""
    if "c2c_number" not in g:
        g.c2c_number, g.c2c_refusal = None, None
        try:
            raw = fields()["phone"]
            g.c2c_number = services().click_to_call.policy.check(raw[: MAX_RAW_LENGTH + 1])
        except BadRequest:
            pass
        except NotDialable as refusal:
            g.c2c_refusal = refusal
    return g.c2c_number


def would_not_dial() -> bool:
    return validated_number() is None


def _number_key() -> str:
    return validated_number() or "-"


def _global_key() -> str:
    return "all"


# Origins and CORS -----------------------------------------------------------------------------


def allowed_origins() -> frozenset[str]:
    s = settings()
    return s.click_to_call_origins | {origin_of(s.public_base_url)}


def origin_allowed() -> bool:
    """No ``Origin``: not a browser's cross-site request (curl, a server): the other guards
    apply. With one, it must match exactly."""
    origin = request.headers.get("Origin")
    return origin is None or origin in allowed_origins()


@bp.before_request
def _check_origin() -> Response | None:
    if request.endpoint != "click_to_call.click_to_call":
        return None
    if not origin_allowed():
        log.warning("click-to-call refused from origin %r", request.headers.get("Origin", "")[:100])
        return error(
            403, "origin-not-allowed", "This site may not request calls from us.", cors=False
        )
    if request.method == "OPTIONS":
        return _preflight()
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return error(413, "bad-request", "The request is too large.")
    return None


def _preflight() -> Response:
    wanted = request.headers.get("Access-Control-Request-Method", "")
    if wanted.upper() != "POST":
        return error(405, "method-not-allowed", "Only POST requests are accepted.")
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
    return response


@bp.after_request
def _cors_headers(response: Response) -> Response:
    if request.endpoint != "click_to_call.click_to_call":
        return response
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin is not None and origin in allowed_origins() and not g.get("c2c_no_cors"):
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


# Answers --------------------------------------------------------------------------------------


def error(status: int, reason: str, message: str, *, cors: bool = True) -> Response:
    if not cors:
        g.c2c_no_cors = True
    response = jsonify({"error": {"status": status, "message": message, "reason": reason}})
    response.status_code = status
    return response


@bp.errorhandler(RateLimitExceeded)
def _limited(exceeded: RateLimitExceeded) -> Response:
    current = limiter.current_limit
    retry_after = max(1, int(current.reset_at - time.time())) if current else 60
    response = error(
        429,
        "rate-limited",
        "Too many call requests. Please try again later, or call us.",
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.errorhandler(Exception)
def _failed(failure: Exception) -> Response:
    if request.endpoint == "click_to_call.answer":
        return _apologise(failure)
    if isinstance(failure, HTTPException) and failure.code and failure.code < 500:
        return error(failure.code, "bad-request", failure.description or "Bad request.")
    log.error("click-to-call failed: %r", failure, exc_info=failure)
    return error(
        503, "unavailable", "We cannot take call requests right now. Please try again later."
    )


# The endpoint ---------------------------------------------------------------------------------


@bp.route(PATH, methods=["POST", "OPTIONS"], provide_automatic_options=False)
@limiter.limit(
    lambda: settings().click_to_call_limit_per_ip, key_func=client_address, scope="per-ip"
)
@limiter.limit(
    lambda: settings().click_to_call_limit_per_number,
    key_func=_number_key,
    scope="per-number",
    exempt_when=would_not_dial,
)
@limiter.limit(
    lambda: settings().click_to_call_limit_global,
    key_func=_global_key,
    scope="global",
    exempt_when=would_not_dial,
)
def click_to_call() -> Response:
    try:
        given = fields()
        number = validated_number()
        if number is None:
            refusal: NotDialable = g.c2c_refusal
            return error(422, refusal.reason, refusal.message)
        reason = clean_reason(given.get("reason"))
        when_raw = given.get("when", "").strip()[: MAX_WHEN_LENGTH + 1]
        service = services().click_to_call
        if when_raw:
            booked = service.schedule(number, when_raw=when_raw, reason=reason)
            return accepted(
                {
                    "outcome": "scheduled",
                    "callback_id": booked.callback_id,
                    "when": booked.when.isoformat(),
                    "message": f"Thank you. We will call you at {_spoken(number)} on "
                    f"{booked.when:%A %d %B at %H:%M} ({_offset(booked.when)}).",
                }
            )
        calling = service.call_now(number, reason=reason)
        return accepted(
            {
                "outcome": "calling",
                "call_sid": calling.call_sid,
                "message": f"We are calling you now at {_spoken(number)}. Please answer your "
                "phone.",
            }
        )
    except BadRequest as bad:
        return error(400, "bad-request", bad.message)
    except RequestRefused as refusal:
        return error(422, refusal.reason, refusal.message)
    except AlreadyRequested as pending:
        return error(409, "already-pending", pending.message)
    except SchedulingUnavailable:
        return error(
            503,
            "scheduling-unavailable",
            "We cannot book a call for later just now. Leave the time empty to be called now.",
        )
    except CarrierUnavailable:
        return error(
            503,
            "carrier-unavailable",
            "We could not place the call just now. Nothing was dialled; please try again in a "
            "few minutes.",
        )


def accepted(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.status_code = 202
    return response


def _offset(when: datetime) -> str:
    """``UTC-05:00``: the time is said in the offset the visitor gave (their own clock)."""
    offset = when.strftime("%z")
    return "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:5]}"


def _spoken(e164: str) -> str:
    import phonenumbers

    parsed = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@bp.get(DEMO)
def demo() -> str:
    """A fictional business's page with the widget, as a customer's site would include it."""
    s = settings()
    return render_template(
        "click_to_call_demo.html",
        business=s.business_name,
        endpoint=s.public_base_url + PATH,
        script=s.public_base_url + "/static/callme.js",
    )


# The visitor answers --------------------------------------------------------------------------


@bp.route(paths.CLICK_TO_CALL_ANSWER, methods=["GET", "POST"])
@twilio_signed
def answer() -> Response:
    """The visitor picked up: greet them, then the flow's step (the queue) takes over, exactly
    as for a caller who asked for a person."""
    from ivr.web.voice import call_sid, param, respond

    svc = services()
    state = state_from_params(request.args) or svc.click_to_call.answer_state
    call = InboundCall(
        call_sid=call_sid(),
        from_raw=param("From", 64),
        to_number=param("To", 64),
        direction=param("Direction", 32) or "outbound-api",
    )
    business = svc.settings.business_name
    answered_by = param("AnsweredBy", 32)
    if reached_a_machine(answered_by):
        svc.click_to_call.reached_a_machine(call.call_sid, answered_by)
        language = svc.voice.language_of(state.flow, state.language)
        text, code = machine_message(language.code, business)
        response = VoiceResponse()
        if answered_by.lower() != "fax":
            if code == language.code:
                response.say(text, language=language.speech, voice=language.voice)
            else:
                response.say(text, language="en-US")
        response.hangup()
        return twiml_response(response)

    def greet(language: Language) -> tuple[Say, ...]:
        text, code = greeting(language.code, business)
        if code != language.code:
            return (Say(text=text, language="en-US"),)
        return (Say(text=text, language=language.speech, voice=language.voice),)

    return respond(svc.voice.enter(call, state, before=greet))


def _apologise(failure: Exception) -> Response:
    """As the voice webhooks do: never a 5xx toward the carrier."""
    from ivr.web.voice import call_sid, last_resort_twiml, respond

    if not is_signed():
        return refused()
    sid = call_sid() or "-"
    log.error("click-to-call answer failed for CallSid=%s: %r", sid, failure, exc_info=failure)
    try:
        return respond(services().voice.fallback(sid, state_from_params(request.args)))
    except Exception:
        log.exception("fallback failed too for CallSid=%s; sending the last-resort TwiML", sid)
        return twiml_response(last_resort_twiml())
