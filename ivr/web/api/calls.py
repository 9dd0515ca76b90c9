"""``/api/v1/calls/<sid>/disposition``: the agent says what became of a call."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.adapters.sql.cases import UnknownCall
from ivr.core.access import Role
from ivr.core.cases import Disposition
from ivr.web.api import bp
from ivr.web.api.auth import requires_role
from ivr.web.api.errors import not_found
from ivr.web.api.inputs import dump, json_body
from ivr.web.api.schemas import CallDisposition, DispositionChange


@bp.put("/calls/<call_sid>/disposition")
@requires_role(Role.AGENT)
def set_disposition(call_sid: str) -> Response:
    body = json_body(DispositionChange)
    svc = current_app.extensions["ivr"]
    disposition = Disposition(body.disposition)
    try:
        case_id, case_status = svc.cases.dispose(call_sid[:64], disposition, at=svc.clock.now())
    except UnknownCall:
        raise not_found(f"call {call_sid[:64]!r}") from None
    return jsonify(
        dump(
            {
                "call_sid": call_sid[:64],
                "disposition": str(disposition),
                "case_id": case_id,
                "case_status": case_status,
            },
            CallDisposition,
        )
    )
