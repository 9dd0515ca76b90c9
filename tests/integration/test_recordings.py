"""Recordings through the app: the signed callback, the download from a real carrier API (the
sandbox, or a server that fails on purpose), RQ's retries, storage with checksum, pruning.
Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
import wave
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select, update
from werkzeug.serving import make_server

from ivr.adapters.jobs import TRANSCRIBE_HIGH_QUEUE, TRANSCRIBE_QUEUE, RqJobs
from ivr.adapters.sql.models import Call, Recording, TranscriptRecord, Voicemail
from ivr.config import RecordingSettings
from ivr.sandbox import Sandbox, audio
from ivr.sandbox.models import Recording as CarrierRecording
from ivr.services.recordings import DownloadFailed
from tests.helpers import ACCOUNT_SID, AUTH_TOKEN, call_params

CALL_SID = "CA" + "7" * 32


def sid(n: int) -> str:
    return "RE" + f"{n:032x}"


def callback(recording_sid: str, **overrides: str) -> dict[str, str]:
    """A recordingStatusCallback as Twilio posts it for a <Dial record> recording."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": CALL_SID,
        "RecordingSid": recording_sid,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/"
        + recording_sid,
        "RecordingStatus": "completed",
        "RecordingDuration": "2",
        "RecordingChannels": "2",
        "RecordingStartTime": "Tue, 01 Dec 2026 15:00:00 +0000",
        "RecordingSource": "DialVerb",
        "RecordingTrack": "both",
    }
    params.update(overrides)
    return params


class FlakyCarrier:
    """A carrier API that answers 404 (media not ready yet) ``failures`` times, then the WAV."""

    def __init__(self, wav: bytes, failures: int) -> None:
        self.wav, self.failures, self.requests = wav, failures, []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _app(self, environ, start_response):
        self.requests.append((environ["PATH_INFO"], environ.get("HTTP_AUTHORIZATION", "")))
        if len(self.requests) <= self.failures:
            start_response("404 NOT FOUND", [("Content-Type", "application/json")])
            return [b'{"code": 20404, "message": "The requested resource was not found"}']
        start_response("200 OK", [("Content-Type", "audio/x-wav")])
        return [self.wav]

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def carrier_api() -> Iterator[Sandbox]:
    sandbox = Sandbox(ACCOUNT_SID, AUTH_TOKEN, time_scale=0.02)
    sandbox.serve()
    sandbox.engine.media_auth = True  # our download must authenticate
    yield sandbox
    sandbox.close()


@pytest.fixture
def settings(settings, tmp_path, carrier_api):
    return replace(
        settings,
        twilio_api_base_url=carrier_api.base_url,
        recording=RecordingSettings(directory=tmp_path / "recordings", retention_days=30),
    )


def on_the_carrier(sandbox: Sandbox, recording_sid: str, *, seconds: float = 2) -> bytes:
    """The carrier holds a 2-channel recording of ``seconds``."""
    wav = audio.tracks([[], []], total_seconds=seconds)
    now = datetime.now(UTC)
    sandbox.engine.add_recording(
        CarrierRecording(
            sid=recording_sid,
            call_sid=CALL_SID,
            source="DialVerb",
            duration_seconds=int(seconds),
            channels=2,
            wav=wav,
            started_at=now,
            created_at=now,
        )
    )
    return wav


def rows(app) -> list[Recording]:
    with app.extensions["ivr"].database.unit_of_work() as session:
        return list(session.scalars(select(Recording).order_by(Recording.id)))


def test_the_same_completed_callback_twice_is_one_recording_and_one_download(app, carrier):
    jobs = app.extensions["ivr"].jobs
    for _ in range(2):
        response = carrier.post("/voice/recording?kind=call", callback(sid(1)))
        assert response.status_code == 200
        assert response.get_data(as_text=True).endswith("<Response />")
    (row,) = rows(app)
    assert (row.recording_sid, row.kind, row.status, row.channels) == (
        sid(1),
        "call",
        "reported",
        2,
    )
    assert row.call_sid == CALL_SID and row.duration_seconds == 2
    (job,) = jobs.default.get_jobs()
    assert job.func_name == "workers.recordings.download" and job.args == (row.id,)


def test_the_callers_language_is_copied_onto_the_recording(app, carrier):
    carrier.post("/voice/incoming", call_params(CALL_SID))
    with app.extensions["ivr"].database.unit_of_work() as session:  # the caller chose Spanish
        session.execute(update(Call).where(Call.call_sid == CALL_SID).values(language="es"))
    carrier.post("/voice/recording?kind=call", callback(sid(2)))
    (row,) = rows(app)
    assert row.language == "es"


def test_a_voicemail_is_kept_as_a_voicemail_too_but_a_call_is_not(app, carrier):
    carrier.post("/voice/recording", callback(sid(3), RecordingSource="RecordVerb"))
    carrier.post("/voice/recording?kind=call", callback(sid(4)))
    assert [(r.recording_sid, r.kind) for r in rows(app)] == [
        (sid(3), "voicemail"),
        (sid(4), "call"),
    ]
    with app.extensions["ivr"].database.unit_of_work() as session:
        assert list(session.scalars(select(Voicemail.recording_sid))) == [sid(3)]


def test_absent_audio_is_recorded_as_absent_and_not_downloaded(app, carrier):
    carrier.post(
        "/voice/recording?kind=reason",
        callback(sid(5), RecordingStatus="absent", RecordingDuration="0", ErrorCode="16101"),
    )
    carrier.post("/voice/recording?kind=call", callback(sid(6), RecordingStatus="in-progress"))
    (row,) = rows(app)
    assert (row.recording_sid, row.status) == (sid(5), "absent")
    assert "no audio" in row.last_error and "16101" in row.last_error
    assert app.extensions["ivr"].jobs.default.count == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"RecordingSid": "../../etc/passwd"},
        {"RecordingSid": ""},
        {"RecordingStatus": "exploded"},
        {"CallSid": ""},
    ],
)
def test_a_callback_we_cannot_use_is_acknowledged_and_changes_nothing(app, carrier, bad):
    response = carrier.post("/voice/recording?kind=call", callback(sid(7), **bad))
    assert response.status_code == 200 and "<Response" in response.get_data(as_text=True)
    assert rows(app) == []


def test_an_unknown_kind_changes_nothing(app, carrier):
    response = carrier.post("/voice/recording?kind=podcast", callback(sid(8)))
    assert response.status_code == 200
    assert rows(app) == []


def test_an_unsigned_recording_callback_is_refused(client):
    assert client.post("/voice/recording?kind=call", data=callback(sid(9))).status_code == 403


def test_the_download_stores_the_carriers_wav_with_its_checksum_then_queues_transcription(
    app, carrier, carrier_api, settings
):
    wav = on_the_carrier(carrier_api, sid(10))
    carrier.post("/voice/recording?kind=call", callback(sid(10)))
    (row,) = rows(app)
    recordings = app.extensions["ivr"].recordings
    assert "stored" in recordings.download(row.id, final_attempt=True)

    (row,) = rows(app)
    stored = settings.recording.directory / row.path
    assert row.status == "stored" and row.path.endswith(f"/{sid(10)}.wav")
    assert stored.read_bytes() == wav
    assert row.sha256 == hashlib.sha256(wav).hexdigest() and row.size_bytes == len(wav)
    with wave.open(str(stored)) as audio_file:
        assert (audio_file.getnchannels(), audio_file.getframerate()) == (2, 8000)
    (job,) = RqJobs(app.extensions["ivr"].redis).transcribe_normal.get_jobs()
    assert job.func_name == "workers.transcribe.transcribe" and job.args == (row.id,)
    assert job.origin == TRANSCRIBE_QUEUE

    # Run again (a retry, `ivr recordings fetch`): nothing changes, nothing more is queued.
    modified = stored.stat().st_mtime_ns
    assert "already stored" in recordings.download(row.id, final_attempt=True)
    assert stored.stat().st_mtime_ns == modified
    assert rows(app)[0].attempts == 1
    assert RqJobs(app.extensions["ivr"].redis).transcribe_normal.count == 1


def test_a_reason_clip_is_transcribed_on_the_high_priority_queue(app, carrier, carrier_api):
    on_the_carrier(carrier_api, sid(11), seconds=3)
    carrier.post(
        "/voice/recording?kind=reason",
        callback(sid(11), RecordingSource="RecordVerb", RecordingChannels="1"),
    )
    (row,) = rows(app)
    app.extensions["ivr"].recordings.download(row.id, final_attempt=True)
    jobs = RqJobs(app.extensions["ivr"].redis)
    assert [j.origin for j in jobs.transcribe_high.get_jobs()] == [TRANSCRIBE_HIGH_QUEUE]
    assert jobs.transcribe_normal.count == 0


def test_a_failed_attempt_is_counted_and_the_last_one_marks_the_recording_failed(
    app, carrier, settings
):
    carrier.post("/voice/recording?kind=call", callback(sid(12)))  # the carrier never has it
    (row,) = rows(app)
    recordings = app.extensions["ivr"].recordings
    with pytest.raises(DownloadFailed, match="HTTP 404"):
        recordings.download(row.id, final_attempt=False)
    assert (rows(app)[0].status, rows(app)[0].attempts) == ("reported", 1)
    with pytest.raises(DownloadFailed):
        recordings.download(row.id, final_attempt=True)
    (row,) = rows(app)
    assert (row.status, row.attempts) == ("failed", 2)
    assert "HTTP 404" in row.last_error and f"{sid(12)}.wav" in row.last_error
    assert not any(settings.recording.directory.rglob("*"))  # nothing half-written

    # `ivr recordings fetch` puts it back in line.
    app.extensions["ivr"].jobs.default.empty()
    (queued,) = recordings.fetch_again()
    assert queued.recording_sid == sid(12) and rows(app)[0].status == "reported"
    assert app.extensions["ivr"].jobs.default.count == 1


@pytest.fixture
def worker_env(monkeypatch, settings):
    """The environment an ``ivr worker`` process reads, for RQ's own worker run here."""
    import workers.runtime

    for name, value in {
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_PHONE_NUMBER": settings.twilio_phone_number,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "REDIS_URL": settings.redis_url,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "IVR_RECORDINGS_DIR": str(settings.recording.directory),
    }.items():
        monkeypatch.setenv(name, value)

    def configure(api_base_url: str):
        monkeypatch.setenv("TWILIO_API_BASE_URL", api_base_url)
        workers.runtime.services.cache_clear()

    yield configure
    if workers.runtime.services.cache_info().currsize:
        workers.runtime.services().close()
    workers.runtime.services.cache_clear()


def run_downloads(app, retries: tuple[int, ...]) -> None:
    """Queue every reported recording's download with RQ retries and let a real RQ worker
    (in this process) run the queue dry, retries included."""
    redis = app.extensions["ivr"].redis
    jobs = RqJobs(redis, download_retry_seconds=retries)
    for row in rows(app):
        jobs.download_recording(row.id)
    SimpleWorker([jobs.default], connection=redis).work(burst=True)


def test_rq_retries_a_download_until_the_carrier_has_the_media(app, worker_env, settings):
    wav = audio.tracks([[], []], total_seconds=1)
    flaky = FlakyCarrier(wav, failures=2)
    try:
        worker_env(flaky.base_url)
        with app.extensions["ivr"].database.unit_of_work() as session:
            session.add(_reported(sid(13)))
        run_downloads(app, retries=(0, 0))
    finally:
        flaky.close()
    (row,) = rows(app)
    assert (row.status, row.attempts, row.last_error) == ("stored", 3, None)
    assert (settings.recording.directory / row.path).read_bytes() == wav
    path, authorization = flaky.requests[-1]
    assert path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{sid(13)}.wav"
    assert authorization.startswith("Basic ")


def test_when_rq_has_spent_every_retry_the_recording_is_failed_with_its_error(
    app, worker_env, settings
):
    flaky = FlakyCarrier(b"", failures=99)
    try:
        worker_env(flaky.base_url)
        with app.extensions["ivr"].database.unit_of_work() as session:
            session.add(_reported(sid(14)))
        run_downloads(app, retries=(0, 0))
    finally:
        flaky.close()
    (row,) = rows(app)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "HTTP 404" in row.last_error
    assert len(flaky.requests) == 3


def _reported(recording_sid: str, *, days_ago: int = 0, kind: str = "call") -> Recording:
    return Recording(
        recording_sid=recording_sid,
        call_sid=CALL_SID,
        kind=kind,
        source_url=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/"
        + recording_sid,
        channels=2,
        status="reported",
        attempts=0,
        reported_at=datetime.now(UTC) - timedelta(days=days_ago),
    )


def test_prune_deletes_old_audio_keeps_the_transcript_and_is_safe_twice(app, carrier_api, settings):
    services = app.extensions["ivr"]
    with services.database.unit_of_work() as session:
        session.add_all([_reported(sid(20), days_ago=45), _reported(sid(21), days_ago=3)])
    for row in rows(app):
        on_the_carrier(carrier_api, row.recording_sid)
        services.recordings.download(row.id, final_attempt=True)
    old, recent = rows(app)
    with services.database.unit_of_work() as session:
        session.add(TranscriptRecord(recording_id=old.id, call_sid=CALL_SID, status="done"))
    old_file = settings.recording.directory / old.path

    result = services.recordings.prune()  # IVR_RECORDING_RETENTION_DAYS=30
    assert result.pruned == [sid(20)] and result.missing == [] and result.errors == []
    assert not old_file.exists()
    assert (settings.recording.directory / recent.path).exists()
    old, recent = rows(app)
    assert (old.status, recent.status) == ("pruned", "stored")
    assert old.pruned_at is not None and old.sha256 is not None  # what was kept, on record
    with services.database.unit_of_work() as session:
        (transcript,) = session.scalars(select(TranscriptRecord))
        assert transcript.recording_id == old.id and transcript.status == "done"

    again = services.recordings.prune()
    assert again.pruned == []
    assert "pruned" in services.recordings.download(old.id, final_attempt=True)


def test_prune_marks_a_recording_whose_file_is_already_gone(app, carrier_api, settings):
    services = app.extensions["ivr"]
    with services.database.unit_of_work() as session:
        session.add(_reported(sid(22), days_ago=40))
    (row,) = rows(app)
    on_the_carrier(carrier_api, row.recording_sid)
    services.recordings.download(row.id, final_attempt=True)
    (settings.recording.directory / rows(app)[0].path).unlink()
    result = services.recordings.prune(days=10)
    assert result.pruned == [sid(22)] and result.missing == [sid(22)]


def test_a_stored_recording_whose_file_vanished_is_downloaded_again(app, carrier_api, settings):
    services = app.extensions["ivr"]
    with services.database.unit_of_work() as session:
        session.add(_reported(sid(23)))
    (row,) = rows(app)
    wav = on_the_carrier(carrier_api, row.recording_sid)
    services.recordings.download(row.id, final_attempt=True)
    stored = settings.recording.directory / rows(app)[0].path
    stored.write_bytes(b"RIFF corrupted")
    services.recordings.download(row.id, final_attempt=True)
    assert stored.read_bytes() == wav and rows(app)[0].status == "stored"
