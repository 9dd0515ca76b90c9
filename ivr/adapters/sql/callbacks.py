"""``CallbackBook`` on SQLAlchemy: the durable side of every callback promise.

The database, not Redis, is the source of truth for promises: a callback row is committed before
the promise is spoken, and the queue's Redis entry for it is rebuilt from here after a loss.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Callback
from ivr.core.callbacks import (
    OPEN_STATUSES,
    AlreadyPending,
    CallbackRequest,
    CallbackStatus,
    OpenCallback,
    kept,
)

_OPEN = [str(s) for s in OPEN_STATUSES]


def _open(row: Callback) -> OpenCallback:
    return OpenCallback(
        id=row.id,
        number=row.number,
        queue=row.queue,
        skills=frozenset(row.skills or ()),
        place_at=row.place_at,
        status=CallbackStatus(row.status),
        attempts=row.attempts,
        not_before=row.not_before,
        due_by=row.due_by,
        language=row.language,
        flow=row.flow,
        customer_id=row.customer_id,
        agent_id=row.agent_id,
        callback_call_sid=row.callback_call_sid,
        reason=row.reason,
    )


class SqlCallbackBook:
    def __init__(self, database: Database) -> None:
        self._db = database

    def book(self, request: CallbackRequest) -> int:
        """Store the promise; raises ``AlreadyPending`` when the number has an open one."""
        row = Callback(
            number=request.number,
            customer_id=request.customer_id,
            queue=request.queue,
            skills=sorted(request.skills),
            language=request.language,
            flow=request.flow,
            reason=request.reason,
            source=request.source,
            call_sid=request.call_sid,
            place_at=request.place_at,
            not_before=request.not_before,
            promised_at=request.promised_at,
            promised_within_seconds=request.promised_within_seconds,
            due_by=request.due_by,
            promise_text=request.promise_text,
            status=str(CallbackStatus.PENDING),
            attempts=0,
        )
        try:
            with self._db.unit_of_work() as session:
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:
            existing = self.open_for_number(request.number)
            raise AlreadyPending(existing.id if existing else None) from None

    def get(self, callback_id: int) -> OpenCallback | None:
        with self._db.unit_of_work() as session:
            row = session.get(Callback, callback_id)
            return _open(row) if row is not None and row.status in _OPEN else None

    def open_for_number(self, number: str) -> OpenCallback | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(
                select(Callback).where(Callback.number == number, Callback.status.in_(_OPEN))
            ).first()
            return _open(row) if row else None

    def open_callbacks(self) -> list[OpenCallback]:
        """Every callback still owed, oldest place first (to rebuild the queue from)."""
        with self._db.unit_of_work() as session:
            rows = session.scalars(
                select(Callback)
                .where(Callback.status.in_(_OPEN))
                .order_by(Callback.place_at, Callback.id)
            ).all()
            return [_open(row) for row in rows]

    def attempt_started(
        self, callback_id: int, *, agent_id: int, call_sid: str | None, at: datetime
    ) -> bool:
        """Pending → calling, counting the attempt; False when it is no longer pending."""
        with self._db.unit_of_work() as session:
            result = session.execute(
                update(Callback)
                .where(Callback.id == callback_id, Callback.status == str(CallbackStatus.PENDING))
                .values(
                    status=str(CallbackStatus.CALLING),
                    attempts=Callback.attempts + 1,
                    last_attempt_at=at,
                    agent_id=agent_id,
                    callback_call_sid=call_sid,
                )
            )
            return result.rowcount == 1

    def attempt_placed(self, callback_id: int, call_sid: str) -> None:
        with self._db.unit_of_work() as session:
            session.execute(
                update(Callback)
                .where(Callback.id == callback_id)
                .values(callback_call_sid=call_sid)
            )

    def attempt_failed(
        self, callback_id: int, *, result: str, at: datetime, retry_at: datetime | None
    ) -> CallbackStatus | None:
        """Calling → pending again (not before ``retry_at``), or missed when out of attempts.

        Returns the new status, or None when the callback was not being called (a duplicate)."""
        status = CallbackStatus.PENDING if retry_at is not None else CallbackStatus.MISSED
        values: dict = {"status": str(status), "last_result": result, "not_before": retry_at}
        if retry_at is None:
            values |= {"completed_at": at, "kept": False}
        with self._db.unit_of_work() as session:
            changed = session.execute(
                update(Callback)
                .where(Callback.id == callback_id, Callback.status == str(CallbackStatus.CALLING))
                .values(values)
            ).rowcount
        return status if changed == 1 else None

    def connected(self, callback_id: int, *, at: datetime) -> bool | None:
        """The customer reached an agent: completed, and whether the promise was kept."""
        with self._db.unit_of_work() as session:
            row = session.get(Callback, callback_id)
            if row is None or row.status not in (*_OPEN, str(CallbackStatus.MERGED)):
                return None
            row.status = str(CallbackStatus.COMPLETED)
            row.connected_at = row.completed_at = at
            row.kept = kept(at, row.due_by)
            return row.kept

    def merged(self, callback_id: int, *, call_sid: str, at: datetime) -> bool:
        """The customer called in again: their call takes the callback's place."""
        with self._db.unit_of_work() as session:
            changed = session.execute(
                update(Callback)
                .where(Callback.id == callback_id, Callback.status == str(CallbackStatus.PENDING))
                .values(status=str(CallbackStatus.MERGED), callback_call_sid=call_sid)
            ).rowcount
        return changed == 1

    def missed(self, callback_id: int, *, at: datetime, result: str) -> bool:
        with self._db.unit_of_work() as session:
            changed = session.execute(
                update(Callback)
                .where(Callback.id == callback_id, Callback.status.in_(_OPEN))
                .values(
                    status=str(CallbackStatus.MISSED),
                    last_result=result,
                    completed_at=at,
                    kept=False,
                )
            ).rowcount
        return changed == 1
