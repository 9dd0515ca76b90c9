"""The REST API's records: recordings (and their media), phone numbers, the debugger.

Same rules as :mod:`ivr.sandbox.rest`: basic auth, Twilio's JSON and error codes. Recording
media needs no auth unless ``engine.media_auth`` is set, like Twilio's "HTTP auth on media"
setting, because players and transcribers fetch it by URL.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, jsonify, request

from ivr.sandbox import errors, resources
from ivr.sandbox.devices import normalize_number
from ivr.sandbox.rest import authenticate, engine, not_found

bp = Blueprint("sandbox_rest_records", __name__, url_prefix="/2010-04-01")
bp.before_request(authenticate)


# -- call sub-resources --------------------------------------------------------------------


@bp.get("/Accounts/<account>/Calls/<sid>/Recordings.json")
def list_call_recordings(account: str, sid: str):
    if engine().call(sid) is None:
        raise not_found()
    return _recordings(call_sid=sid)


@bp.get("/Accounts/<account>/Calls/<sid>/Notifications.json")
def list_call_notifications(account: str, sid: str):
    if engine().call(sid) is None:
        raise not_found()
    return _notifications(call_sid=sid)


# -- recordings -----------------------------------------------------------------------------


def _recordings(call_sid: str | None = None):
    sandbox = engine()
    call_sid = call_sid or request.args.get("CallSid")
    with sandbox.lock:
        items = [
            resources.recording_json(sandbox, r)
            for r in reversed(list(sandbox.recordings.values()))
            if call_sid is None or r.call_sid == call_sid
        ]
    return jsonify(resources.page(sandbox, "recordings", items, request.path, request.args))


@bp.get("/Accounts/<account>/Recordings.json")
def list_recordings(account: str):
    return _recordings()


def _recording(sid: str):
    recording = engine().recordings.get(sid)
    if recording is None:
        raise not_found()
    return recording


@bp.get("/Accounts/<account>/Recordings/<sid>.json")
def fetch_recording(account: str, sid: str):
    sandbox = engine()
    return jsonify(resources.recording_json(sandbox, _recording(sid)))


@bp.delete("/Accounts/<account>/Recordings/<sid>.json")
def delete_recording(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        _recording(sid)
        del sandbox.recordings[sid]
    return "", 204


# -- phone numbers --------------------------------------------------------------------------

_NUMBER_FIELDS = {
    "VoiceUrl": "voice_url",
    "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url",
    "VoiceFallbackMethod": "voice_fallback_method",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "FriendlyName": "friendly_name",
}


def _number_settings() -> dict[str, str]:
    settings = {}
    for param, name in _NUMBER_FIELDS.items():
        if param in request.form:
            value = request.form[param].strip()
            if name.endswith("_method"):
                value = value.upper() or "POST"
                if value not in {"GET", "POST"}:
                    raise errors.RestError(
                        400, errors.INVALID_PARAMETER, f"{param} must be GET or POST"
                    )
            settings[name] = value
    return settings


@bp.get("/Accounts/<account>/IncomingPhoneNumbers.json")
def list_numbers(account: str):
    sandbox = engine()
    wanted = request.args.get("PhoneNumber")
    with sandbox.lock:
        items = [
            resources.number_json(sandbox, n)
            for n in sandbox.numbers.values()
            if wanted is None or n.phone_number == normalize_number(wanted)
        ]
    return jsonify(
        resources.page(sandbox, "incoming_phone_numbers", items, request.path, request.args)
    )


@bp.post("/Accounts/<account>/IncomingPhoneNumbers.json")
def create_number(account: str):
    sandbox = engine()
    phone = (request.form.get("PhoneNumber") or "").strip()
    if not phone:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, "PhoneNumber is required (AreaCode is not supported)"
        )
    number = sandbox.add_number(phone, **_number_settings())
    with sandbox.lock:
        return jsonify(resources.number_json(sandbox, number)), 201


def _number(sid: str):
    sandbox = engine()
    number = next((n for n in sandbox.numbers.values() if n.sid == sid), None)
    if number is None:
        raise not_found()
    return number


@bp.get("/Accounts/<account>/IncomingPhoneNumbers/<sid>.json")
def fetch_number(account: str, sid: str):
    sandbox = engine()
    return jsonify(resources.number_json(sandbox, _number(sid)))


@bp.post("/Accounts/<account>/IncomingPhoneNumbers/<sid>.json")
def update_number(account: str, sid: str):
    sandbox = engine()
    number = _number(sid)
    sandbox.add_number(number.phone_number, **_number_settings())
    return jsonify(resources.number_json(sandbox, number))


@bp.delete("/Accounts/<account>/IncomingPhoneNumbers/<sid>.json")
def delete_number(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        number = _number(sid)
        del sandbox.numbers[number.phone_number]
    return "", 204


# -- notifications (the debugger) ------------------------------------------------------------


def _notifications(call_sid: str | None = None):
    sandbox = engine()
    with sandbox.lock:
        items = [
            resources.notification_json(sandbox, n)
            for n in reversed(sandbox.notifications)
            if call_sid is None or n.call_sid == call_sid
        ]
    return jsonify(resources.page(sandbox, "notifications", items, request.path, request.args))


@bp.get("/Accounts/<account>/Notifications.json")
def list_notifications(account: str):
    return _notifications()


# -- recording media (no auth needed unless the engine enforces it, as Twilio's setting) ---

media = Blueprint("sandbox_media", __name__, url_prefix="/2010-04-01")


def _media_recording(account: str, sid: str):
    sandbox = engine()
    if sandbox.media_auth:
        auth = request.authorization
        if not (
            auth
            and hmac.compare_digest(auth.username or "", sandbox.account_sid)
            and hmac.compare_digest(auth.password or "", sandbox.auth_token)
        ):
            raise errors.RestError(401, errors.AUTHENTICATION, "Authenticate")
    if account != sandbox.account_sid:
        raise not_found()
    return _recording(sid)


@media.get("/Accounts/<account>/Recordings/<sid>.wav")
@media.get("/Accounts/<account>/Recordings/<sid>")
def recording_wav(account: str, sid: str):
    recording = _media_recording(account, sid)
    return Response(recording.wav, mimetype="audio/x-wav")


@media.get("/Accounts/<account>/Recordings/<sid>.mp3")
def recording_mp3(account: str, sid: str):
    _media_recording(account, sid)
    raise errors.RestError(
        404,
        errors.NOT_FOUND,
        f"The sandbox stores recordings as WAV only: request {sid}.wav instead of .mp3",
    )
