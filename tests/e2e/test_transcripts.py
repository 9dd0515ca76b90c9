"""Nobody explains twice, end to end: a Korean caller says why they call, talks with an agent;
both recordings are downloaded by ``ivr worker`` and transcribed by ``ivr transcriber`` with the
real Korean Vosk model into the customer's file, read back through the API; their next call is
asked about that reason and goes to the same agent.

Speech is espeak-ng's, which the model recognises poorly: what the model heard is compared
with what the records and the next call say, never with what the caller "meant".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, TranscriptRecord
from ivr.core.access import Role
from ivr.sandbox import audio
from tests.e2e.conftest import TIME_SCALE, Live, running
from tests.helpers import FixedClock

CALLER = "+14155550188"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not audio.espeak_available(), reason="the caller's speech needs espeak-ng"),
]


@pytest.fixture
def live(sqlite_database: str, redis_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Live]:
    yield from running(
        sqlite_database,
        redis_url,
        clock,
        time_scale=TIME_SCALE,
        recordings_dir=tmp_path / "recordings",
        transcriber=True,
    )


def transcripts(live: Live) -> list[TranscriptRecord]:
    with live.database.unit_of_work() as session:
        rows = list(session.scalars(select(TranscriptRecord).order_by(TranscriptRecord.id)))
        session.expunge_all()
        return rows


def customer_file(live: Live, token: str) -> dict:
    response = requests.get(
        f"{live.settings.public_base_url}/api/v1/customers",
        params={"phone": CALLER},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    (customer,) = response.json()["customers"]
    return customer


def test_a_callers_words_reach_their_file_and_their_next_call(live: Live) -> None:
    for phone in ("+12025550111", "+12025550112"):
        live.agent_status(phone, "available")
    token = live.services.api_access.issue(Role.MANAGER, name="e2e").token

    # First call: Korean (key 3); the notice and the reason question, answered after the beep.
    call = live.call(CALLER)
    call.wait_for_prompt()
    call.press("3")
    heard = " ".join(p.text for p in call.wait_for_prompt() if p.text)
    assert "녹음" in heard  # the recording notice, in Korean
    call.stay_silent()  # the question's prompt ends; the recording starts after the beep
    call.wait_for_prompt()
    call.say_into_recording("요금이 너무 많이 나왔어요. 확인해 주세요.", finish_on_key="#")
    call.wait_for_prompt()  # the main menu, in Korean
    call.press("0")
    agent = live.agent_takes_call()
    call.wait_for_bridge(timeout=10)
    call.talk("안녕하세요. 이번 달 요금이 이상해요.", language="ko-KR")
    agent.talk("네, 고객님. 확인해 드리겠습니다.", language="ko-KR")
    call.hang_up()
    call.wait_for_status("completed")

    live.sandbox.wait_until(
        lambda: sorted(t.status for t in transcripts(live)) == ["done", "done"],
        timeout=120,
        what="both recordings transcribed",
    )
    reason_row, call_row = sorted(transcripts(live), key=lambda t: t.duration_seconds)
    heard_reason = " ".join(w[0] for s in reason_row.segments for w in s["words"])
    assert heard_reason, "the model heard no words in the caller's reason"

    customer = customer_file(live, token)
    (first,) = customer["calls"]
    assert first["call_sid"] == call.sid
    assert first["reason"] == heard_reason
    assert first["transcript_status"] == "done"
    assert first["transcript"] == call_row.text
    assert {r["kind"] for r in first["recordings"]} == {"reason", "call"}
    assert {s["speaker"] for s in first["segments"]} <= {"customer", "agent"}
    for segment in first["segments"]:
        for _word, start, end, confidence in segment["words"]:
            assert 0 <= start <= end <= call_row.duration_seconds and 0 <= confidence <= 1
    assert customer["language"] == "ko"
    (case,) = customer["cases"]
    assert case["status"] == "open" and case["call_sids"] == [call.sid]
    with live.database.unit_of_work() as session:
        first_agent = session.scalar(select(Agent.id).where(Agent.phone == agent.to))
    assert case["agent_id"] == first_agent

    # The next call, in Korean without asking, is asked about that reason; yes goes to the
    # same agent, although both are free.
    again = live.call(CALLER)
    question = " ".join(p.text for p in again.wait_for_prompt() if p.text)
    assert heard_reason in question
    again.press("1")
    leg = live.agent_takes_call()
    assert leg.to == agent.to
    again.wait_for_bridge(timeout=10)
    again.hang_up()
    again.wait_for_status("completed")
    (case,) = customer_file(live, token)["cases"]
    assert case["call_sids"] == [call.sid, again.sid]
