"""``GET /api/v1/wallboard``: the contact centre now, for the manager console's wallboard."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.core.access import Role
from ivr.web.api import bp
from ivr.web.api.auth import requires_role
from ivr.web.api.inputs import dump
from ivr.web.api.schemas import Wallboard


@bp.get("/wallboard")
@requires_role(Role.MANAGER)
def wallboard() -> Response:
    return jsonify(dump(current_app.extensions["ivr"].wallboard.board(), Wallboard))
