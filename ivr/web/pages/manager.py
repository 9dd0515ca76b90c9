"""The manager's live wallboard (reports and transcript audit are pages of their own)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ivr.core.access import Role
from ivr.web.pages.access import page_role

bp = Blueprint("console_manager", __name__, url_prefix="/console/manager")

POLL_SECONDS = 3
"""The page asks ``/api/v1/wallboard`` this often: a wallboard a few seconds old is live
enough, and polling keeps no connection open per screen (the web workers are sync)."""


@bp.get("/wallboard")
@page_role(Role.MANAGER)
def wallboard() -> str:
    return render_template("console/wallboard.html", poll_seconds=POLL_SECONDS)
