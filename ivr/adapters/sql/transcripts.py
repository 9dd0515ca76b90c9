"""``TranscriptRecords`` on SQLAlchemy: one transcript row per recording, written piecewise.

A piece is added with a conditional UPDATE (``WHERE transcribed_seconds = <where the piece
began>``): two runs of the same job, or a job and its own retry, can never add the same piece
twice, on SQLite or PostgreSQL, and the loser learns it wrote nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Recording, TranscriptRecord
from ivr.core.transcription import RecordingAudio, TranscribedPiece, TranscriptProgress
from ivr.core.transcripts import Segment, Transcript, TranscriptStatus, Word


def segments_to_json(segments: tuple[Segment, ...]) -> list[dict[str, Any]]:
    """The stored shape: ``[{"speaker", "start", "end", "words": [[text, start, end, conf]]}]``."""
    return [
        {
            "speaker": s.speaker,
            "start": s.start,
            "end": s.end,
            "words": [[w.text, w.start, w.end, w.confidence] for w in s.words],
        }
        for s in segments
    ]


def segments_from_json(stored: list[dict[str, Any]] | None) -> tuple[Segment, ...]:
    return tuple(
        Segment(
            speaker=item["speaker"],
            start=float(item["start"]),
            end=float(item["end"]),
            words=tuple(Word(str(t), float(a), float(b), float(c)) for t, a, b, c in item["words"]),
        )
        for item in stored or ()
    )


class SqlTranscripts:
    def __init__(self, database: Database, recordings_directory: Path) -> None:
        self._db = database
        self._directory = recordings_directory

    def recording(self, recording_id: int) -> RecordingAudio | None:
        with self._db.unit_of_work() as session:
            row = session.get(Recording, recording_id)
            if row is None:
                return None
            return RecordingAudio(
                id=row.id,
                recording_sid=row.recording_sid,
                call_sid=row.call_sid,
                kind=row.kind,
                language=row.language,
                status=row.status,
                path=self._directory / row.path if row.path else None,
            )

    def begin(self, recording: RecordingAudio) -> TranscriptProgress:
        for _ in range(2):  # a concurrent first run may insert between our look and our insert
            try:
                with self._db.unit_of_work() as session:
                    row = session.scalar(
                        select(TranscriptRecord).where(
                            TranscriptRecord.recording_id == recording.id
                        )
                    )
                    if row is None:
                        row = TranscriptRecord(
                            recording_id=recording.id,
                            call_sid=recording.call_sid,
                            status=str(TranscriptStatus.PENDING),
                            language=recording.language,
                            transcribed_seconds=0.0,
                            attempts=0,
                        )
                        session.add(row)
                    if row.status != TranscriptStatus.DONE:
                        row.attempts = (row.attempts or 0) + 1
                        row.language = recording.language
                    session.flush()
                    return TranscriptProgress(
                        status=row.status,
                        transcribed_seconds=row.transcribed_seconds or 0.0,
                        attempts=row.attempts,
                    )
            except IntegrityError:
                continue
        raise RuntimeError(f"recording {recording.id}: could not create its transcript row")

    def mark(self, recording_id: int, status: str, *, error: str | None) -> None:
        with self._db.unit_of_work() as session:
            session.execute(
                update(TranscriptRecord)
                .where(
                    TranscriptRecord.recording_id == recording_id,
                    TranscriptRecord.status != TranscriptStatus.DONE,
                )
                .values(status=str(status), error=error)
            )

    def store_piece(
        self,
        recording_id: int,
        *,
        expected_seconds: float,
        piece: TranscribedPiece,
        processing_seconds: float,
    ) -> bool:
        with self._db.unit_of_work() as session:
            row = session.scalar(
                select(TranscriptRecord).where(TranscriptRecord.recording_id == recording_id)
            )
            if row is None or row.transcribed_seconds != expected_seconds:
                return False
            kept = [s for s in row.segments or () if float(s["start"]) < piece.start_seconds]
            result = session.execute(
                update(TranscriptRecord)
                .where(
                    TranscriptRecord.id == row.id,
                    TranscriptRecord.transcribed_seconds == expected_seconds,
                )
                .values(
                    segments=kept + segments_to_json(piece.segments),
                    transcribed_seconds=piece.end_seconds,
                    model=piece.model,
                    duration_seconds=piece.duration_seconds,
                    processing_seconds=(row.processing_seconds or 0.0) + processing_seconds,
                    error=None,
                )
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def segments(self, recording_id: int) -> tuple[Segment, ...]:
        with self._db.unit_of_work() as session:
            stored = session.scalar(
                select(TranscriptRecord.segments).where(
                    TranscriptRecord.recording_id == recording_id
                )
            )
            return segments_from_json(stored)

    def complete(self, recording_id: int, transcript: Transcript) -> None:
        with self._db.unit_of_work() as session:
            session.execute(
                update(TranscriptRecord)
                .where(TranscriptRecord.recording_id == recording_id)
                .values(
                    status=str(TranscriptStatus.DONE),
                    model=transcript.model,
                    language=transcript.language,
                    text=transcript.text,
                    segments=segments_to_json(transcript.in_order()),
                    duration_seconds=transcript.duration_seconds,
                    error=None,
                    completed_at=datetime.now(UTC),
                )
            )

    def waiting(self, statuses: tuple[str, ...]) -> list[tuple[int, str | None]]:
        with self._db.unit_of_work() as session:
            rows = session.execute(
                select(TranscriptRecord.recording_id, TranscriptRecord.language)
                .where(TranscriptRecord.status.in_([str(s) for s in statuses]))
                .order_by(TranscriptRecord.id)
            )
            return [(r.recording_id, r.language) for r in rows]
