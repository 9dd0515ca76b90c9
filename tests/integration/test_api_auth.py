"""Who may call the API: bearer tokens by role, IVR_API_TOKEN for automation, and the contract's
roles are the ones the views enforce."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from ivr import create_app
from ivr.adapters.sql.models import ApiToken
from ivr.core.access import Role
from ivr.web.api.contract import OPERATIONS
from tests.api import Api, example_path, served_routes
from tests.helpers import with_settings

SERVED = served_routes()
SECURED = [op for op in OPERATIONS if op.role is not None and (op.method, op.path) in SERVED]
ENVIRONMENT_TOKEN = "automation-" + "x" * 40


@pytest.fixture
def api(app) -> Api:
    return Api(app)


def operation_id(op) -> str:
    return f"{op.method.upper()} {op.path}"


def test_every_served_route_is_documented_with_the_role_its_view_requires() -> None:
    documented = {(op.method, op.path): op for op in OPERATIONS}
    for route, view in SERVED.items():
        assert route in documented, f"{route} is served but not in the contract"
        assert getattr(view, "required_role", None) == documented[route].role, route


def test_every_documented_operation_is_served() -> None:
    assert {(op.method, op.path) for op in OPERATIONS} - set(SERVED) == set()


@pytest.mark.parametrize("op", SECURED, ids=operation_id)
def test_a_request_without_a_token_is_a_401_asking_for_a_bearer_token(api: Api, op) -> None:
    response = api.request(op.method.upper(), example_path(op.path), role=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("op", SECURED, ids=operation_id)
def test_an_unknown_token_is_a_401_saying_it_is_invalid(api: Api, op) -> None:
    response = api.request(op.method.upper(), example_path(op.path), token="ivr_not-a-token")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_credentials_of_another_scheme_are_a_401(api: Api) -> None:
    response = api.get(
        "/agents", role=None, headers={"Authorization": "Basic YWxhZGRpbjpzZXNhbWU="}
    )
    assert response.status_code == 401


LOWER_ROLES = [
    (op, lower)
    for op in SECURED
    for lower in Role
    if op.role is not None and lower.rank < op.role.rank
]


@pytest.mark.parametrize(
    ("op", "role"), LOWER_ROLES, ids=[f"{operation_id(op)} as {r}" for op, r in LOWER_ROLES]
)
def test_a_token_whose_role_is_too_low_is_a_403(api: Api, op, role: Role) -> None:
    response = api.request(op.method.upper(), example_path(op.path), role=str(role), json={})
    assert response.status_code == 403
    assert f"needs the {op.role} role" in response.get_json()["error"]["message"]


def test_each_role_may_do_what_the_roles_below_it_may(api: Api) -> None:
    assert api.get("/agents", role="manager").status_code == 200
    assert api.get("/callbacks", role="admin").status_code == 200
    assert api.get("/customers?phone=%2B14155550123", role="admin").status_code == 200


def test_a_token_is_stored_only_as_its_sha256(app) -> None:
    issued = app.extensions["ivr"].api_access.issue(Role.MANAGER, name="crm-sync")
    with app.extensions["ivr"].database.unit_of_work() as session:
        row = session.scalars(select(ApiToken)).one()
        stored = [str(getattr(row, column.key)) for column in ApiToken.__table__.columns]
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert not any(issued.token in value for value in stored)
    assert (row.name, row.role) == ("crm-sync", "manager")


def test_a_token_has_256_bits_and_our_prefix(app) -> None:
    token = app.extensions["ivr"].api_access.issue(Role.AGENT, name="t").token
    assert token.startswith("ivr_") and len(token) >= 4 + 43


def test_a_revoked_token_is_refused(api: Api, app) -> None:
    access = app.extensions["ivr"].api_access
    issued = access.issue(Role.ADMIN, name="leaked")
    assert api.get("/agents", token=issued.token).status_code == 200
    access.revoke(issued.record.id)
    assert api.get("/agents", token=issued.token).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(api: Api, app, clock) -> None:
    access = app.extensions["ivr"].api_access
    issued = access.issue(Role.AGENT, name="wallboard")

    def last_used():
        return next(t for t in access.tokens() if t.id == issued.record.id).last_used_at

    api.get("/agents", token=issued.token)
    first = clock.now()
    assert last_used() == first
    clock.current += timedelta(seconds=30)
    api.get("/agents", token=issued.token)
    assert last_used() == first
    clock.current += timedelta(seconds=31)
    api.get("/agents", token=issued.token)
    assert last_used() == clock.now()


@pytest.fixture
def automated(settings, clock):
    application = create_app(with_settings(settings, api_token=ENVIRONMENT_TOKEN))
    application.config["TESTING"] = True
    application.extensions["ivr"].clock = clock
    yield application
    application.extensions["ivr"].close()


def test_the_ivr_api_token_from_the_environment_is_an_admin_token(automated) -> None:
    api = Api(automated)
    body = {"name": "Alex", "phone": "+12025550111"}
    assert api.post("/agents", token=ENVIRONMENT_TOKEN, json=body).status_code == 201
    assert api.get("/callbacks", token=ENVIRONMENT_TOKEN).status_code == 200


def test_without_ivr_api_token_that_value_is_just_an_unknown_token(api: Api) -> None:
    assert api.get("/agents", token=ENVIRONMENT_TOKEN).status_code == 401


def test_the_openapi_document_needs_no_token(api: Api) -> None:
    assert api.get("/openapi.json", role=None).status_code == 200


def test_an_unexpected_failure_is_a_logged_json_500_never_an_html_page(
    settings, clock, caplog
) -> None:
    down = with_settings(
        settings,
        database_url="postgresql+psycopg://postgres@127.0.0.1:9/nowhere",
        api_token=ENVIRONMENT_TOKEN,
    )
    application = create_app(down)
    application.extensions["ivr"].clock = clock
    logger = logging.getLogger("ivr")
    logger.addHandler(caplog.handler)
    try:
        response = Api(application).get("/agents", token=ENVIRONMENT_TOKEN)
    finally:
        logger.removeHandler(caplog.handler)
        application.extensions["ivr"].close()
    assert response.status_code == 500
    assert response.get_json()["error"]["status"] == 500
    assert "API GET /api/v1/agents failed" in caplog.text
    assert ENVIRONMENT_TOKEN not in caplog.text
