"""What the wallboard reads from the records: the callbacks coming due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Callback, Customer


class SqlOpenCallbacks:
    """The callbacks still to be kept (pending or being placed) that are due by a time: the
    wallboard's "due soon" and "overdue"."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def due_by(
        self, moment: datetime, *, limit: int = 50
    ) -> list[tuple[int, str, str | None, datetime, int]]:
        query = (
            select(Callback.id, Callback.number, Customer.name, Callback.due_by, Callback.attempts)
            .outerjoin(Customer, Customer.id == Callback.customer_id)
            .where(
                Callback.status.in_(("pending", "calling")),
                Callback.due_by.is_not(None),
                Callback.due_by <= moment,
            )
            .order_by(Callback.due_by)
            .limit(limit)
        )
        with self._db.unit_of_work() as session:
            return [
                (row.id, row.number, row.name, row.due_by, row.attempts)
                for row in session.execute(query)
            ]
