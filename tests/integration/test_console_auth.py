"""Signing in to the consoles: argon2 passwords, CSRF, cookie flags, limits, headers, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import User
from ivr.core.access import Role
from ivr.core.audit import AuditAction
from tests.console import PASSWORD, csrf_of, make_user, sign_in
from tests.helpers import with_settings


@pytest.fixture
def services(app):
    return app.extensions["ivr"]


def test_a_password_is_stored_only_as_an_argon2id_hash(services) -> None:
    user = make_user(services, Role.MANAGER)
    with services.database.unit_of_work() as session:
        stored = session.scalars(select(User.password_hash).where(User.id == user.account.id)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_signing_in_with_the_right_password_opens_a_session_and_is_audited(
    client, services
) -> None:
    user = make_user(services, Role.MANAGER)
    answer = sign_in(client, user)
    assert answer.status_code == 302
    assert client.get("/console/").status_code == 302
    [entry] = services.audit_log.recent(action=AuditAction.LOGIN)
    assert entry.actor == f"user:{user.account.id} {user.email}"


def test_a_wrong_password_is_refused_without_saying_whether_the_address_exists(
    client, services
) -> None:
    user = make_user(services, Role.MANAGER)
    page = client.get("/console/login")
    wrong = client.post(
        "/console/login",
        data={"email": user.email, "password": "not it at all!", "csrf_token": csrf_of(page.text)},
    )
    unknown = client.post(
        "/console/login",
        data={
            "email": "nobody@example.com",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an active user" in wrong.text
    assert "do not match an active user" in unknown.text
    assert len(services.audit_log.recent(action=AuditAction.LOGIN_FAILED)) == 2
    assert client.get("/console/").headers["Location"].endswith("/console/login")


def test_a_sign_in_without_the_forms_csrf_token_is_refused(client, services) -> None:
    user = make_user(services, Role.MANAGER)
    answer = client.post("/console/login", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 400
    assert client.get("/console/").headers["Location"].endswith("/console/login")


def test_failed_sign_ins_are_limited_per_address_and_a_right_one_is_not_counted(
    client, services
) -> None:
    user = make_user(services, Role.MANAGER)
    assert sign_in(client, user).status_code == 302
    client.post("/console/logout", data={"csrf_token": csrf_of(client.get("/console/login").text)})
    token = csrf_of(client.get("/console/login").text)
    codes = [
        client.post(
            "/console/login",
            data={"email": user.email, "password": f"wrong guess {n}", "csrf_token": token},
        ).status_code
        for n in range(6)
    ]
    assert codes == [401] * 5 + [429]
    blocked = sign_in(client, user)
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "60"


def test_the_session_cookie_is_secure_httponly_and_samesite_lax(client, services) -> None:
    answer = sign_in(client, make_user(services, Role.MANAGER))  # PUBLIC_BASE_URL is https
    cookie = answer.headers["Set-Cookie"]
    assert "ivr_session=" in cookie
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_session_cookie_is_not_marked_secure_on_a_plain_http_deployment(
    settings, clock
) -> None:
    from ivr import create_app
    from ivr.adapters.passwords import fast_passwords_for_tests

    app = create_app(with_settings(settings, public_base_url="http://127.0.0.1:5000"))
    app.extensions["ivr"].passwords = fast_passwords_for_tests()
    try:
        user = make_user(app.extensions["ivr"], Role.MANAGER)
        answer = sign_in(app.test_client(), user)
        assert "Secure" not in answer.headers["Set-Cookie"]
    finally:
        app.extensions["ivr"].close()


def test_console_pages_carry_a_strict_content_security_policy(client) -> None:
    answer = client.get("/console/login")
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in answer.text


def test_after_sign_in_only_a_path_on_this_site_is_followed(client, services) -> None:
    user = make_user(services, Role.MANAGER)
    for target, expected in (("/console/", "/console/"), ("https://evil.example/x", None)):
        page = client.get("/console/login")
        answer = client.post(
            "/console/login",
            data={
                "email": user.email,
                "password": PASSWORD,
                "next": target,
                "csrf_token": csrf_of(page.text),
            },
        )
        location = answer.headers["Location"]
        assert "evil.example" not in location
        if expected:
            assert location.endswith(expected)


def test_deactivating_a_user_ends_the_sessions_they_had(client, services) -> None:
    user = make_user(services, Role.MANAGER)
    sign_in(client, user)
    assert client.get("/console/").headers["Location"] != "/console/login"
    services.accounts.deactivate(user.account.id)
    assert client.get("/console/").headers["Location"].endswith("/console/login")


def test_changing_the_password_ends_the_sessions_opened_with_the_old_one(client, services) -> None:
    user = make_user(services, Role.MANAGER)
    sign_in(client, user)
    services.accounts.change_password(user.account.id, "a brand new passphrase")
    assert client.get("/console/").headers["Location"].endswith("/console/login")


def test_the_api_accepts_a_signed_in_session_and_checks_csrf_on_changes(client, services) -> None:
    user = make_user(services, Role.AGENT)
    assert client.get("/api/v1/agents").status_code == 401
    sign_in(client, user)
    assert client.get("/api/v1/agents").status_code == 200
    status_url = f"/api/v1/agents/{user.account.agent_id}/status"
    refused = client.put(status_url, json={"status": "offline"})
    assert refused.status_code == 403
    assert "CSRF" in refused.get_json()["error"]["message"]
    token = csrf_of(client.get("/console/login").text)
    accepted = client.put(status_url, json={"status": "offline"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200, accepted.text
