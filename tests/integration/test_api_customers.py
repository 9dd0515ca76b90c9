"""A manager looks a caller up by phone number and reads their file and calls, newest last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr.adapters.sql.models import Call, Customer, CustomerNumber
from tests.api import Api

ANA = "+14155550123"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def api(app) -> Api:
    return Api(app)


@pytest.fixture
def ana(app) -> int:
    """Ana with two numbers and three calls, stored out of order."""
    with app.extensions["ivr"].database.unit_of_work() as session:
        customer = Customer(
            name="Ana García",
            language="es",
            notes="Prefers Spanish.",
            numbers=[CustomerNumber(number=ANA), CustomerNumber(number="+14155550199")],
        )
        session.add(customer)
        session.flush()
        session.add_all(
            [
                Call(
                    call_sid="CA-second",
                    customer_id=customer.id,
                    from_number=ANA,
                    started_at=T0 + timedelta(days=1),
                    answered_at=T0 + timedelta(days=1, seconds=40),
                    ended_at=T0 + timedelta(days=1, minutes=5),
                    status="completed",
                    outcome="answered",
                    queue="support",
                    wait_seconds=35,
                    reason="My bill is wrong",
                ),
                Call(
                    call_sid="CA-first",
                    customer_id=customer.id,
                    from_number=ANA,
                    started_at=T0,
                    status="completed",
                    outcome="voicemail",
                ),
                Call(
                    call_sid="CA-third",
                    customer_id=customer.id,
                    from_number="+14155550199",
                    started_at=T0 + timedelta(days=2),
                ),
            ]
        )
        return customer.id


def calls_of(response) -> list[str]:
    (customer,) = response.get_json()["customers"]
    return [call["call_sid"] for call in customer["calls"]]


def test_a_known_number_finds_the_customer_with_their_calls_newest_last(api: Api, ana) -> None:
    response = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager")
    assert response.status_code == 200
    (customer,) = response.get_json()["customers"]
    assert {k: customer[k] for k in ("id", "name", "language", "notes", "numbers")} == {
        "id": ana,
        "name": "Ana García",
        "language": "es",
        "notes": "Prefers Spanish.",
        "numbers": ["+14155550123", "+14155550199"],
    }
    assert calls_of(response) == ["CA-first", "CA-second", "CA-third"]
    assert customer["calls"][1] == {
        "call_sid": "CA-second",
        "direction": "inbound",
        "started_at": "2026-12-01T09:00:00Z",
        "answered_at": "2026-12-01T09:00:40Z",
        "ended_at": "2026-12-01T09:05:00Z",
        "status": "completed",
        "outcome": "answered",
        "queue": "support",
        "wait_seconds": 35,
        "reason": "My bill is wrong",
        "transcript": None,
        "transcript_status": None,
        "agent_id": None,
    }


def test_unlinked_calls_from_one_of_their_numbers_are_theirs_too(api: Api, app, ana) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        session.add(
            Call(call_sid="CA-before-on-file", from_number=ANA, started_at=T0 - timedelta(1))
        )
        session.add(Call(call_sid="CA-someone-else", from_number="+14155550000", started_at=T0))
    response = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager")
    assert calls_of(response) == ["CA-before-on-file", "CA-first", "CA-second", "CA-third"]


def test_a_call_linked_to_another_customer_stays_theirs(api: Api, app, ana) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        other = Customer(name="Sam", numbers=[CustomerNumber(number="+14155550124")])
        session.add(other)
        session.flush()
        session.add(Call(call_sid="CA-sam", customer_id=other.id, from_number=ANA, started_at=T0))
    response = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager")
    assert "CA-sam" not in calls_of(response)


def test_a_plus_sent_unencoded_is_understood(api: Api, ana) -> None:
    response = api.get(f"/customers?phone={ANA}", role="manager")  # "+" arrives as a space
    assert calls_of(response) == ["CA-first", "CA-second", "CA-third"]


def test_a_number_written_with_spaces_is_normalised(api: Api, ana) -> None:
    response = api.get("/customers?phone=%2B1%20415%20555%200123", role="manager")
    assert len(response.get_json()["customers"]) == 1


def test_an_unknown_number_is_an_empty_list_not_a_404(api: Api, ana) -> None:
    response = api.get("/customers?phone=%2B12025550199", role="manager")
    assert response.status_code == 200
    assert response.get_json() == {"customers": []}


@pytest.mark.parametrize("query", ["", "?phone=", "?phone=4155550123", "?phone=%2B1415"])
def test_a_missing_or_invalid_number_is_a_422_naming_phone(api: Api, query: str) -> None:
    response = api.get(f"/customers{query}", role="manager")
    assert response.status_code == 422
    assert "phone" in response.get_json()["error"]["fields"]
