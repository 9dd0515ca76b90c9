"""Who may hear a recording, and the record that they did.

The original audio holds everything redaction removed from the transcript (the card number as
it was said), so each time someone is given it, a ``call_events`` row says who, when and which
recording: an audit trail on the call it belongs to, in the same table as the call's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import CallEvent, Recording
from ivr.core.access import Principal

AUDIO_ACCESSED = "audio-accessed"


@dataclass(frozen=True)
class StoredAudio:
    recording_sid: str
    call_sid: str
    status: str
    path: str | None
    pruned_at: datetime | None


class SqlAudioAccess:
    def __init__(self, database: Database) -> None:
        self._db = database

    def find(self, recording_sid: str) -> StoredAudio | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(
                select(Recording).where(Recording.recording_sid == recording_sid)
            ).first()
            if row is None:
                return None
            return StoredAudio(row.recording_sid, row.call_sid, row.status, row.path, row.pruned_at)

    def record_access(self, audio: StoredAudio, principal: Principal, *, at: datetime) -> None:
        with self._db.unit_of_work() as session:
            session.add(
                CallEvent(
                    call_sid=audio.call_sid,
                    at=at,
                    kind=AUDIO_ACCESSED,
                    detail={
                        "recording_sid": audio.recording_sid,
                        "by": principal.name,
                        "role": str(principal.role),
                        "token_id": principal.token_id,
                        "user_id": principal.user_id,
                    },
                )
            )
