"""A manager looks a caller up by phone number and reads their file and calls, newest last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr.adapters.sql.models import (
    Call,
    Case,
    Customer,
    CustomerNumber,
    Recording,
    TranscriptRecord,
)
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
        "segments": [],
        "agent_id": None,
        "disposition": None,
        "case_id": None,
        "recordings": [],
        "category": None,
        "notes": [],
        "transferred_unresolved": False,
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


def recorded(session, call_sid: str, sid: str, kind: str, **transcript) -> None:
    recording = Recording(
        recording_sid=sid,
        call_sid=call_sid,
        kind=kind,
        source_url=f"https://api.example/Recordings/{sid}",
        channels=2 if kind == "call" else 1,
        duration_seconds=30,
        status="stored",
        reported_at=T0,
    )
    session.add(recording)
    session.flush()
    if transcript:
        session.add(TranscriptRecord(recording_id=recording.id, call_sid=call_sid, **transcript))


CONVERSATION = [
    {"speaker": "customer", "start": 0.5, "end": 1.7, "words": [["my", 0.5, 0.8, 0.9]]},
    {"speaker": "agent", "start": 2.0, "end": 2.6, "words": [["sure", 2.0, 2.6, 0.8]]},
]


def test_a_call_shows_its_transcript_by_speaker_and_its_recordings(api: Api, app, ana) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        recorded(
            session,
            "CA-second",
            "RE-call",
            "call",
            status="done",
            text="customer: my\nagent: sure",
            segments=CONVERSATION,
        )
        recorded(session, "CA-first", "RE-message", "voicemail")
    (customer,) = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager").get_json()["customers"]
    first, second, third = customer["calls"]
    assert second["transcript"] == "customer: my\nagent: sure"
    assert second["transcript_status"] == "done"
    assert [(s["speaker"], s["text"], s["words"]) for s in second["segments"]] == [
        ("customer", "my", [["my", 0.5, 0.8, 0.9]]),
        ("agent", "sure", [["sure", 2.0, 2.6, 0.8]]),
    ]
    assert second["recordings"] == [
        {
            "recording_sid": "RE-call",
            "kind": "call",
            "duration_seconds": 30,
            "status": "stored",
            "transcript_status": "done",
        }
    ]
    # A message not transcribed yet is pending, with no text; a call with nothing recorded
    # has no transcript state at all.
    assert (first["transcript"], first["transcript_status"]) == (None, "pending")
    assert (third["transcript"], third["transcript_status"]) == (None, None)


def test_a_language_without_a_model_says_so(api: Api, app, ana) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        recorded(session, "CA-third", "RE-en", "call", status="no-model", error="no model for 'en'")
    (customer,) = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager").get_json()["customers"]
    assert customer["calls"][2]["transcript_status"] == "no-model"
    assert customer["calls"][2]["transcript"] is None


def test_the_reason_comes_from_the_transcribed_reason_clip_when_not_given_in_words(
    api: Api, app, ana
) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        recorded(
            session,
            "CA-third",
            "RE-why",
            "reason",
            status="done",
            text="customer: no power since noon",
            segments=[
                {
                    "speaker": "customer",
                    "start": 0.2,
                    "end": 1.9,
                    "words": [[w, 0.2, 0.4, 0.9] for w in "no power since noon".split()],
                }
            ],
        )
    (customer,) = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager").get_json()["customers"]
    third = customer["calls"][2]
    assert third["reason"] == "no power since noon"
    # The reason clip is not "the transcript" of the call: that is the conversation's.
    assert third["transcript_status"] is None
    assert [r["kind"] for r in third["recordings"]] == ["reason"]


def test_cases_are_listed_newest_first_with_their_calls(api: Api, app, ana) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        old = Case(customer_id=ana, status="resolved", reason="meter", opened_at=T0, updated_at=T0)
        new = Case(
            customer_id=ana,
            status="open",
            reason="My bill is wrong",
            opened_at=T0 + timedelta(days=1),
            updated_at=T0 + timedelta(days=2),
        )
        session.add_all([old, new])
        session.flush()
        for call in session.query(Call).filter(Call.call_sid.in_(["CA-second", "CA-third"])):
            call.case_id = new.id
    (customer,) = api.get(f"/customers?phone=%2B{ANA[1:]}", role="manager").get_json()["customers"]
    assert [(c["status"], c["reason"], c["call_sids"]) for c in customer["cases"]] == [
        ("open", "My bill is wrong", ["CA-second", "CA-third"]),
        ("resolved", "meter", []),
    ]


def test_an_agent_resolves_a_call_and_its_case_closes(api: Api, app, ana) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        case = Case(customer_id=ana, status="open", opened_at=T0, updated_at=T0)
        session.add(case)
        session.flush()
        session.query(Call).filter(Call.call_sid == "CA-second").one().case_id = case.id
        case_id = case.id
    follow_up = api.put(
        "/calls/CA-second/disposition", json={"disposition": "follow-up"}, role="agent"
    )
    assert follow_up.status_code == 200
    assert follow_up.get_json() == {
        "call_sid": "CA-second",
        "disposition": "follow-up",
        "case_id": case_id,
        "case_status": "open",
        "category": None,
    }
    resolved = api.put(
        "/calls/CA-second/disposition", json={"disposition": "resolved"}, role="agent"
    )
    assert resolved.get_json()["case_status"] == "resolved"
    with app.extensions["ivr"].database.unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case.status == "resolved" and case.resolved_at is not None
        assert session.query(Call).filter(Call.call_sid == "CA-second").one().disposition == (
            "resolved"
        )


def test_a_disposition_for_an_unknown_call_or_with_a_wrong_value_is_refused(api: Api, ana) -> None:
    assert (
        api.put("/calls/CA-nobody/disposition", json={"disposition": "resolved"}).status_code == 404
    )
    wrong = api.put("/calls/CA-second/disposition", json={"disposition": "fixed"}, role="agent")
    assert wrong.status_code == 422
    assert "disposition" in wrong.get_json()["error"]["fields"]
