"""``/api/v1/calls/<sid>/disposition``: the agent says what became of a call, and files it
under a category. A signed-in agent may do so only for a call they took or were transferred
(``console.may_work_on``); a token keeps the agent role's old reach."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.adapters.sql.cases import UnknownCall
from ivr.core.access import Role
from ivr.core.cases import Disposition
from ivr.core.notes import NoteRefused, check_category
from ivr.web.api import bp
from ivr.web.api.auth import current_principal, requires_role
from ivr.web.api.console import may_work_on
from ivr.web.api.errors import ApiError, not_found
from ivr.web.api.inputs import dump, json_body
from ivr.web.api.schemas import CallDisposition, DispositionChange


@bp.put("/calls/<call_sid>/disposition")
@requires_role(Role.AGENT)
def set_disposition(call_sid: str) -> Response:
    body = json_body(DispositionChange)
    svc = current_app.extensions["ivr"]
    sid = call_sid[:64]
    principal = current_principal()
    if principal.user_id is not None:
        may_work_on(principal, sid)
    disposition = Disposition(body.disposition)
    category = None
    if body.category is not None:
        try:
            category = check_category(body.category, svc.settings.categories)
        except NoteRefused as refused:
            raise ApiError(
                422, "the body is not valid: category", fields={"category": str(refused)}
            ) from None
    try:
        case_id, case_status = svc.cases.dispose(sid, disposition, at=svc.clock.now())
    except UnknownCall:
        raise not_found(f"call {sid!r}") from None
    if category is not None:
        svc.call_notes.set_category(sid, category)
    return jsonify(
        dump(
            {
                "call_sid": sid,
                "disposition": str(disposition),
                "category": svc.call_notes.category(sid),
                "case_id": case_id,
                "case_status": case_status,
            },
            CallDisposition,
        )
    )
