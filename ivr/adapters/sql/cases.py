"""``CaseRecords`` on SQLAlchemy: a customer's open cases, and which call is about which.

A call that joins the line belongs to a case: the open one the caller said it is about, or a
new one opened for it. Callers from a number nobody has on file get a customer record then,
named by nobody yet, so the next call from that number finds its history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, make_url, select, update
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database, driver_time
from ivr.adapters.sql.models import (
    Call,
    Case,
    Customer,
    CustomerNumber,
    Recording,
    TranscriptRecord,
)
from ivr.adapters.sql.reports import spoken_text
from ivr.core.cases import CaseStatus, Disposition
from ivr.core.flows.context import OpenCase
from ivr.core.recordings import RecordingKind
from ivr.core.transcripts import TranscriptStatus


class UnknownCall(LookupError):
    """No call has this CallSid."""


class SqlCaseRecords:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._dialect = make_url(database.url).get_backend_name()
        self._open_case = database.prepare(
            select(Case.id, Case.reason, Case.opened_at, Case.agent_id)
            .join(CustomerNumber, CustomerNumber.customer_id == Case.customer_id)
            .where(
                CustomerNumber.number == bindparam("number"),
                Case.status == str(CaseStatus.OPEN),
                Case.updated_at >= bindparam("since"),
            )
            .order_by(Case.updated_at.desc(), Case.id.desc())
            .limit(1)
        )

    def open_case_for(self, number: str, *, since: datetime) -> OpenCase | None:
        """The number's customer's most recently worked open case, if worked since ``since``.

        Asked by a webhook (the flow's case step, which every caller of the demo passes): one
        indexed statement on a kept driver connection, like the caller lookup."""
        with self._db.driver() as connection:
            row = connection.first(
                self._open_case, {"number": number, "since": driver_time(self._dialect, since)}
            )
        if row is None:
            return None
        case_id, reason, opened_at, agent_id = row
        if not reason:
            with self._db.unit_of_work() as session:
                reason = self._reason_of_case(session, case_id)
        return OpenCase(
            id=case_id, reason=reason, opened_at=self._read_time(opened_at), agent_id=agent_id
        )

    @staticmethod
    def _read_time(value: Any) -> datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @staticmethod
    def _reason_of_case(session: Session, case_id: int) -> str | None:
        """The newest words a caller gave for the case: typed or heard by the carrier, else
        their transcribed reason clip."""
        said = session.scalar(
            select(Call.reason)
            .where(Call.case_id == case_id, Call.reason.is_not(None))
            .order_by(Call.started_at.desc())
            .limit(1)
        )
        if said:
            return said
        transcripts = session.scalars(
            select(TranscriptRecord)
            .join(Recording, Recording.id == TranscriptRecord.recording_id)
            .join(Call, Call.call_sid == Recording.call_sid)
            .where(
                Call.case_id == case_id,
                Recording.kind == RecordingKind.REASON,
                TranscriptRecord.status == TranscriptStatus.DONE,
            )
            .order_by(Call.started_at.desc())
        ).all()
        return next((text for t in transcripts if (text := spoken_text(t))), None)

    def attach(
        self,
        call_sid: str,
        *,
        number: str | None,
        customer_id: int | None,
        case_id: int | None,
        at: datetime,
    ) -> tuple[int, int | None] | None:
        """Put the call in ``case_id`` (the caller said so) or in a new case of its customer;
        returns (case id, its agent) or None for a caller with no number to file them under.
        A call already in a case stays there (the join may be retried)."""
        with self._db.unit_of_work() as session:
            call = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
            if call is None:
                return None
            if call.case_id is not None:
                current = session.get(Case, call.case_id)
                return (call.case_id, current.agent_id if current else None)
            case = session.get(Case, case_id) if case_id is not None else None
            if case is None or case.status != CaseStatus.OPEN:
                customer_id = customer_id or call.customer_id
                if customer_id is None and number:
                    customer_id = self._customer_for_number(session, number, call.language, at)
                if customer_id is None:
                    return None
                case = Case(
                    customer_id=customer_id,
                    status=str(CaseStatus.OPEN),
                    reason=call.reason,
                    opened_call_sid=call_sid,
                    opened_at=at,
                    updated_at=at,
                )
                session.add(case)
                session.flush()
            else:
                case.last_call_sid = call_sid
                case.updated_at = at
            call.case_id = case.id
            if call.customer_id is None:
                call.customer_id = case.customer_id
            return (case.id, case.agent_id)

    @staticmethod
    def _customer_for_number(
        session: Session, number: str, language: str | None, at: datetime
    ) -> int:
        """The number's customer, or a new one speaking the language they chose: their next
        call is greeted in it without asking."""
        known = session.scalar(
            select(CustomerNumber.customer_id).where(CustomerNumber.number == number)
        )
        if known is not None:
            return known
        customer = Customer(name=None, language=language, notes="", created_at=at)
        customer.numbers.append(CustomerNumber(number=number))
        session.add(customer)
        session.flush()
        return customer.id

    def set_reason(self, call_sid: str, reason: str) -> None:
        """The caller's words for why they call (already redacted), on the call and on its
        case if the case has none yet."""
        with self._db.unit_of_work() as session:
            session.execute(update(Call).where(Call.call_sid == call_sid).values(reason=reason))
            case_id = session.scalar(select(Call.case_id).where(Call.call_sid == call_sid))
            if case_id is not None:
                session.execute(
                    update(Case)
                    .where(Case.id == case_id, Case.reason.is_(None))
                    .values(reason=reason)
                )

    def dispose(
        self, call_sid: str, disposition: Disposition, *, at: datetime
    ) -> tuple[int | None, str | None]:
        """What the agent says became of the call; resolved closes its case. Returns the
        case's id and status (None, None for a call in no case). Raises UnknownCall."""
        with self._db.unit_of_work() as session:
            call = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
            if call is None:
                raise UnknownCall(call_sid)
            call.disposition = str(disposition)
            case = session.get(Case, call.case_id) if call.case_id is not None else None
            if case is None:
                return None, None
            case.updated_at = at
            if disposition is Disposition.RESOLVED:
                case.status = str(CaseStatus.RESOLVED)
                case.resolved_at = at
            elif case.status == CaseStatus.RESOLVED:
                case.status, case.resolved_at = str(CaseStatus.OPEN), None  # reopened
            return case.id, case.status
