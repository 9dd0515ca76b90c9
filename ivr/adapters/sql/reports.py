"""``CustomerHistory`` and ``CallbackReports`` on SQLAlchemy: reads for the JSON API.

A customer's calls are the calls linked to them (``calls.customer_id``) and also the calls from
one of their numbers that were linked to nobody: those came before the number was added to
their file (or while the lookup failed), and an agent reading the file wants them. A call
linked to another customer stays with that customer, even from a shared number.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call, Callback, Customer, CustomerNumber
from ivr.core.reports import CallbackSummary, CallSummary, CustomerFile


def _call(row: Call) -> CallSummary:
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
                    select(Call)
                    .where(
                        or_(
                            Call.customer_id == customer.id,
                            and_(Call.customer_id.is_(None), Call.from_number.in_(numbers)),
                        )
                    )
                    .order_by(Call.started_at, Call.id)
                ).all()
                files.append(
                    CustomerFile(
                        id=customer.id,
                        name=customer.name,
                        language=customer.language,
                        notes=customer.notes or "",
                        numbers=numbers,
                        calls=tuple(_call(call) for call in calls),
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
