"""QA reviews over the API: managers score a call with the same scorecard as the call page."""

from __future__ import annotations

import pytest

from ivr.adapters.sql.models import Call
from ivr.core.access import Role
from tests.api import Api
from tests.console import csrf_of, make_user, sign_in

SID = "CA" + "b" * 32
SCORES = {"greeting": 2, "understanding": 1, "resolution": 2, "courtesy": 2, "compliance": 0}


@pytest.fixture
def api(app) -> Api:
    return Api(app)


@pytest.fixture
def call(app) -> str:
    with app.extensions["ivr"].database.unit_of_work() as session:
        session.add(Call(call_sid=SID, from_number="+14155550123"))
    return SID


def test_a_manager_reviews_a_call_and_reads_the_reviews_back(api: Api, call: str) -> None:
    created = api.post(
        f"/calls/{call}/reviews",
        json={"scores": SCORES, "flags": ["coaching", "coaching"], "comment": " Slow start. "},
        role="manager",
    )
    assert created.status_code == 201
    review = created.get_json()
    assert review["reviewer"] == "test manager"
    assert (review["points"], review["max_points"], review["percent"]) == (7, 10, 70)
    assert review["flags"] == ["coaching"] and review["comment"] == "Slow start."
    api.post(f"/calls/{call}/reviews", json={"scores": {**SCORES, "compliance": 2}})
    listed = api.get(f"/calls/{call}/reviews", role="manager").get_json()["reviews"]
    assert [r["points"] for r in listed] == [9, 7]  # newest first


def test_an_agent_may_not_review_or_read_reviews(api: Api, call: str) -> None:
    assert (
        api.post(f"/calls/{call}/reviews", json={"scores": SCORES}, role="agent").status_code == 403
    )
    assert api.get(f"/calls/{call}/reviews", role="agent").status_code == 403


def test_an_unknown_call_is_a_404(api: Api) -> None:
    assert api.post("/calls/CAnone/reviews", json={"scores": SCORES}).status_code == 404
    assert api.get("/calls/CAnone/reviews").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scores": {**SCORES, "greeting": 3}}, "scores.greeting"),
        ({"scores": {k: v for k, v in SCORES.items() if k != "courtesy"}}, "scores.courtesy"),
        ({"scores": {**SCORES, "speed": 2}}, "scores.speed"),
        ({"scores": {**SCORES, "greeting": "2"}}, "scores.greeting"),
        ({"scores": SCORES, "flags": ["promote"]}, "flags.0"),
        ({"scores": SCORES, "comment": "x" * 2001}, "comment"),
    ],
)
def test_a_review_that_breaks_the_scorecard_is_a_422_naming_the_field(
    api: Api, call: str, body: dict, field: str
) -> None:
    response = api.post(f"/calls/{call}/reviews", json=body, role="manager")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_scorecard_is_in_the_contract(api: Api) -> None:
    schemas = api.get("/openapi.json", role=None).get_json()["components"]["schemas"]
    assert set(schemas["ReviewScores"]["required"]) == set(SCORES)
    assert schemas["ReviewScores"]["properties"]["greeting"]["maximum"] == 2


def test_from_the_console_a_review_needs_the_pages_csrf_token(app, call: str) -> None:
    client = app.test_client()
    sign_in(client, make_user(app.extensions["ivr"], Role.MANAGER))
    url = f"/api/v1/calls/{call}/reviews"
    assert client.post(url, json={"scores": SCORES}).status_code == 403
    token = csrf_of(client.get(f"/console/calls/{call}").text)
    accepted = client.post(url, json={"scores": SCORES}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
