"""API keys over REST, as Twilio's 2010-04-01 ``Keys`` resource: create (the only answer that
shows the secret), list, fetch, update the friendly name, delete. Their secrets sign the
access tokens browser phones present (:mod:`ivr.sandbox.access_tokens`); they do not
authenticate the REST API here (README, "Where the sandbox differs")."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, jsonify, request

from ivr.sandbox import resources
from ivr.sandbox.access_tokens import ApiKey
from ivr.sandbox.ids import rfc2822
from ivr.sandbox.rest import authenticate, engine, not_found

bp = Blueprint("sandbox_rest_keys", __name__, url_prefix="/2010-04-01")
bp.before_request(authenticate)


def key_json(key: ApiKey, *, with_secret: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sid": key.sid,
        "friendly_name": key.friendly_name,
        "date_created": rfc2822(key.created_at),
        "date_updated": rfc2822(key.created_at),
    }
    if with_secret:
        body["secret"] = key.secret
    return body


@bp.post("/Accounts/<account>/Keys.json")
def create_key(account: str):
    key = engine().add_api_key(friendly_name=request.form.get("FriendlyName", ""))
    return jsonify(key_json(key, with_secret=True)), 201


@bp.get("/Accounts/<account>/Keys.json")
def list_keys(account: str):
    sandbox = engine()
    with sandbox.lock:
        items = [key_json(k) for k in sandbox.api_keys.values()]
    return jsonify(resources.page(sandbox, "keys", items, request.path, request.args))


def _key(sid: str) -> ApiKey:
    key = engine().api_keys.get(sid)
    if key is None:
        raise not_found()
    return key


@bp.get("/Accounts/<account>/Keys/<sid>.json")
def fetch_key(account: str, sid: str):
    return jsonify(key_json(_key(sid)))


@bp.post("/Accounts/<account>/Keys/<sid>.json")
def update_key(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        key = _key(sid)
        key = replace(key, friendly_name=request.form.get("FriendlyName", key.friendly_name))
        sandbox.api_keys[sid] = key
    return jsonify(key_json(key))


@bp.delete("/Accounts/<account>/Keys/<sid>.json")
def delete_key(account: str, sid: str):
    sandbox = engine()
    with sandbox.lock:
        _key(sid)
        del sandbox.api_keys[sid]
    return "", 204
