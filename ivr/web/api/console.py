"""The agent console's API: ``GET /agents/me/console``, ``POST /calls/<sid>/notes`` and
``POST /calls/<sid>/transfer``.

Light polling, not server-sent events: gunicorn runs sync workers (``gunicorn.conf.py``), so a
stream held open per signed-in agent would take a whole worker each, and a dozen agents would
leave no worker for the carrier's webhooks. The console asks every ``POLL_SECONDS`` instead; an
answer is one Redis HMGET and a few indexed queries.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.bootstrap import Services
from ivr.core.access import Principal, Role, may_open_call
from ivr.core.cases import Disposition
from ivr.core.console import AgentConsoleView
from ivr.core.notes import NoteRefused, check_note
from ivr.core.transfers import TransferRefused, TransferTarget
from ivr.web.api import bp
from ivr.web.api.auth import current_principal, requires_role
from ivr.web.api.console_schemas import AgentConsole, NoteCreate, Transfer, TransferCreate
from ivr.web.api.errors import ApiError, not_found
from ivr.web.api.inputs import dump, json_body
from ivr.web.api.schemas import Note

POLL_SECONDS = 2


def services() -> Services:
    return current_app.extensions["ivr"]


def own_agent(principal: Principal) -> int:
    """The agent the principal is; 403 for a manager, admin or token who is none."""
    if principal.agent_id is None:
        raise ApiError(
            403,
            "this is an agent's own console: you are not linked to an agent (an admin links "
            "a user to an agent with `ivr users`)",
        )
    return principal.agent_id


def may_work_on(principal: Principal, call_sid: str) -> None:
    """Managers and admins may work on any call; an agent only on a call they took or were
    part of by a transfer. A token of the agent role is nobody's: it may not."""
    if may_open_call(principal, lambda: services().call_notes.agents_of(call_sid)):
        return
    if principal.agent_id is None:
        raise ApiError(403, "an agent token is not linked to an agent: sign in to the console")
    raise ApiError(403, "an agent may work only on the calls they took or were transferred")


@bp.get("/agents/me/console")
@requires_role(Role.AGENT)
def my_console() -> Response:
    svc = services()
    agent_id = own_agent(current_principal())
    view = svc.agent_console.view(agent_id)
    if view is None:
        raise not_found(f"agent {agent_id} (your user points at an agent that is gone)")
    return jsonify(dump(console_body(view, svc), AgentConsole))


def console_body(view: AgentConsoleView, svc: Services) -> dict:
    live = view.live
    return {
        "agent": {"id": view.agent_id, "name": view.agent_name, "dial_target": view.dial_target},
        "status": str(live.state) if live else "offline",
        "status_since": live.since if live else None,
        "wrap_up_until": live.until if live else None,
        "chosen_status": str(live.chosen) if live and live.chosen else None,
        "call": view.call,
        "callbacks_due": list(view.callbacks_due),
        "categories": list(svc.settings.categories),
        "dispositions": [str(d) for d in Disposition],
        "poll_seconds": POLL_SECONDS,
    }


@bp.post("/calls/<call_sid>/notes")
@requires_role(Role.AGENT)
def add_note(call_sid: str) -> tuple[Response, int]:
    body = json_body(NoteCreate)
    principal = current_principal()
    sid = call_sid[:64]
    may_work_on(principal, sid)
    try:
        text = check_note(body.body)
    except NoteRefused as refused:
        raise ApiError(422, "the body is not valid: body", fields={"body": str(refused)}) from None
    note = services().call_notes.add(
        sid,
        text,
        author=principal.name,
        user_id=principal.user_id,
        agent_id=principal.agent_id,
        at=services().line_clock.now(),
    )
    if note is None:
        raise not_found(f"call {sid!r}")
    return jsonify(dump(note, Note)), 201


@bp.post("/calls/<call_sid>/transfer")
@requires_role(Role.AGENT)
def transfer_call(call_sid: str) -> tuple[Response, int]:
    body = json_body(TransferCreate)
    principal = current_principal()
    sid = call_sid[:64]
    may_work_on(principal, sid)
    try:
        target = TransferTarget(agent_id=body.to_agent_id, queue=body.to_queue)
        transfer = services().transfers.transfer(
            sid, target, body.note, by_agent_id=principal.agent_id
        )
    except TransferRefused as refused:
        fields = {refused.field: refused.message} if refused.field else None
        raise ApiError(refused.status, refused.message, fields=fields) from None
    return jsonify(dump(transfer, Transfer)), 201
