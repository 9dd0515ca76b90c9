"""The agents API: an admin adds and changes agents; anyone with a token reads them."""

from __future__ import annotations

import pytest

from tests.api import Api

ALEX = {"name": "Alex Rivera", "phone": "+12025550111", "skills": ["billing", "general"]}


@pytest.fixture
def api(app) -> Api:
    return Api(app)


def add(api: Api, **body):
    response = api.post("/agents", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_admin_adds_an_agent_and_gets_it_back_with_its_id(api: Api) -> None:
    response = api.post("/agents", json=ALEX)
    assert response.status_code == 201
    agent = response.get_json()
    assert agent == {
        "id": agent["id"],
        "name": "Alex Rivera",
        "phone": "+12025550111",
        "client": None,
        "skills": ["billing", "general"],
        "active": True,
        "status": "available",
    }
    assert api.get(f"/agents/{agent['id']}", role="agent").get_json() == agent


def test_agents_are_listed_in_the_order_they_were_added(api: Api) -> None:
    first = add(api, **ALEX)
    second = add(api, name="Jordan Kim", client="jordan", skills=["tech"])
    listed = api.get("/agents", role="agent").get_json()
    assert listed == {"agents": [first, second]}


def test_a_phone_written_with_spaces_is_stored_as_plain_e164(api: Api) -> None:
    agent = add(api, name="Alex", phone="+1 202-555-0111")
    assert agent["phone"] == "+12025550111"


def test_duplicate_skills_are_dropped_keeping_their_order(api: Api) -> None:
    agent = add(api, name="Alex", phone="+12025550111", skills=["tech", "billing", "tech"])
    assert agent["skills"] == ["tech", "billing"]


def test_a_second_agent_with_the_same_phone_is_a_409_naming_the_holder(api: Api) -> None:
    first = add(api, **ALEX)
    response = api.post("/agents", json={**ALEX, "name": "Someone else"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["status"] == 409
    assert f"agent {first['id']}" in error["message"]
    assert "phone" in error["fields"]


def test_a_second_agent_with_the_same_client_identity_is_a_409(api: Api) -> None:
    add(api, name="Jordan", client="jordan")
    response = api.post("/agents", json={"name": "Other", "client": "jordan"})
    assert response.status_code == 409
    assert "client" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Alex", "phone": "2025550111"}, "phone"),
        ({"name": "Alex", "phone": "+1202"}, "phone"),
        ({"name": "Alex", "phone": "not a number"}, "phone"),
        ({"name": "Alex"}, "phone"),
        ({"name": "Alex", "phone": "+12025550111", "client": "alex"}, "client"),
        ({"name": "Alex", "client": "has spaces"}, "client"),
        ({"name": "", "phone": "+12025550111"}, "name"),
        ({"name": "   ", "phone": "+12025550111"}, "name"),
        ({"name": "x" * 201, "phone": "+12025550111"}, "name"),
        ({"phone": "+12025550111"}, "name"),
        ({"name": "Alex", "phone": "+12025550111", "skills": "billing"}, "skills"),
        ({"name": "Alex", "phone": "+12025550111", "skills": ["Billing Dept"]}, "skills.0"),
        ({"name": "Alex", "phone": "+12025550111", "skills": ["ok", 7]}, "skills.1"),
        ({"name": "Alex", "phone": "+12025550111", "active": "yes"}, "active"),
        ({"name": "Alex", "phone": "+12025550111", "skils": ["tech"]}, "skils"),
    ],
)
def test_an_invalid_agent_is_a_422_naming_the_field(api: Api, body: dict, field: str) -> None:
    response = api.post("/agents", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["status"] == 422
    assert field in error["fields"], error
    assert api.get("/agents").get_json() == {"agents": []}


def test_a_body_that_is_not_an_object_is_a_422(api: Api) -> None:
    response = api.post("/agents", json=["Alex"])
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"body": "must be a JSON object"}


def test_a_body_not_sent_as_json_is_a_415(api: Api) -> None:
    response = api.post("/agents", data={"name": "Alex", "phone": "+12025550111"})
    assert response.status_code == 415


def test_malformed_json_is_a_400(api: Api) -> None:
    response = api.post(
        "/agents", data='{"name": "Alex",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "the body is not valid JSON"


def test_an_unknown_agent_is_a_json_404(api: Api) -> None:
    assert api.get("/agents/999").status_code == 404
    assert api.patch("/agents/999", json={"name": "x"}).status_code == 404


def test_an_unknown_api_path_is_a_json_404(api: Api) -> None:
    response = api.get("/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_paths_outside_the_api_keep_flasks_own_404(app) -> None:
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_method_the_path_does_not_have_is_a_json_405(api: Api) -> None:
    response = api.request("DELETE", "/agents")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_patch_changes_only_the_fields_given(api: Api) -> None:
    agent = add(api, **ALEX)
    response = api.patch(f"/agents/{agent['id']}", json={"skills": ["tech"], "active": False})
    assert response.status_code == 200
    assert response.get_json() == {**agent, "skills": ["tech"], "active": False}
    assert api.get(f"/agents/{agent['id']}").get_json() == response.get_json()


def test_patch_moves_an_agent_from_a_phone_to_a_browser(api: Api) -> None:
    agent = add(api, **ALEX)
    moved = api.patch(f"/agents/{agent['id']}", json={"phone": None, "client": "alex"})
    assert moved.status_code == 200
    assert (moved.get_json()["phone"], moved.get_json()["client"]) == (None, "alex")


def test_patch_that_would_leave_both_a_phone_and_a_client_is_a_422(api: Api) -> None:
    agent = add(api, **ALEX)
    response = api.patch(f"/agents/{agent['id']}", json={"client": "alex"})
    assert response.status_code == 422
    assert "client" in response.get_json()["error"]["fields"]


def test_patch_that_would_leave_no_way_to_reach_the_agent_is_a_422(api: Api) -> None:
    agent = add(api, **ALEX)
    assert api.patch(f"/agents/{agent['id']}", json={"phone": None}).status_code == 422
    assert api.get(f"/agents/{agent['id']}").get_json() == agent


def test_patch_to_another_agents_phone_is_a_409(api: Api) -> None:
    add(api, **ALEX)
    jordan = add(api, name="Jordan", phone="+12025550112")
    response = api.patch(f"/agents/{jordan['id']}", json={"phone": "+12025550111"})
    assert response.status_code == 409


def test_patch_keeping_the_agents_own_phone_is_fine(api: Api) -> None:
    agent = add(api, **ALEX)
    response = api.patch(f"/agents/{agent['id']}", json={"phone": "+12025550111", "name": "A"})
    assert response.status_code == 200
    assert response.get_json()["name"] == "A"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": None}, "name"), ({"skills": None}, "skills"), ({"status": "offline"}, "status")],
)
def test_patch_refuses_nulls_for_required_fields_and_unknown_fields(
    api: Api, body: dict, field: str
) -> None:
    agent = add(api, **ALEX)
    response = api.patch(f"/agents/{agent['id']}", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
