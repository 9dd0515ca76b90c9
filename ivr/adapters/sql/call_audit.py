"""``CallAudit`` on SQLAlchemy: one call with everything about it, and the texts of an export.

A handful of small queries by ``call_sid`` (each on an indexed column) rather than one wide
join: a call has a few recordings, estimates, notes and transfers, and a join of all of them
would multiply the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.adapters.sql.console import spoken_estimates
from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import (
    Agent,
    Call,
    Case,
    Customer,
    Recording,
    TranscriptRecord,
    Transfer,
)
from ivr.adapters.sql.notes import notes_of
from ivr.adapters.sql.reports import transcript_status_of
from ivr.core.call_audit import (
    CallDetail,
    CaseInfo,
    RecordedAudio,
    TransferRecord,
    in_audit_order,
)
from ivr.core.exports import TranscriptExportRow
from ivr.core.reports.calls import customer_number
from ivr.core.search import SearchHit
from ivr.core.transcripts import Segment, Word


def segments_of(raw: Iterable[dict[str, Any]] | None) -> tuple[Segment, ...]:
    """The stored JSON (``[{"speaker", "start", "end", "words": [[text, start, end, conf]]}]``)
    as the core's values."""
    segments = []
    for item in raw or ():
        words = tuple(
            Word(str(w[0]), float(w[1]), float(w[2]), float(w[3]) if len(w) > 3 else 1.0)
            for w in item.get("words", ())
        )
        segments.append(
            Segment(
                speaker=str(item.get("speaker", "")),
                start=float(item.get("start", words[0].start if words else 0.0)),
                end=float(item.get("end", words[-1].end if words else 0.0)),
                words=words,
            )
        )
    return tuple(segments)


class SqlCallAudit:
    def __init__(self, database: Database, recordings_dir: Path) -> None:
        self._db = database
        self._directory = recordings_dir

    def call(self, call_sid: str) -> CallDetail | None:
        with self._db.unit_of_work() as session:
            call = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
            if call is None:
                return None
            customer = session.get(Customer, call.customer_id) if call.customer_id else None
            agents = self._agent_names(session, call, call_sid)
            return CallDetail(
                call_sid=call.call_sid,
                direction=call.direction,
                started_at=call.started_at,
                answered_at=call.answered_at,
                ended_at=call.ended_at,
                duration_seconds=call.duration_seconds,
                number=customer_number(call),
                customer_id=customer.id if customer else None,
                customer_name=customer.name if customer else None,
                language=call.language,
                queue=call.queue,
                wait_seconds=call.wait_seconds,
                outcome=call.outcome,
                reason=call.reason,
                disposition=call.disposition,
                category=call.category,
                agent_id=call.agent_id,
                agent_name=agents.get(call.agent_id) if call.agent_id else None,
                estimates=spoken_estimates(session, call_sid),
                notes=notes_of(session, [call_sid]).get(call_sid, ()),
                transfers=tuple(
                    TransferRecord(
                        requested_at=t.requested_at,
                        to=agents.get(t.to_agent_id, "") if t.to_agent_id else t.to_queue or "",
                        note=t.note,
                        status=t.status,
                    )
                    for t in session.scalars(
                        select(Transfer)
                        .where(Transfer.call_sid == call_sid)
                        .order_by(Transfer.requested_at, Transfer.id)
                    )
                ),
                case=self._case(session, call.case_id),
                recordings=self._recordings(session, call_sid),
            )

    def _agent_names(self, session: Session, call: Call, call_sid: str) -> dict[int, str]:
        ids = {call.agent_id} if call.agent_id else set()
        ids |= {
            agent_id
            for agent_id in session.scalars(
                select(Transfer.to_agent_id).where(Transfer.call_sid == call_sid)
            )
            if agent_id is not None
        }
        if not ids:
            return {}
        return dict(session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(ids))).all())

    def _case(self, session: Session, case_id: int | None) -> CaseInfo | None:
        case = session.get(Case, case_id) if case_id else None
        if case is None:
            return None
        return CaseInfo(case.id, case.status, case.reason, case.opened_at, case.resolved_at)

    def _recordings(self, session: Session, call_sid: str) -> tuple[RecordedAudio, ...]:
        rows = session.execute(
            select(Recording, TranscriptRecord)
            .outerjoin(TranscriptRecord, TranscriptRecord.recording_id == Recording.id)
            .where(Recording.call_sid == call_sid)
            .order_by(Recording.reported_at, Recording.id)
        ).all()
        return in_audit_order(
            RecordedAudio(
                recording_sid=recording.recording_sid,
                kind=recording.kind,
                status=recording.status,
                duration_seconds=recording.duration_seconds,
                stored=self._on_disk(recording.path),
                pruned_at=recording.pruned_at,
                transcript_status=transcript_status_of(recording, transcript),
                transcript_error=transcript.error if transcript else None,
                language=(transcript.language if transcript else None) or recording.language,
                segments=segments_of(transcript.segments if transcript else None),
            )
            for recording, transcript in rows
        )

    def _on_disk(self, path: str | None) -> bool:
        return path is not None and (self._directory / path).is_file()

    def export_rows(self, hits: Iterable[SearchHit]) -> list[TranscriptExportRow]:
        hits = list(hits)
        sids = {hit.call_sid for hit in hits}
        recording_sids = {hit.recording_sid for hit in hits if hit.recording_sid}
        if not hits:
            return []
        with self._db.unit_of_work() as session:
            calls = {
                call.call_sid: call
                for call in session.scalars(select(Call).where(Call.call_sid.in_(sids)))
            }
            texts = (
                dict(
                    session.execute(
                        select(Recording.recording_sid, TranscriptRecord.text)
                        .join(TranscriptRecord, TranscriptRecord.recording_id == Recording.id)
                        .where(Recording.recording_sid.in_(recording_sids))
                    ).all()
                )
                if recording_sids
                else {}
            )
            rows = []
            for hit in hits:
                call = calls.get(hit.call_sid)
                if hit.recording_sid:
                    text = texts.get(hit.recording_sid) or ""
                else:
                    text = f"reason: {call.reason}" if call is not None and call.reason else ""
                rows.append(
                    TranscriptExportRow(
                        call_sid=hit.call_sid,
                        started_at=hit.started_at,
                        customer=hit.customer_name,
                        number=customer_number(call) if call is not None else None,
                        source=hit.source,
                        text=text,
                    )
                )
            return rows
