"""The ``recordings`` table: one row per RecordingSid, and the state of our copy of its audio.

Every change is a conditional UPDATE (``WHERE status = ...``), so a duplicate callback, a job
run twice, or two workers at once never move a recording backwards or count it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call, Recording
from ivr.adapters.sql.records import insert_if_new
from ivr.core.recordings import RecordingKind, RecordingReport, RecordingStatus


@dataclass(frozen=True)
class StoredRecording:
    """A row as the services see it (no ORM object leaves this module)."""

    id: int
    recording_sid: str
    call_sid: str
    kind: RecordingKind
    status: RecordingStatus
    source_url: str
    channels: int
    duration_seconds: int | None
    language: str | None
    attempts: int
    last_error: str | None
    path: str | None
    sha256: str | None
    size_bytes: int | None
    reported_at: datetime
    stored_at: datetime | None
    pruned_at: datetime | None


def _stored(row: Recording) -> StoredRecording:
    return StoredRecording(
        id=row.id,
        recording_sid=row.recording_sid,
        call_sid=row.call_sid,
        kind=RecordingKind(row.kind),
        status=RecordingStatus(row.status),
        source_url=row.source_url,
        channels=row.channels,
        duration_seconds=row.duration_seconds,
        language=row.language,
        attempts=row.attempts,
        last_error=row.last_error,
        path=row.path,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        reported_at=row.reported_at,
        stored_at=row.stored_at,
        pruned_at=row.pruned_at,
    )


class SqlRecordings:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self, report: RecordingReport, status: RecordingStatus, *, error: str | None = None
    ) -> int | None:
        """Insert the recording once; returns its id when this report created it, None when
        the RecordingSid was already known (a duplicate callback changes nothing). The call's
        language is copied from its record: it picks the speech model."""
        with self._db.unit_of_work() as session:
            language = session.scalar(select(Call.language).where(Call.call_sid == report.call_sid))
            created = insert_if_new(
                session,
                Recording.__table__,
                {
                    "recording_sid": report.recording_sid,
                    "call_sid": report.call_sid,
                    "kind": str(report.kind),
                    "source_url": report.url,
                    "channels": report.channels,
                    "duration_seconds": report.duration_seconds,
                    "language": language,
                    "status": str(status),
                    "attempts": 0,
                    "last_error": error,
                    "reported_at": report.at,
                },
            )
            if not created:
                return None
            return session.scalar(
                select(Recording.id).where(Recording.recording_sid == report.recording_sid)
            )

    def get(self, recording_id: int) -> StoredRecording | None:
        with self._db.unit_of_work() as session:
            row = session.get(Recording, recording_id)
            return _stored(row) if row else None

    def by_sid(self, recording_sid: str) -> StoredRecording | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(
                select(Recording).where(Recording.recording_sid == recording_sid)
            ).first()
            return _stored(row) if row else None

    def listed(
        self, *, statuses: tuple[RecordingStatus, ...] = (), limit: int = 100
    ) -> list[StoredRecording]:
        """Newest first."""
        query = select(Recording).order_by(Recording.id.desc()).limit(limit)
        if statuses:
            query = query.where(Recording.status.in_([str(s) for s in statuses]))
        with self._db.unit_of_work() as session:
            return [_stored(row) for row in session.scalars(query)]

    def attempt_failed(self, recording_id: int, error: str, *, final: bool) -> None:
        """Count the attempt; after the last one the recording is ``failed``, visible, and
        ``ivr recordings fetch`` can try again."""
        values: dict = {"attempts": Recording.attempts + 1, "last_error": error[:2000]}
        if final:
            values["status"] = str(RecordingStatus.FAILED)
        with self._db.unit_of_work() as session:
            session.execute(
                update(Recording)
                .where(
                    Recording.id == recording_id,
                    Recording.status.in_(
                        [str(RecordingStatus.REPORTED), str(RecordingStatus.FAILED)]
                    ),
                )
                .values(**values)
            )

    def stored(
        self, recording_id: int, *, path: str, sha256: str, size_bytes: int, at: datetime
    ) -> bool:
        """Our copy is on disk: True when this call recorded it (not already stored)."""
        with self._db.unit_of_work() as session:
            done = session.execute(
                update(Recording)
                .where(
                    Recording.id == recording_id,
                    Recording.status.in_(
                        [str(RecordingStatus.REPORTED), str(RecordingStatus.FAILED)]
                    ),
                )
                .values(
                    status=str(RecordingStatus.STORED),
                    path=path,
                    sha256=sha256,
                    size_bytes=size_bytes,
                    stored_at=at,
                    attempts=Recording.attempts + 1,
                    last_error=None,
                )
                .returning(Recording.id)
            ).first()
            return done is not None

    def unstore(self, recording_id: int, error: str) -> None:
        """Undo ``stored`` when what must follow it (queueing the transcription) failed, so the
        retried job does the whole step again rather than finding it done."""
        with self._db.unit_of_work() as session:
            session.execute(
                update(Recording)
                .where(
                    Recording.id == recording_id, Recording.status == str(RecordingStatus.STORED)
                )
                .values(status=str(RecordingStatus.REPORTED), last_error=error[:2000])
            )

    def retry(self, recording_id: int) -> bool:
        """A failed recording is ``reported`` again, to be downloaded once more."""
        with self._db.unit_of_work() as session:
            done = session.execute(
                update(Recording)
                .where(
                    Recording.id == recording_id,
                    Recording.status == str(RecordingStatus.FAILED),
                )
                .values(status=str(RecordingStatus.REPORTED))
                .returning(Recording.id)
            ).first()
            return done is not None

    def stored_before(self, moment: datetime, *, limit: int = 500) -> list[StoredRecording]:
        """Recordings whose audio we hold and that were made before ``moment``, oldest first."""
        with self._db.unit_of_work() as session:
            rows = session.scalars(
                select(Recording)
                .where(
                    Recording.status == str(RecordingStatus.STORED),
                    Recording.reported_at < moment,
                )
                .order_by(Recording.reported_at, Recording.id)
                .limit(limit)
            )
            return [_stored(row) for row in rows]

    def pruned(self, recording_id: int, at: datetime) -> bool:
        """The audio was deleted; path and checksum stay as the record of what was kept."""
        with self._db.unit_of_work() as session:
            done = session.execute(
                update(Recording)
                .where(
                    Recording.id == recording_id, Recording.status == str(RecordingStatus.STORED)
                )
                .values(status=str(RecordingStatus.PRUNED), pruned_at=at)
                .returning(Recording.id)
            ).first()
            return done is not None
