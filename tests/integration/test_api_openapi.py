"""The OpenAPI document is valid OpenAPI 3.1 and describes the whole published contract."""

from __future__ import annotations

import wave
from dataclasses import replace

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from ivr.web.api.openapi import document
from tests.api import Api, served_routes
from tests.helpers import with_settings


@pytest.fixture
def settings(settings, tmp_path):
    """Recordings in a folder of this test's own."""
    return with_settings(settings, recording=replace(settings.recording, directory=tmp_path))


@pytest.fixture
def api(app) -> Api:
    return Api(app)


@pytest.fixture
def served(api: Api) -> dict:
    return api.get("/openapi.json", role=None).get_json()


def test_the_document_is_valid_openapi_3_1(served: dict) -> None:
    assert served["openapi"].startswith("3.1")
    validate(served)


def test_the_validator_would_notice_a_broken_document(served: dict) -> None:
    served["paths"]["/agents"]["get"]["parameters"] = [{"name": "x", "in": "body"}]
    with pytest.raises(OpenAPIValidationError):
        validate(served)


def test_it_documents_every_route_of_the_issue(served: dict) -> None:
    operations = {(m, p) for p, item in served["paths"].items() for m in item}
    assert operations >= {
        ("post", "/agents"),
        ("get", "/agents"),
        ("get", "/agents/{agent_id}"),
        ("patch", "/agents/{agent_id}"),
        ("put", "/agents/{agent_id}/status"),
        ("get", "/queues"),
        ("get", "/queues/{name}"),
        ("get", "/callbacks"),
        ("get", "/customers"),
        ("get", "/transcripts"),
        ("get", "/recordings/{recording_sid}/audio"),
        ("post", "/calls/{call_sid}/reviews"),
        ("get", "/calls/{call_sid}/reviews"),
        ("get", "/reports"),
        ("get", "/reports/root-causes"),
        ("get", "/reports/outreach.csv"),
    }
    assert served["servers"] == [{"url": "/api/v1"}]


def test_every_operation_but_the_document_needs_a_bearer_token(served: dict) -> None:
    assert served["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert served["security"] == [{"bearer": []}]
    for path, item in served["paths"].items():
        for method, operation in item.items():
            public = operation.get("security") == []
            assert public == (path == "/openapi.json"), (method, path)
            if not public:
                assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_the_queue_and_status_schemas_have_the_fields_the_issue_names(served: dict) -> None:
    schemas = served["components"]["schemas"]
    assert set(schemas["Queue"]["required"]) == {
        "name",
        "waiting",
        "callbacks_pending",
        "agents_available",
        "agents_staffed",
        "estimated_wait_s",
        "longest_wait_s",
    }
    assert schemas["AgentStatusChange"]["properties"]["status"]["enum"] == [
        "available",
        "offline",
        "wrap-up",
    ]
    status = served["paths"]["/agents/{agent_id}/status"]["put"]
    agent = status["responses"]["200"]["content"]["application/json"]["schema"]
    assert agent == {"$ref": "#/components/schemas/Agent"}


def test_the_error_shape_is_documented(served: dict) -> None:
    detail = served["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"status", "message", "fields"}
    assert "## Roles" in served["info"]["description"]


EXAMPLES = {
    ("get", "/openapi.json"): {},
    ("get", "/agents"): {},
    ("post", "/agents"): {"json": {"name": "Sam", "client": "sam", "skills": ["tech"]}},
    ("get", "/agents/{agent_id}"): {},
    ("patch", "/agents/{agent_id}"): {"json": {"skills": ["billing"]}},
    ("put", "/agents/{agent_id}/status"): {"json": {"status": "offline"}},
    ("get", "/queues"): {},
    ("get", "/queues/{name}"): {},
    ("get", "/customers"): {"query_string": {"phone": "+14155550123"}},
    ("get", "/callbacks"): {"query_string": {"status": "pending", "limit": "10"}},
    ("put", "/calls/{call_sid}/disposition"): {"json": {"disposition": "resolved"}},
    ("get", "/transcripts"): {"query_string": {"q": "billing", "limit": "5"}},
    ("get", "/recordings/{recording_sid}/audio"): {},
    ("get", "/agents/me/console"): {},
    ("post", "/calls/{call_sid}/notes"): {"json": {"body": "Promised a refund by Friday."}},
    ("post", "/calls/{call_sid}/transfer"): {"json": {"to_queue": "support", "note": "Billing"}},
    ("post", "/calls/{call_sid}/reviews"): {
        "json": {
            "scores": {
                "greeting": 2,
                "understanding": 2,
                "resolution": 1,
                "courtesy": 2,
                "compliance": 2,
            },
            "flags": ["coaching"],
        }
    },
    ("get", "/calls/{call_sid}/reviews"): {},
    ("get", "/reports"): {"query_string": {"from": "2026-11-25", "to": "2026-12-01"}},
    ("get", "/reports/root-causes"): {"query_string": {"from": "2026-12-01"}},
    ("get", "/reports/outreach.csv"): {"query_string": {"category": "billing"}},
    ("get", "/wallboard"): {},
}
NOT_FOR_TOKENS = {("post", "/voice/token")}
"""Operations only a signed-in console user can succeed at (tested in their own files)."""
"""A request each operation should answer with success, on the demo data."""


@pytest.mark.parametrize("route", sorted(served_routes()), ids=" ".join)
def test_every_served_operation_answers_success_as_documented(app, api: Api, route) -> None:
    from ivr.seed import seed_demo

    seed_demo(app.extensions["ivr"].database)
    first_agent = api.get("/agents").get_json()["agents"][0]["id"]
    method, template = route
    if route in NOT_FOR_TOKENS:
        refused = api.request(method.upper(), template)
        assert refused.status_code == 403
        assert "403" in document()["paths"][template][method]["responses"]
        return
    assert route in EXAMPLES, f"add an example request for {route}"
    operation = document()["paths"][template][method]
    if "{call_sid}" in template:
        from ivr.adapters.sql.models import Call

        with app.extensions["ivr"].database.unit_of_work() as session:
            session.add(Call(call_sid="CA-example", from_number="+14155550123"))
    path = (
        template.replace("{agent_id}", str(first_agent))
        .replace("{name}", "support")
        .replace("{call_sid}", "CA-example")
    )
    if "{recording_sid}" in path:
        path = path.replace("{recording_sid}", stored_recording(app))
    options = dict(EXAMPLES[route])
    if route in AS_SIGNED_IN_AGENT:
        options.update(role=None, headers=signed_in_agent_on_call(app, api, "CA-example"))
    response = api.request(method.upper(), path, **options)
    assert str(response.status_code) in operation["responses"]
    assert response.status_code < 300, response.get_json()


AS_SIGNED_IN_AGENT = {("get", "/agents/me/console"), ("post", "/calls/{call_sid}/transfer")}
"""Operations for an agent's own session: their console, a transfer of their caller."""


def signed_in_agent_on_call(app, api: Api, call_sid: str) -> dict[str, str]:
    """Signs the API's client in as an agent on ``call_sid``; the carrier is a stand-in."""
    from tests.console import (
        RecordingCarrier,
        csrf_header,
        make_user,
        put_on_call,
        sign_in,
        use_carrier,
    )

    services = app.extensions["ivr"]
    user = make_user(services, "agent", phone="+12025550177")
    sign_in(api.client, user)
    use_carrier(services, RecordingCarrier())
    put_on_call(services, user.account.agent_id, call_sid)
    return csrf_header(api.client)


def stored_recording(app) -> str:
    """A recording with its audio on disk, as the download job leaves it."""
    from ivr.adapters.sql.models import Recording

    sid = "RE" + "e" * 32
    directory = app.extensions["ivr"].settings.recording.directory
    with wave.open(str(directory / f"{sid}.wav"), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x00" * 800)
    with app.extensions["ivr"].database.unit_of_work() as session:
        session.add(
            Recording(
                recording_sid=sid,
                call_sid="CA" + "e" * 32,
                kind="call",
                source_url="x",
                status="stored",
                path=f"{sid}.wav",
            )
        )
    return sid
