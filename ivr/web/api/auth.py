"""``@requires_role``: bearer tokens for the JSON API.

    Authorization: Bearer ivr_...

A missing or unknown (or revoked) token is a 401 with ``WWW-Authenticate: Bearer``; a token
whose role is too low is a 403. Tokens are never logged, not even in part.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app, g, request

from ivr.core.access import Principal, Role
from ivr.web.api.errors import ApiError

P = ParamSpec("P")
R = TypeVar("R")

REALM = 'Bearer realm="ivr"'


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate() -> Principal:
    token = presented_token()
    if token is None:
        signed_in_principal = console_session_principal()
        if signed_in_principal is not None:
            return signed_in_principal
        raise ApiError(
            401,
            "missing bearer token: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": REALM},
        )
    principal = current_app.extensions["ivr"].api_access.recognise(token)
    if principal is None:
        raise ApiError(
            401,
            "the bearer token is not valid (unknown or revoked)",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    return principal


def console_session_principal() -> Principal | None:
    """The consoles call the API with the user's session cookie. A cookie is sent by the
    browser whoever's page asked, so a request that changes something must also carry the
    page's CSRF token (``X-CSRFToken``), which another site cannot read."""
    from ivr.web.pages.access import signed_in

    user = signed_in()
    if user is None:
        return None
    if request.method not in SAFE_METHODS:
        from flask_wtf.csrf import CSRFError

        from ivr.web.pages.security import csrf

        try:
            csrf.protect()
        except CSRFError as exc:
            raise ApiError(403, f"CSRF check failed: {exc.description}") from exc
    return user.principal()


def requires_role(role: Role | str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The view runs only for a token of ``role`` or above; ``current_principal()`` says who.

    The role is kept on the view (``view.required_role``), so tests can check every route
    against the role the OpenAPI document states."""
    required = Role(role)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = authenticate()
            if not principal.role.may_act_as(required):
                raise ApiError(
                    403,
                    f"this needs the {required} role or higher; "
                    f"{'you have' if principal.user_id else 'this token has'} {principal.role}",
                )
            g.api_principal = principal
            return view(*args, **kwargs)

        checked.required_role = required  # type: ignore[attr-defined]
        return checked

    return decorate


def current_principal() -> Principal:
    return g.api_principal
