"""``/api/v1/agents``: the directory of agents (``PUT .../status`` is the queue's, elsewhere)."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.core.access import Role
from ivr.core.directory import KEEP, AgentChanges, AgentDraft
from ivr.services.agents import AgentAdmin
from ivr.web.api import bp
from ivr.web.api.auth import requires_role
from ivr.web.api.inputs import dump, json_body
from ivr.web.api.schemas import Agent, AgentCreate, AgentList, AgentPatch


def admin() -> AgentAdmin:
    return current_app.extensions["ivr"].agent_admin


def line_follows() -> None:
    """The live line learns of a new or changed agent at once (skills, phone, active), and
    the worker looks for a caller they can take."""
    svc = current_app.extensions["ivr"]
    svc.dispatcher.sync_agents()
    svc.jobs.caller_waiting()


@bp.get("/agents")
@requires_role(Role.AGENT)
def list_agents() -> Response:
    return jsonify(dump({"agents": admin().agents()}, AgentList))


@bp.post("/agents")
@requires_role(Role.ADMIN)
def create_agent() -> tuple[Response, int]:
    body = json_body(AgentCreate)
    agent = admin().register(
        AgentDraft(
            name=body.name,
            phone=body.phone,
            client=body.client,
            skills=tuple(body.skills),
            active=body.active,
        )
    )
    line_follows()
    return jsonify(dump(agent, Agent)), 201


@bp.get("/agents/<int:agent_id>")
@requires_role(Role.AGENT)
def get_agent(agent_id: int) -> Response:
    return jsonify(dump(admin().agent(agent_id), Agent))


@bp.patch("/agents/<int:agent_id>")
@requires_role(Role.ADMIN)
def update_agent(agent_id: int) -> Response:
    body = json_body(AgentPatch)
    given = body.model_fields_set

    def changed(name: str, value):
        return value if name in given else KEEP

    changes = AgentChanges(
        name=changed("name", body.name),
        phone=changed("phone", body.phone),
        client=changed("client", body.client),
        skills=changed("skills", tuple(body.skills or ())),
        active=changed("active", body.active),
    )
    agent = admin().change(agent_id, changes)
    line_follows()
    return jsonify(dump(agent, Agent))
