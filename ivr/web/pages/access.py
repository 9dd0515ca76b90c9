"""Who is signed in to the consoles, and what each page lets them see.

Flask-Login keeps the session (a signed cookie holding the user's ``session_id``: their id and
session version, see ``UserAccount.session_id``); every request loads the user again, so a
deactivated user or a changed password ends their sessions at once. ``@page_role(role)`` is
the role check every page carries: signed out, a page sends the browser to sign in; signed in
with too low a role, it answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import current_app, g, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from ivr.core.access import Principal, Role
from ivr.core.accounts import UserAccount
from ivr.core.audit import AuditEvent

P = ParamSpec("P")
R = TypeVar("R")

login_manager = LoginManager()
login_manager.login_view = "console_auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = "strong"


class SignedInUser(UserMixin):
    """The account, as Flask-Login wants it."""

    def __init__(self, account: UserAccount) -> None:
        self.account = account

    def get_id(self) -> str:
        return self.account.session_id

    @property
    def is_active(self) -> bool:
        return self.account.active

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def agent_id(self) -> int | None:
        return self.account.agent_id

    def may(self, role: Role | str) -> bool:
        return self.account.may(Role(role))

    def principal(self) -> Principal:
        return Principal(
            name=self.account.email,
            role=self.account.role,
            user_id=self.account.id,
            agent_id=self.account.agent_id,
            display_name=self.account.name,
        )


@login_manager.user_loader
def _load_user(session_id: str) -> SignedInUser | None:
    account = current_app.extensions["ivr"].accounts.by_session_id(session_id)
    return SignedInUser(account) if account else None


def signed_in() -> SignedInUser | None:
    user = current_user
    if user is None or not user.is_authenticated:
        return None
    return user._get_current_object()  # type: ignore[attr-defined]


def page_role(role: Role | str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The page is shown only to a signed-in user of ``role`` or above (kept on the view as
    ``required_role``, so a test can check that every page has one)."""
    required = Role(role)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> Any:
            user = signed_in()
            if user is None:
                return login_manager.unauthorized()
            if not user.may(required):
                return render_template("console/forbidden.html", required=required), 403
            g.principal = user.principal()
            return view(*args, **kwargs)

        guarded.required_role = required  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def audit(action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
    """Writes who (the signed-in user, or the API's principal) did ``action`` to ``target``."""
    principal: Principal | None = g.get("principal") or g.get("api_principal")
    if principal is None:
        user = signed_in()
        principal = user.principal() if user else None
    services = current_app.extensions["ivr"]
    services.audit_log.write(
        AuditEvent(
            at=services.line_clock.now(),
            actor=principal.actor if principal else "anonymous",
            user_id=principal.user_id if principal else None,
            action=action,
            target=target,
            detail=detail or {},
            address=request.remote_addr,
        )
    )


def home_for(user: SignedInUser) -> str:
    """Where a user lands after signing in: the manager's console for managers and admins,
    the agent's console for agents."""
    if user.may(Role.MANAGER):
        return url_for("console_manager.wallboard")
    return url_for("console_agent.console")
