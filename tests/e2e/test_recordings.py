"""A recorded call end to end: the caller reaches an agent with recording on, both speak, they
hang up, and a real ``ivr worker`` downloads the two-channel recording into the recordings
directory; the carrier repeating its callback changes nothing."""

from __future__ import annotations

import hashlib
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
from sqlalchemy import select

from ivr.adapters.sql.models import Recording
from ivr.sandbox import audio
from tests.e2e.conftest import TIME_SCALE, Live, running
from tests.helpers import CALLFLOWS, FixedClock

STRANGER = "+14155550177"
pytestmark = pytest.mark.e2e


@pytest.fixture
def recorded_flows() -> Path:
    """The demo flows: the demo flow records its agent calls."""
    assert "\nrecording:\n  calls: true\n" in (CALLFLOWS / "demo.yaml").read_text()
    return CALLFLOWS


@pytest.fixture
def recorded(
    sqlite_database: str, redis_url: str, clock: FixedClock, recorded_flows: Path, tmp_path: Path
) -> Iterator[Live]:
    yield from running(
        sqlite_database,
        redis_url,
        clock,
        time_scale=TIME_SCALE,
        callflows_dir=recorded_flows,
        recordings_dir=tmp_path / "recordings",
    )


def downloads_queued(live: Live) -> int:
    """Download jobs ever queued: waiting, running, finished or failed (RQ keeps them all)."""
    queue = live.services.jobs.default
    ids = set(queue.job_ids)
    for registry in (
        StartedJobRegistry(queue=queue),
        FinishedJobRegistry(queue=queue),
        FailedJobRegistry(queue=queue),
    ):
        ids.update(registry.get_job_ids())
    jobs = [Job.fetch(i, connection=queue.connection) for i in ids]
    return sum(1 for job in jobs if job.func_name == "workers.recordings.download")


def recordings(live: Live) -> list[Recording]:
    with live.database.unit_of_work() as session:
        return list(session.scalars(select(Recording).order_by(Recording.id)))


@pytest.mark.skipif(not audio.espeak_available(), reason="the parties' speech needs espeak-ng")
def test_a_recorded_call_is_downloaded_by_the_worker_with_its_checksum(recorded: Live) -> None:
    live = recorded
    call = live.call(STRANGER)
    for key in ("1", "0"):  # English, then a person
        call.wait_for_prompt()
        call.press(key)
    live.agent_takes_call()
    agent = call.wait_for_bridge(timeout=10)
    call.talk("Hello, my heating has stopped working")
    agent.talk("I am sorry to hear that, let me look at your account")
    call.hang_up()
    call.wait_for_status("completed")

    (carrier_copy,) = [r for r in live.sandbox.recordings() if r.source == "DialVerb"]
    assert carrier_copy.channels == 2 and carrier_copy.call_sid == call.sid
    live.sandbox.wait_until(
        lambda: [r.status for r in recordings(live)] == ["stored"],
        timeout=30,
        what="the worker to store the recording",
    )
    (row,) = recordings(live)
    assert (row.recording_sid, row.call_sid, row.kind) == (carrier_copy.sid, call.sid, "call")
    assert row.language == "en" and row.channels == 2
    stored = live.settings.recording.directory / row.path
    assert row.path.endswith(f"/{carrier_copy.sid}.wav")
    data = stored.read_bytes()
    assert data == carrier_copy.wav
    assert row.sha256 == hashlib.sha256(data).hexdigest() and row.size_bytes == len(data)
    with wave.open(str(stored)) as downloaded:
        assert downloaded.getnchannels() == 2
        assert downloaded.getframerate() == 8000
        assert downloaded.getsampwidth() == 2

    # The carrier sends the same callback again (Twilio may): nothing changes.
    (sent,) = [
        r
        for r in live.sandbox.requests
        if r.kind == "recording-status" and r.params.get("RecordingStatus") == "completed"
    ]
    assert "kind=call" in sent.url
    again = requests.post(
        sent.url, data=sent.params, headers={"X-Twilio-Signature": sent.signature}, timeout=10
    )
    assert again.status_code == 200
    modified = stored.stat().st_mtime_ns
    assert downloads_queued(live) == 1  # the first callback's, and no other
    (after,) = recordings(live)
    assert (after.status, after.attempts, after.sha256) == ("stored", row.attempts, row.sha256)
    assert stored.stat().st_mtime_ns == modified
    assert [f"{e.error_code} {e.message}" for e in live.sandbox.errors] == []
