"""``/api/v1/callbacks``: the callbacks promised, newest first."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.core.access import Role
from ivr.web.api import bp
from ivr.web.api.auth import requires_role
from ivr.web.api.inputs import dump, query
from ivr.web.api.schemas import CallbackList, CallbackQuery


@bp.get("/callbacks")
@requires_role(Role.MANAGER)
def list_callbacks() -> Response:
    asked = query(CallbackQuery)
    found = current_app.extensions["ivr"].callback_reports.recent(
        status=asked.status, limit=asked.limit
    )
    return jsonify(dump({"callbacks": found}, CallbackList))
