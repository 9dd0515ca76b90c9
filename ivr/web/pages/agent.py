"""The agent's console: their status, the screen pop of the call ringing for them, notes,
disposition, warm transfer, and the callbacks that are theirs.

The page is a shell; ``static/console/agent.js`` fills it from ``GET /api/v1/agents/me/console``
every couple of seconds (light polling: gunicorn's sync workers cannot hold a stream open per
agent, see ``ivr.web.api.console``) and changes things through the API with the page's CSRF
token. A manager or admin who is not an agent is told so instead of seeing an empty console.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

from ivr.core.access import Role
from ivr.core.cases import Disposition
from ivr.web.pages.access import page_role

bp = Blueprint("console_agent", __name__, url_prefix="/console")


@bp.get("/agent")
@page_role(Role.AGENT)
def console() -> str:
    principal = g.principal
    services = current_app.extensions["ivr"]
    in_browser = False
    if principal.agent_id is not None and services.voice_tokens is not None:
        in_browser = services.agent_admin.agent(principal.agent_id).client is not None
    return render_template(
        "console/agent.html",
        agent_id=principal.agent_id,
        softphone=in_browser,
        categories=current_app.extensions["ivr"].settings.categories,
        dispositions=[str(d) for d in Disposition],
    )
