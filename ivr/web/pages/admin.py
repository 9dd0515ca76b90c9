"""The admin's pages: the audit log (who signed in, listened, exported)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ivr.core.access import Role
from ivr.core.audit import AuditAction
from ivr.web.pages.access import page_role

bp = Blueprint("console_admin", __name__, url_prefix="/console/admin")

PAGE_SIZE = 200


@bp.get("/audit")
@page_role(Role.ADMIN)
def audit_log() -> str:
    action = request.args.get("action") or None
    entries = current_app.extensions["ivr"].audit_log.recent(limit=PAGE_SIZE, action=action)
    return render_template(
        "console/audit_log.html",
        entries=entries,
        actions=[str(a) for a in AuditAction],
        chosen=action,
    )
