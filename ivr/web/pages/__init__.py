"""The consoles: pages for people (agents, managers, admins), signed in with a session.

Each area is a module with a blueprint ``bp`` named ``console_<area>``; to add one, write
``ivr/web/pages/<area>.py`` and add its name to ``AREAS``. ``register`` puts every one of them
behind CSRF checks and the security headers (``ivr.web.pages.security``), and a test checks
that every view of theirs carries a role (``@page_role``), except signing in itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from flask import Flask, current_app

from ivr.config import Settings
from ivr.core.access import Role
from ivr.web.click_to_call import hooks_for_blueprint
from ivr.web.pages import security
from ivr.web.pages.access import login_manager, signed_in

AREAS = ("auth", "admin", "manager", "reports", "audit", "agent")
"""The modules whose blueprints make up the consoles (``ivr.web.pages.<area>``)."""


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    role: Role
    agents_only: bool = False
    """Shown only to a user who is an agent (a manager who takes no calls has no console)."""


NAV = (
    NavItem("Calls", "console_agent.console", Role.AGENT, agents_only=True),
    NavItem("Wallboard", "console_manager.wallboard", Role.MANAGER),
    NavItem("Reports", "console_reports.reports", Role.MANAGER),
    NavItem("Transcripts", "console_audit.search", Role.MANAGER),
    NavItem("Audit log", "console_admin.audit_log", Role.ADMIN),
)
"""The consoles' menu; an item shows to a user whose role may open it, once its page exists."""


def register(app: Flask, settings: Settings) -> None:
    blueprints = [import_module(f"{__name__}.{area}").bp for area in AREAS]
    # Flask-WTF and Flask-Login hook every request; only the consoles and the API (which
    # the consoles call with the session) need them, not the carrier's webhooks.
    hooks_for_blueprint(
        app,
        [bp.name for bp in blueprints] + ["api"],
        lambda: (security.configure(app, settings), login_manager.init_app(app)),
    )
    for bp in blueprints:
        app.register_blueprint(bp)
        security.protect(app, bp.name)

    @app.context_processor
    def _console_globals() -> dict:
        return {"console_nav": _nav_for_user, "business_name": settings.business_name}


def _nav_for_user() -> list[NavItem]:
    user = signed_in()
    if user is None:
        return []
    return [
        item
        for item in NAV
        if item.endpoint in current_app.view_functions
        and user.may(item.role)
        and (user.agent_id is not None or not item.agents_only)
    ]
