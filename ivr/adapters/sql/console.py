"""The agent console's reads on SQLAlchemy: the screen pop of a call, the agent's last call,
and the callbacks that are theirs.

One unit of work per read: the console asks every couple of seconds, so each answer is a few
indexed queries, bounded (``EARLIER_CALLS``, ``CALLBACKS_SCANNED``) whatever the history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call, Callback, Case, Customer, WaitEstimateSpoken
from ivr.adapters.sql.notes import with_notes
from ivr.adapters.sql.reports import calls_of_customer, cases_of, summary_of, with_words
from ivr.adapters.sql.transfers import SqlTransfers
from ivr.core.cases import CaseStatus
from ivr.core.console import (
    CallPhase,
    DueCallback,
    EarlierCall,
    ScreenPop,
    SpokenEstimate,
    waited_seconds,
)
from ivr.core.recordings import RecordingKind
from ivr.core.reports import CallSummary
from ivr.core.reports.calls import customer_number
from ivr.core.transcripts import TranscriptStatus

EARLIER_CALLS = 10
"""The newest earlier calls shown; the customer file (API) has them all."""
CALLBACKS_SCANNED = 500
"""Open callbacks looked through for an agent's own: more than a day's worth in any centre."""
OPEN_CALLBACKS = ("pending", "calling")


def _earlier(call: CallSummary) -> EarlierCall:
    return EarlierCall(
        call_sid=call.call_sid,
        started_at=call.started_at,
        direction=call.direction,
        agent_id=call.agent_id,
        reason=call.reason,
        transcript=call.transcript,
        transcript_status=call.transcript_status,
        disposition=call.disposition,
        category=call.category,
        notes=call.notes,
        transferred_unresolved=call.transferred_unresolved,
    )


def _due(row: Callback, name: str | None, why: str) -> DueCallback:
    return DueCallback(
        id=row.id,
        number=row.number,
        customer_id=row.customer_id,
        customer_name=name,
        status=row.status,
        reason=row.reason,
        queue=row.queue,
        promised_at=row.promised_at,
        due_by=row.due_by,
        why_mine=why,
    )


def spoken_estimates(session: Session, call_sid: str) -> tuple[SpokenEstimate, ...]:
    """Every estimate this call's caller heard, in order (the pop's and the call page's)."""
    rows = session.scalars(
        select(WaitEstimateSpoken)
        .where(WaitEstimateSpoken.call_sid == call_sid)
        .order_by(WaitEstimateSpoken.at, WaitEstimateSpoken.id)
    )
    return tuple(
        SpokenEstimate(
            at=r.at,
            kind=r.kind,
            position=r.position,
            text=r.text,
            mean_seconds=r.mean_seconds,
            p90_seconds=r.p90_seconds,
            claimed_low_seconds=r.claimed_low_seconds,
            claimed_high_seconds=r.claimed_high_seconds,
            actual_wait_seconds=r.actual_wait_seconds,
        )
        for r in rows
    )


class SqlAgentConsole:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._transfers = SqlTransfers(database)

    def callback_leg(self, callback_id: int) -> str | None:
        """The outbound call of a callback's current attempt."""
        with self._db.unit_of_work() as session:
            return session.scalar(
                select(Callback.callback_call_sid).where(Callback.id == callback_id)
            )

    def last_call_of(self, agent_id: int, *, since: datetime) -> str | None:
        """The newest call this agent took (or was transferred, and took) since a time."""
        with self._db.unit_of_work() as session:
            return session.scalar(
                select(Call.call_sid)
                .where(
                    Call.agent_id == agent_id,
                    Call.direction != "outbound-dial",  # their own phone's legs
                    Call.answered_at.is_not(None),
                    Call.started_at >= since,
                )
                .order_by(Call.answered_at.desc(), Call.id.desc())
                .limit(1)
            )

    def screen_pop(self, call_sid: str, *, phase: CallPhase, now: datetime) -> ScreenPop | None:
        transfer = self._transfers.latest(call_sid)
        with self._db.unit_of_work() as session:
            row = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
            if row is None:
                return None
            (call,) = with_notes(session, with_words(session, [summary_of(row)]))
            customer = session.get(Customer, row.customer_id) if row.customer_id else None
            numbers = tuple(n.number for n in customer.numbers) if customer else ()
            number = customer_number(row)
            reason_clips = [r for r in call.recordings if r.kind == RecordingKind.REASON]
            from_transcript = any(
                r.transcript_status == TranscriptStatus.DONE for r in reason_clips
            )
            pending = any(r.transcript_status == TranscriptStatus.PENDING for r in reason_clips)
            return ScreenPop(
                call_sid=call_sid,
                phase=phase,
                customer_id=customer.id if customer else None,
                customer_name=customer.name if customer else None,
                number=number,
                language=row.language or (customer.language if customer else None),
                customer_notes=(customer.notes or "") if customer else "",
                reason=call.reason,
                reason_source=("transcript" if from_transcript else "words")
                if call.reason
                else None,
                reason_pending=pending and not call.reason,
                queue=row.queue,
                started_at=row.started_at,
                answered_at=row.answered_at,
                ended_at=row.ended_at,
                waited_seconds=waited_seconds(
                    queued_at=row.queued_at,
                    answered_at=row.answered_at if phase is not CallPhase.RINGING else None,
                    recorded=row.wait_seconds,
                    now=now,
                    transferred=transfer is not None,
                ),
                estimates=spoken_estimates(session, call_sid),
                disposition=row.disposition,
                category=row.category,
                case_id=row.case_id,
                notes=call.notes,
                transfer=transfer,
                transferred_unresolved=call.transferred_unresolved,
                transcript=call.transcript,
                transcript_status=call.transcript_status,
                earlier_calls=self._earlier_calls(session, customer, numbers, call_sid),
                open_cases=tuple(
                    case
                    for case in (cases_of(session, customer.id) if customer else ())
                    if case.status == CaseStatus.OPEN
                ),
                pending_callbacks=self._customer_callbacks(session, customer, numbers, number),
            )

    @staticmethod
    def _earlier_calls(
        session: Session, customer: Customer | None, numbers: tuple[str, ...], call_sid: str
    ) -> tuple[EarlierCall, ...]:
        if customer is None:
            return ()
        rows = session.scalars(
            calls_of_customer(customer.id, numbers)
            .where(Call.call_sid != call_sid, Call.direction != "outbound-dial")
            .order_by(Call.started_at.desc(), Call.id.desc())
            .limit(EARLIER_CALLS)
        ).all()
        calls = with_notes(session, with_words(session, map(summary_of, rows)))
        return tuple(_earlier(call) for call in calls)

    @staticmethod
    def _customer_callbacks(
        session: Session, customer: Customer | None, numbers: tuple[str, ...], number: str | None
    ) -> tuple[DueCallback, ...]:
        wanted = set(numbers) | ({number} if number else set())
        if not wanted and customer is None:
            return ()
        query = select(Callback).where(Callback.status.in_(OPEN_CALLBACKS))
        if customer is not None:
            query = query.where(
                (Callback.customer_id == customer.id) | Callback.number.in_(list(wanted))
            )
        else:
            query = query.where(Callback.number.in_(list(wanted)))
        rows = session.scalars(query.order_by(Callback.due_by, Callback.id).limit(20)).all()
        name = customer.name if customer else None
        return tuple(_due(row, name, "customer") for row in rows)

    def callbacks_due(self, agent_id: int, *, sticky_since: datetime | None) -> list[DueCallback]:
        """Open callbacks that are this agent's: the case they were promised in (or the
        customer's newest open case) is theirs, or the customer last spoke to them (sticky
        routing would offer it to them first), or they are reserved for its attempt."""
        with self._db.unit_of_work() as session:
            rows = session.scalars(
                select(Callback)
                .where(Callback.status.in_(OPEN_CALLBACKS))
                .order_by(Callback.due_by, Callback.id)
                .limit(CALLBACKS_SCANNED)
            ).all()
            if not rows:
                return []
            promised_in = {r.call_sid for r in rows if r.call_sid}
            case_of_call = {
                sid: case_id
                for sid, case_id in session.execute(
                    select(Call.call_sid, Call.case_id).where(Call.call_sid.in_(promised_in))
                )
            }
            customers = {r.customer_id for r in rows if r.customer_id is not None}
            cases = session.execute(
                select(Case.id, Case.customer_id, Case.agent_id, Case.status)
                .where(
                    (Case.id.in_([c for c in case_of_call.values() if c is not None]))
                    | ((Case.customer_id.in_(customers)) & (Case.status == CaseStatus.OPEN))
                )
                .order_by(Case.updated_at, Case.id)
            ).all()
            case_agent = {case.id: case.agent_id for case in cases}
            open_case_agent = {
                case.customer_id: case.agent_id for case in cases if case.status == CaseStatus.OPEN
            }  # the newest open case wins: the rows are oldest first
            last_agent: dict[str, int | None] = {}
            if sticky_since is not None:
                for number, agent in session.execute(
                    select(Call.from_number, Call.agent_id)
                    .where(
                        Call.from_number.in_({r.number for r in rows}),
                        Call.agent_id.is_not(None),
                        Call.direction == "inbound",
                        Call.started_at >= sticky_since,
                    )
                    .order_by(Call.started_at)
                ):
                    last_agent[number] = agent
            names = {
                customer_id: name
                for customer_id, name in session.execute(
                    select(Customer.id, Customer.name).where(Customer.id.in_(customers))
                )
            }
            mine = []
            for row in rows:
                case_id = case_of_call.get(row.call_sid) if row.call_sid else None
                case_owner = case_agent.get(case_id) if case_id is not None else None
                if case_owner is None and row.customer_id is not None:
                    case_owner = open_case_agent.get(row.customer_id)
                if case_owner == agent_id:
                    why = "case"
                elif case_owner is None and last_agent.get(row.number) == agent_id:
                    why = "last-agent"
                elif row.agent_id == agent_id and row.status == "calling":
                    why = "attempt"
                else:
                    continue
                mine.append(_due(row, names.get(row.customer_id), why))
            return mine
