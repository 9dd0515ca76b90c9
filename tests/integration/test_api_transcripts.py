"""Managers search what callers said, and may hear a recording; agents may do neither."""

from __future__ import annotations

import wave
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import (
    Call,
    CallEvent,
    Customer,
    Recording,
    TranscriptRecord,
    Transfer,
)
from tests.api import Api
from tests.console import make_user, sign_in
from tests.helpers import with_settings

SID = "RE" + "a" * 32
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings, tmp_path: Path):
    """Recordings in a folder of this test's own."""
    return with_settings(settings, recording=replace(settings.recording, directory=tmp_path))


@pytest.fixture
def api(app) -> Api:
    return Api(app)


def write_wav(path: Path, seconds: float = 0.5) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x01" * int(8000 * seconds))
    return path.read_bytes()


@pytest.fixture
def recorded_call(app) -> None:
    """Ana's call: a stored recording, its redacted transcript, and her reason."""
    with app.extensions["ivr"].database.unit_of_work() as session:
        customer = Customer(name="Ana García")
        session.add(customer)
        session.flush()
        session.add(
            Call(call_sid="CA1", customer_id=customer.id, started_at=T0, reason="billing error")
        )
        recording = Recording(
            recording_sid=SID,
            call_sid="CA1",
            kind="call",
            source_url="x",
            status="stored",
            path="2026/11/30/" + SID + ".wav",
        )
        session.add(recording)
        session.flush()
        session.add(
            TranscriptRecord(
                recording_id=recording.id,
                call_sid="CA1",
                status="done",
                text="customer: my card is [card]\nagent: I will fix the billing now",
            )
        )


def test_a_manager_finds_a_call_by_a_word_said_in_it(api: Api, recorded_call) -> None:
    response = api.get("/transcripts?q=fix", role="manager")
    assert response.status_code == 200
    (hit,) = response.get_json()["hits"]
    assert hit["call_sid"] == "CA1" and hit["source"] == "transcript"
    assert hit["recording_sid"] == SID
    assert hit["customer"]["name"] == "Ana García"
    assert hit["started_at"].startswith("2026-11-30T09:00:00")
    assert hit["speaker"] == "agent"
    assert hit["snippet"] == "agent: I will fix the billing now"
    assert hit["snippet_html"] == "agent: I will <mark>fix</mark> the billing now"
    (start, end) = hit["highlights"][0]
    assert hit["snippet"][start:end] == "fix"


def test_a_word_of_the_reason_finds_the_call_too(api: Api, recorded_call) -> None:
    hits = api.get("/transcripts?q=billing", role="admin").get_json()["hits"]
    assert sorted(hit["source"] for hit in hits) == ["reason", "transcript"]
    reason = next(hit for hit in hits if hit["source"] == "reason")
    assert reason["snippet_html"] == "<mark>billing</mark> error"
    assert reason["speaker"] is None and reason["recording_sid"] is None


def test_a_card_number_is_found_by_its_mask_never_by_its_digits(api: Api, recorded_call) -> None:
    assert len(api.get("/transcripts?q=card", role="manager").get_json()["hits"]) == 1
    assert api.get("/transcripts?q=4111111111111111", role="manager").get_json()["hits"] == []


def test_hits_come_a_page_at_a_time(api: Api, recorded_call) -> None:
    first = api.get("/transcripts?q=billing&limit=1", role="manager").get_json()
    second = api.get("/transcripts?q=billing&limit=1&offset=1", role="manager").get_json()
    assert (first["limit"], second["offset"]) == (1, 1)
    assert len(first["hits"]) == len(second["hits"]) == 1
    assert first["hits"][0]["source"] != second["hits"][0]["source"]


def test_an_agent_may_not_search_transcripts(api: Api, recorded_call) -> None:
    response = api.get("/transcripts?q=billing", role="agent")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("q", "field"),
    [("", "q"), ("   ", "q"), ("x" * 201, "q"), ("***", "q"), ("-billing", "q")],
)
def test_a_query_with_nothing_to_search_is_a_422(api: Api, q: str, field: str) -> None:
    response = api.get("/transcripts", query_string={"q": q}, role="manager")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_no_q_at_all_is_a_422(api: Api) -> None:
    response = api.get("/transcripts", role="manager")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"q": "required"}


@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(a b)", "bill*", "a -", "(", "'--", "요금"])
def test_query_syntax_typed_by_a_user_never_fails_the_search(api: Api, recorded_call, q) -> None:
    response = api.get("/transcripts", query_string={"q": q}, role="manager")
    assert response.status_code in (200, 422)


def test_a_manager_hears_the_stored_audio_and_the_access_is_recorded(
    app, api: Api, settings, recorded_call
) -> None:
    data = write_wav(settings.recording.directory / "2026/11/30" / f"{SID}.wav")
    response = api.get(f"/recordings/{SID}/audio", role="manager")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.get_data() == data
    with app.extensions["ivr"].database.unit_of_work() as session:
        (event,) = session.scalars(select(CallEvent).where(CallEvent.kind == "audio-accessed"))
        assert event.call_sid == "CA1"
        assert event.detail["recording_sid"] == SID
        assert event.detail["by"] == "test manager" and event.detail["role"] == "manager"


def test_the_audio_can_be_fetched_in_ranges_for_seeking(api: Api, settings, recorded_call) -> None:
    data = write_wav(settings.recording.directory / "2026/11/30" / f"{SID}.wav")
    response = api.get(f"/recordings/{SID}/audio", role="admin", headers={"Range": "bytes=0-43"})
    assert response.status_code == 206
    assert response.get_data() == data[:44]


def test_a_signed_in_agent_hears_a_call_they_took_but_not_another_agents(
    app, settings, recorded_call
) -> None:
    write_wav(settings.recording.directory / "2026/11/30" / f"{SID}.wav")
    services = app.extensions["ivr"]
    took_it, other = make_user(services, "agent"), make_user(services, "agent")
    with services.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == "CA1")).one()
        call.agent_id = took_it.account.agent_id
    theirs, not_theirs = app.test_client(), app.test_client()
    sign_in(theirs, took_it)
    sign_in(not_theirs, other)
    assert theirs.get(f"/api/v1/recordings/{SID}/audio").status_code == 200
    refused = not_theirs.get(f"/api/v1/recordings/{SID}/audio")
    assert refused.status_code == 403
    assert "only the calls they took" in refused.get_json()["error"]["message"]
    (listened,) = services.audit_log.recent(action="recording.listen")
    assert listened.actor == f"user:{took_it.account.id} {took_it.email}"
    assert listened.target == f"recording:{SID}"


def test_an_agent_who_took_the_call_and_transferred_it_may_still_hear_it(
    app, settings, recorded_call
) -> None:
    """The call's row names the last agent; the first one spoke on it too (their channel is
    in the recording), so the transfer row lets them back in, as it does for their notes."""
    write_wav(settings.recording.directory / "2026/11/30" / f"{SID}.wav")
    services = app.extensions["ivr"]
    first, second = make_user(services, "agent"), make_user(services, "agent")
    with services.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == "CA1")).one()
        call.agent_id = second.account.agent_id
        session.add(
            Transfer(
                call_sid="CA1",
                from_agent_id=first.account.agent_id,
                to_agent_id=second.account.agent_id,
                status="connected",
            )
        )
    browser = app.test_client()
    sign_in(browser, first)
    assert browser.get(f"/api/v1/recordings/{SID}/audio").status_code == 200


def test_each_listen_is_audited_once_not_once_per_range_the_player_fetches(
    app, api: Api, settings, recorded_call
) -> None:
    write_wav(settings.recording.directory / "2026/11/30" / f"{SID}.wav")
    for byte_range in ("bytes=0-", "bytes=4000-", "bytes=6000-7000"):
        assert (
            api.get(
                f"/recordings/{SID}/audio", role="manager", headers={"Range": byte_range}
            ).status_code
            == 206
        )
    assert len(app.extensions["ivr"].audit_log.recent(action="recording.listen")) == 1


def test_an_agent_may_not_hear_the_original_audio(app, api: Api, settings, recorded_call) -> None:
    write_wav(settings.recording.directory / "2026/11/30" / f"{SID}.wav")
    response = api.get(f"/recordings/{SID}/audio", role="agent")
    assert response.status_code == 403
    with app.extensions["ivr"].database.unit_of_work() as session:
        assert (
            session.scalars(select(CallEvent).where(CallEvent.kind == "audio-accessed")).all() == []
        )


def test_an_unknown_recording_is_a_404(api: Api) -> None:
    response = api.get("/recordings/RE404/audio", role="manager")
    assert response.status_code == 404
    assert "no recording" in response.get_json()["error"]["message"]


def test_a_pruned_recording_is_a_404_that_says_so(app, api: Api, recorded_call) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        recording = session.scalars(select(Recording)).one()
        recording.status, recording.path = "pruned", None
        recording.pruned_at = datetime(2027, 1, 2, tzinfo=UTC)
    response = api.get(f"/recordings/{SID}/audio", role="manager")
    assert response.status_code == 404
    message = response.get_json()["error"]["message"]
    assert "pruned on 2027-01-02" in message and "transcript is kept" in message


def test_a_recording_not_downloaded_yet_is_a_404(app, api: Api, recorded_call) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        session.scalars(select(Recording)).one().path = None
    response = api.get(f"/recordings/{SID}/audio", role="manager")
    assert response.status_code == 404
    assert "not downloaded yet" in response.get_json()["error"]["message"]


def test_a_missing_audio_file_is_a_404(api: Api, recorded_call) -> None:
    response = api.get(f"/recordings/{SID}/audio", role="manager")
    assert response.status_code == 404
    assert "missing" in response.get_json()["error"]["message"]
