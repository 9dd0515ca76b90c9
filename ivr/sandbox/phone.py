"""The phone page (``/``) and the small JSON API it polls (``/sandbox/api/...``).

A person places a call to a business number, or acts as a device (an agent's phone) that
calls ring. Calls placed or answered here are *live*: Gather and Record timeouts elapse as on
a real phone (scaled by the engine's time scale), unlike a script's calls.

The API accepts JSON bodies only, which keeps a page on another site from posting to it with
a plain form; the sandbox is a local tool and has no other protection (bind it to 127.0.0.1).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from ivr.sandbox import operations
from ivr.sandbox.call import Call, Input
from ivr.sandbox.conversation import speak
from ivr.sandbox.devices import POLICIES, normalize_number
from ivr.sandbox.engine import Engine
from ivr.sandbox.views import call_view

bp = Blueprint("sandbox_phone", __name__)


def engine() -> Engine:
    return current_app.extensions["ivr_sandbox_engine"]


def body() -> dict:
    if not request.is_json:
        abort(415, "send JSON (Content-Type: application/json)")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "the body must be a JSON object")
    return data


@bp.get("/")
def page():
    sandbox = engine()
    with sandbox.lock:
        numbers = sorted(sandbox.numbers)
    return render_template("phone.html", numbers=numbers, policies=POLICIES)


@bp.get("/sandbox/api/state")
def state():
    sandbox = engine()
    with sandbox.lock:
        return jsonify(
            {
                "numbers": [
                    {"phone_number": n.phone_number, "voice_url": n.voice_url}
                    for n in sandbox.numbers.values()
                ],
                "devices": [
                    {"number": d.number, "policy": d.policy} for d in sandbox.devices.values()
                ],
                "policies": list(POLICIES),
                "time_scale": sandbox.clock.time_scale,
            }
        )


@bp.post("/sandbox/api/calls")
def place_call():
    data = body()
    to = str(data.get("to") or "").strip()
    if not to:
        abort(400, "choose the number to call")
    caller = str(data.get("from") or "").strip() or "anonymous"
    call = operations.place_inbound(engine(), to=to, from_=caller, scripted=False)
    return jsonify({"sid": call.sid}), 201


def _call(sid: str) -> Call:
    call = engine().call(sid)
    if call is None:
        abort(404, f"no call {sid}")
    return call


@bp.get("/sandbox/api/calls/<sid>")
def show_call(sid: str):
    sandbox, call = engine(), _call(sid)
    with sandbox.lock:
        return jsonify(call_view(sandbox, call))


@bp.post("/sandbox/api/calls/<sid>/<action>")
def act(sid: str, action: str):
    sandbox, call = engine(), _call(sid)
    data = body()
    accepted = True
    if action == "press":
        digits = "".join(ch for ch in str(data.get("digits", "")) if ch in "0123456789*#")
        if not digits:
            abort(400, "press one of 0-9, * or #")
        accepted = sandbox.give_input(call, Input(kind="dtmf", text=digits))
    elif action == "speak":
        text = str(data.get("text", "")).strip()
        if not text:
            abort(400, "type what you would say")
        accepted = speak(sandbox, call, text)
    elif action == "silence":
        accepted = sandbox.give_input(call, Input(kind="silence"))
    elif action == "hangup":
        if call.ringing_device is not None and call.direction != "inbound":
            sandbox.decide(call, "decline", scripted=False)
        else:
            sandbox.hang_up(call, "caller" if call.direction == "inbound" else "callee")
    elif action in {"answer", "decline"}:
        accepted = sandbox.decide(call, action, scripted=False)
    else:
        abort(404, f"unknown action {action}")
    with sandbox.lock:
        view = call_view(sandbox, call)
    view["accepted"] = accepted
    return jsonify(view)


@bp.get("/sandbox/api/devices/<path:number>")
def show_device(number: str):
    sandbox = engine()
    device = sandbox.device(number)
    with sandbox.lock:
        calls = [sandbox.calls[sid] for sid in device.rung if sid in sandbox.calls]
        return jsonify(
            {
                "number": device.number,
                "policy": device.policy,
                "calls": [call_view(sandbox, c) for c in calls if not c.is_final][-5:],
            }
        )


@bp.post("/sandbox/api/devices/<path:number>")
def configure_device(number: str):
    data = body()
    policy = str(data.get("policy", ""))
    if policy not in POLICIES:
        abort(400, f"policy must be one of {', '.join(POLICIES)}")
    device = engine().set_policy(normalize_number(number), policy)
    return jsonify({"number": device.number, "policy": device.policy})
