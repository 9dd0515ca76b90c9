"""``/api/v1/queues`` and ``PUT /api/v1/agents/<id>/status``: the waiting line, live."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.bootstrap import Services
from ivr.core.access import Role
from ivr.core.queueing import AgentState
from ivr.web.api import bp
from ivr.web.api.auth import current_principal, requires_role
from ivr.web.api.errors import ApiError, not_found
from ivr.web.api.inputs import dump, json_body
from ivr.web.api.schemas import Agent, AgentStatusChange, Queue, QueueList


def services() -> Services:
    return current_app.extensions["ivr"]


@bp.get("/queues")
@requires_role(Role.AGENT)
def list_queues() -> Response:
    svc = services()
    views = [svc.waiting.snapshot(name) for name in svc.queue_names()]
    return jsonify(dump({"queues": views}, QueueList))


@bp.get("/queues/<name>")
@requires_role(Role.AGENT)
def get_queue(name: str) -> Response:
    svc = services()
    if name not in svc.queue_names():
        raise not_found(f"queue {name!r}")
    return jsonify(dump(svc.waiting.snapshot(name), Queue))


@bp.put("/agents/<int:agent_id>/status")
@requires_role(Role.AGENT)
def set_agent_status(agent_id: int) -> Response:
    """Kept in the records (the source of truth), applied to the live line; the worker then
    offers the agent the next caller."""
    svc = services()
    body = json_body(AgentStatusChange)
    principal = current_principal()
    if (
        principal.user_id is not None
        and not principal.role.may_act_as(Role.MANAGER)
        and principal.agent_id != agent_id
    ):
        # A signed-in agent is one person: their own status only. Tokens are nobody's.
        raise ApiError(403, "a signed-in agent may set only their own status")
    agent = svc.agent_admin.agent(agent_id)  # 404 for an unknown agent
    svc.dispatcher.sync_agents()
    svc.dispatcher.set_agent_status(agent_id, AgentState(str(body.status)))
    svc.jobs.caller_waiting()
    return jsonify(dump(svc.agent_admin.agent(agent.id), Agent))
