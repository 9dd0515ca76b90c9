"""``CustomerHistory`` and ``CallbackReports`` on SQLAlchemy: reads for the JSON API.

A customer's calls are the calls linked to them (``calls.customer_id``) and also the calls from
one of their numbers that were linked to nobody: those came before the number was added to
their file (or while the lookup failed), and an agent reading the file wants them. A call
linked to another customer stays with that customer, even from a shared number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import (
    Call,
    Callback,
    Case,
    Customer,
    CustomerNumber,
    Recording,
    TranscriptRecord,
)
from ivr.adapters.sql.notes import with_notes
from ivr.core.recordings import RecordingKind, RecordingStatus
from ivr.core.reports import (
    CallbackSummary,
    CallSummary,
    CaseSummary,
    CustomerFile,
    RecordingSummary,
    TranscriptSegment,
)
from ivr.core.transcripts import TranscriptStatus

_CONVERSATION_KINDS = (RecordingKind.CALL, RecordingKind.VOICEMAIL)
"""Which recording is "the call's transcript": the agent conversation, else the message."""


def calls_of_customer(customer_id: int, numbers: Iterable[str]) -> Select:
    """A customer's calls: linked to them, or unlinked from one of their numbers."""
    return select(Call).where(
        or_(
            Call.customer_id == customer_id,
            and_(Call.customer_id.is_(None), Call.from_number.in_(list(numbers))),
        )
    )


def summary_of(row: Call) -> CallSummary:
    return CallSummary(
        call_sid=row.call_sid,
        direction=row.direction,
        started_at=row.started_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        status=row.status,
        outcome=row.outcome,
        queue=row.queue,
        wait_seconds=row.wait_seconds,
        reason=row.reason,
        agent_id=row.agent_id,
        disposition=row.disposition,
        case_id=row.case_id,
        category=row.category,
    )


def transcript_status_of(recording: Recording, transcript: TranscriptRecord | None) -> str:
    """A recording's transcript state, also before any transcript row exists."""
    if transcript is not None:
        return transcript.status
    if recording.status == RecordingStatus.FAILED:
        return str(TranscriptStatus.FAILED)  # no audio to transcribe: the download failed
    return str(TranscriptStatus.PENDING)


def spoken_text(transcript: TranscriptRecord) -> str:
    """A transcript's words without the speaker labels (a reason clip has one speaker)."""
    return " ".join(
        " ".join(word[0] for word in segment.get("words", ()))
        for segment in transcript.segments or ()
    ).strip()


def _segments(transcript: TranscriptRecord) -> tuple[TranscriptSegment, ...]:
    segments = []
    for raw in transcript.segments or ():
        words = tuple(
            (str(w[0]), float(w[1]), float(w[2]), float(w[3])) for w in raw.get("words", ())
        )
        segments.append(
            TranscriptSegment(
                speaker=str(raw.get("speaker", "")),
                start=float(raw.get("start", 0.0)),
                end=float(raw.get("end", 0.0)),
                text=" ".join(w[0] for w in words),
                words=words,
            )
        )
    return tuple(sorted(segments, key=lambda s: (s.start, s.speaker)))


def with_words(session: Session, calls: Iterable[CallSummary]) -> list[CallSummary]:
    """The calls with their recordings, transcripts and, where the caller gave none in
    words the carrier heard, the reason from their transcribed reason clip."""
    calls = list(calls)
    sids = [call.call_sid for call in calls]
    if not sids:
        return calls
    rows = session.execute(
        select(Recording, TranscriptRecord)
        .outerjoin(TranscriptRecord, TranscriptRecord.recording_id == Recording.id)
        .where(Recording.call_sid.in_(sids))
        .order_by(Recording.reported_at, Recording.id)
    ).all()
    by_call: dict[str, list[tuple[Recording, TranscriptRecord | None]]] = defaultdict(list)
    for recording, transcript in rows:
        by_call[recording.call_sid].append((recording, transcript))
    filled = []
    for call in calls:
        recorded = by_call.get(call.call_sid, [])
        changes: dict[str, Any] = {
            "recordings": tuple(
                RecordingSummary(
                    recording_sid=r.recording_sid,
                    kind=r.kind,
                    duration_seconds=r.duration_seconds,
                    status=r.status,
                    transcript_status=transcript_status_of(r, t),
                )
                for r, t in recorded
            )
        }
        if call.reason is None:
            reasons = [t for r, t in recorded if r.kind == RecordingKind.REASON and t is not None]
            said = [spoken_text(t) for t in reasons if t.status == TranscriptStatus.DONE]
            changes["reason"] = next((text for text in said if text), None)
        conversation = next(
            ((r, t) for kind in _CONVERSATION_KINDS for r, t in recorded if r.kind == kind),
            None,
        )
        if conversation is not None:
            recording, transcript = conversation
            changes["transcript_status"] = transcript_status_of(recording, transcript)
            if transcript is not None and transcript.status == TranscriptStatus.DONE:
                changes["transcript"] = transcript.text or ""
                changes["segments"] = _segments(transcript)
        filled.append(replace(call, **changes))
    return filled


def cases_of(session: Session, customer_id: int) -> tuple[CaseSummary, ...]:
    cases = session.scalars(
        select(Case)
        .where(Case.customer_id == customer_id)
        .order_by(Case.updated_at.desc(), Case.id.desc())
    ).all()
    if not cases:
        return ()
    members: dict[int, list[str]] = defaultdict(list)
    for sid, case_id in session.execute(
        select(Call.call_sid, Call.case_id)
        .where(Call.case_id.in_([case.id for case in cases]))
        .order_by(Call.started_at, Call.id)
    ):
        members[case_id].append(sid)
    return tuple(
        CaseSummary(
            id=case.id,
            status=case.status,
            reason=case.reason,
            opened_at=case.opened_at,
            updated_at=case.updated_at,
            resolved_at=case.resolved_at,
            agent_id=case.agent_id,
            call_sids=tuple(members.get(case.id, ())),
        )
        for case in cases
    )


def _callback(row: Callback) -> CallbackSummary:
    return CallbackSummary(
        id=row.id,
        number=row.number,
        customer_id=row.customer_id,
        queue=row.queue,
        status=row.status,
        source=row.source,
        reason=row.reason,
        place_at=row.place_at,
        promised_at=row.promised_at,
        promised_within_seconds=row.promised_within_seconds,
        due_by=row.due_by,
        attempts=row.attempts,
        last_result=row.last_result,
        kept=row.kept,
        connected_at=row.connected_at,
        completed_at=row.completed_at,
    )


class SqlCustomerHistory:
    def __init__(self, database: Database) -> None:
        self._db = database

    def files_for_number(self, e164: str) -> list[CustomerFile]:
        with self._db.unit_of_work() as session:
            customers = session.scalars(
                select(Customer)
                .join(CustomerNumber, CustomerNumber.customer_id == Customer.id)
                .where(CustomerNumber.number == e164)
                .order_by(Customer.id)
            ).all()
            files = []
            for customer in customers:
                numbers = tuple(sorted(n.number for n in customer.numbers))
                calls = session.scalars(
                    calls_of_customer(customer.id, numbers).order_by(Call.started_at, Call.id)
                ).all()
                files.append(
                    CustomerFile(
                        id=customer.id,
                        name=customer.name,
                        language=customer.language,
                        notes=customer.notes or "",
                        numbers=numbers,
                        calls=tuple(
                            with_notes(session, with_words(session, map(summary_of, calls)))
                        ),
                        cases=cases_of(session, customer.id),
                    )
                )
            return files


class SqlCallbackReports:
    def __init__(self, database: Database) -> None:
        self._db = database

    def recent(self, *, status: str | None, limit: int) -> list[CallbackSummary]:
        query = select(Callback).order_by(Callback.promised_at.desc(), Callback.id.desc())
        if status is not None:
            query = query.where(Callback.status == status)
        with self._db.unit_of_work() as session:
            return [_callback(row) for row in session.scalars(query.limit(limit))]
