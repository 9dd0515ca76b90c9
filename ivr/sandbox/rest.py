"""The REST API, shaped like Twilio's 2010-04-01 API so the official helper library works:
accounts, calls, queues and their members (recordings, numbers and the debugger are in
:mod:`ivr.sandbox.rest_records`).

HTTP basic auth with the account SID and auth token (else 401, code 20003); resources are
JSON with a ``.json`` suffix; unknown resources are 404 with code 20404. Form parameters keep
all their values, because ``StatusCallbackEvent`` may be repeated.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request

from ivr.sandbox import errors, operations, resources
from ivr.sandbox.defaults import QUEUE_MAX_SIZE, QUEUE_MAX_SIZE_LIMIT
from ivr.sandbox.devices import normalize_number
from ivr.sandbox.engine import Engine

bp = Blueprint("sandbox_rest", __name__, url_prefix="/2010-04-01")


def engine() -> Engine:
    return current_app.extensions["ivr_sandbox_engine"]


@bp.before_request
def authenticate() -> Response | None:
    auth = request.authorization
    sandbox = engine()
    valid = (
        auth is not None
        and auth.type == "basic"
        and hmac.compare_digest(auth.username or "", sandbox.account_sid)
        and hmac.compare_digest(auth.password or "", sandbox.auth_token)
    )
    if not valid:
        failure = errors.RestError(401, errors.AUTHENTICATION, "Authenticate")
        response = jsonify(failure.body())
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        return response
    account = (request.view_args or {}).get("account")
    if account is not None and account != sandbox.account_sid:
        raise errors.RestError(
            404, errors.NOT_FOUND, f"The requested resource {request.path} was not found"
        )
    return None


def not_found() -> errors.RestError:
    return errors.RestError(
        404, errors.NOT_FOUND, f"The requested resource {request.path} was not found"
    )


def form() -> dict[str, list[str]]:
    return {key: request.form.getlist(key) for key in request.form}


# -- accounts -------------------------------------------------------------------------------


@bp.get("/Accounts/<account>.json")
def fetch_account(account: str):
    sandbox = engine()
    return jsonify(
        {
            "sid": sandbox.account_sid,
            "friendly_name": "Sandbox account",
            "status": "active",
            "type": "Full",
            "owner_account_sid": sandbox.account_sid,
            "uri": f"/2010-04-01/Accounts/{sandbox.account_sid}.json",
        }
    )


# -- calls ----------------------------------------------------------------------------------


@bp.post("/Accounts/<account>/Calls.json")
def create_call(account: str):
    sandbox = engine()
    rendered: dict = {}

    def render(call) -> None:
        with sandbox.lock:
            rendered.update(resources.call_json(sandbox, call))

    operations.create_outbound(sandbox, form(), before_start=render)
    return jsonify(rendered), 201


@bp.get("/Accounts/<account>/Calls.json")
def list_calls(account: str):
    sandbox = engine()
    filters = {
        "to": request.args.get("To"),
        "from_": request.args.get("From"),
        "status": request.args.get("Status"),
        "parent_sid": request.args.get("ParentCallSid"),
    }
    with sandbox.lock:
        calls = [
            c
            for c in reversed(list(sandbox.calls.values()))
            if all(
                value is None
                or str(getattr(c, name))
                == (normalize_number(value) if name in {"to", "from_"} else value)
                for name, value in filters.items()
            )
        ]
        items = [resources.call_json(sandbox, c) for c in calls]
    return jsonify(resources.page(sandbox, "calls", items, request.path, request.args))


def _call(sid: str):
    call = engine().call(sid)
    if call is None:
        raise not_found()
    return call


@bp.get("/Accounts/<account>/Calls/<sid>.json")
def fetch_call(account: str, sid: str):
    sandbox, call = engine(), _call(sid)
    with sandbox.lock:
        return jsonify(resources.call_json(sandbox, call))


@bp.post("/Accounts/<account>/Calls/<sid>.json")
def update_call(account: str, sid: str):
    sandbox, call = engine(), _call(sid)
    operations.update_call(sandbox, call, form())
    with sandbox.lock:
        return jsonify(resources.call_json(sandbox, call))


@bp.delete("/Accounts/<account>/Calls/<sid>.json")
def delete_call(account: str, sid: str):
    sandbox, call = engine(), _call(sid)
    with sandbox.lock:
        if not call.is_final:
            raise errors.RestError(
                400, errors.NOT_IN_PROGRESS, "Cannot delete a call that is still in progress"
            )
        del sandbox.calls[sid]
    return "", 204


# -- queues and members ---------------------------------------------------------------------


def _max_size(raw: str | None, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, f"MaxSize must be a number: {raw}"
        ) from None
    if not 1 <= value <= QUEUE_MAX_SIZE_LIMIT:
        raise errors.RestError(
            400, errors.INVALID_PARAMETER, f"MaxSize must be between 1 and {QUEUE_MAX_SIZE_LIMIT}"
        )
    return value


@bp.get("/Accounts/<account>/Queues.json")
def list_queues(account: str):
    sandbox = engine()
    with sandbox.lock:
        items = [resources.queue_json(sandbox, q) for q in sandbox.queues.values()]
    return jsonify(resources.page(sandbox, "queues", items, request.path, request.args))


@bp.post("/Accounts/<account>/Queues.json")
def create_queue(account: str):
    sandbox = engine()
    name = (request.form.get("FriendlyName") or "").strip()
    if not name:
        raise errors.RestError(400, errors.INVALID_PARAMETER, "FriendlyName is required")
    max_size = _max_size(request.form.get("MaxSize"), QUEUE_MAX_SIZE)
    with sandbox.lock:
        if sandbox.queue_named(name) is not None:
            raise errors.RestError(
                400, errors.QUEUE_NAME_TAKEN, f"A queue named {name} already exists"
            )
        queue = sandbox.create_queue(name, max_size)
        return jsonify(resources.queue_json(sandbox, queue)), 201


def _queue(sid: str):
    sandbox = engine()
    queue = sandbox.queues.get(sid)
    if queue is None:
        raise not_found()
    return queue


@bp.get("/Accounts/<account>/Queues/<sid>.json")
def fetch_queue(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        return jsonify(resources.queue_json(sandbox, _queue(sid)))


@bp.post("/Accounts/<account>/Queues/<sid>.json")
def update_queue(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        queue = _queue(sid)
        name = (request.form.get("FriendlyName") or "").strip()
        if name:
            queue.friendly_name = name
        queue.max_size = _max_size(request.form.get("MaxSize"), queue.max_size)
        queue.updated_at = sandbox.clock.now()
        return jsonify(resources.queue_json(sandbox, queue))


@bp.delete("/Accounts/<account>/Queues/<sid>.json")
def delete_queue(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        queue = _queue(sid)
        if queue.members:
            raise errors.RestError(400, errors.INVALID_PARAMETER, "The queue is not empty")
        del sandbox.queues[sid]
    return "", 204


@bp.get("/Accounts/<account>/Queues/<sid>/Members.json")
def list_members(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        queue = _queue(sid)
        items = [resources.member_json(sandbox, queue, m) for m in queue.waiting()]
    return jsonify(resources.page(sandbox, "queue_members", items, request.path, request.args))


@bp.get("/Accounts/<account>/Queues/<sid>/Members/<which>.json")
def fetch_member(account: str, sid: str, which: str):
    sandbox = engine()
    with sandbox.lock:
        queue = _queue(sid)
        waiting = queue.waiting()
        member = (
            (waiting[0] if waiting else None)
            if which == "Front"
            else next((m for m in waiting if m.call_sid == which), None)
        )
        if member is None:
            raise not_found()
        return jsonify(resources.member_json(sandbox, queue, member))


@bp.post("/Accounts/<account>/Queues/<sid>/Members/<which>.json")
def dequeue_member(account: str, sid: str, which: str):
    sandbox = engine()
    call, waited, position = operations.dequeue_member(sandbox, sid, which, form())
    with sandbox.lock:
        queue = sandbox.queues[sid]
        member = queue.member(call.sid)
        body = (
            resources.member_json(sandbox, queue, member, position)
            if member
            else {"call_sid": call.sid, "queue_sid": sid, "position": position}
        )
        body["wait_time"] = int(waited)
    return jsonify(body)


@bp.route("/<path:rest>", methods=["GET", "POST", "DELETE"])
def unknown(rest: str):
    raise not_found()
