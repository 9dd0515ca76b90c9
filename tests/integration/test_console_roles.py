"""Every console page checks a role; each role opens what it may and nothing above it."""

from __future__ import annotations

import pytest

from ivr.core.access import Role
from tests.console import make_user, sign_in

OPEN_TO_EVERYONE = {"console_auth.login", "console_auth.logout", "console_auth.index"}
"""Signing in and out: everything else needs a role."""

EXAMPLE_QUERIES = {"console_audit.export_transcripts": "?q=billing"}
"""Pages that answer 422 without a query: the one they are opened with."""


def console_views(app) -> dict[str, object]:
    return {
        endpoint: view
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("console_") and endpoint not in OPEN_TO_EVERYONE
    }


def test_every_console_page_requires_a_role(app) -> None:
    missing = [
        endpoint
        for endpoint, view in console_views(app).items()
        if not isinstance(getattr(view, "required_role", None), Role)
    ]
    assert missing == []


def _get_rules(app) -> list[tuple[str, str, Role]]:
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        role = getattr(view, "required_role", None)
        if (
            rule.endpoint.startswith("console_")
            and role is not None
            and "GET" in (rule.methods or ())
            and not rule.arguments
        ):
            rules.append((rule.rule + EXAMPLE_QUERIES.get(rule.endpoint, ""), rule.endpoint, role))
    return rules


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_exactly_the_pages_of_its_rank(app, role: Role) -> None:
    services = app.extensions["ivr"]
    client = app.test_client()
    sign_in(client, make_user(services, role))
    for path, endpoint, required in _get_rules(app):
        status = client.get(path).status_code
        if role.may_act_as(required):
            assert status == 200, f"{role} should open {endpoint} ({path}): {status}"
        else:
            assert status == 403, f"{role} must not open {endpoint} ({path}): {status}"


def test_signed_out_every_page_sends_the_browser_to_sign_in(app) -> None:
    client = app.test_client()
    for path, endpoint, _ in _get_rules(app):
        answer = client.get(path)
        assert answer.status_code == 302, endpoint
        assert "/console/login?next=" in answer.headers["Location"]


def test_the_menu_shows_each_user_what_they_may_open(app) -> None:
    services = app.extensions["ivr"]
    menus = {}
    for role in Role:
        client = app.test_client()
        sign_in(client, make_user(services, role))
        page = client.get("/console/manager/wallboard" if role != Role.AGENT else "/console/agent")
        menus[role] = page.text[page.text.index("<nav") : page.text.index("</nav>")]
    assert ">Calls<" in menus[Role.AGENT] and ">Wallboard<" not in menus[Role.AGENT]
    assert ">Calls<" not in menus[Role.MANAGER], "a manager who is no agent has no calls"
    assert ">Reports<" in menus[Role.MANAGER] and ">Audit log<" not in menus[Role.MANAGER]
    assert ">Audit log<" in menus[Role.ADMIN]
