"""The click-to-call call records: the visitor's call row, opened when the call is placed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call
from ivr.adapters.sql.records import apply_opened, opened_call_row
from ivr.core.callers import CallerId, CallerKind
from ivr.core.calls import FINAL_STATUSES, parse_status
from ivr.core.click_to_call import MACHINE_ANSWERED
from ivr.core.ports import NewCall

OUTBOUND_API = "outbound-api"


class SqlClickToCallRecords:
    def __init__(self, database: Database) -> None:
        self._db = database

    def open_visitor_call(
        self,
        call_sid: str,
        *,
        visitor: str,
        business_number: str,
        flow: str,
        reason: str | None,
        customer_id: int | None,
        at: datetime,
    ) -> None:
        """The row as the carrier will describe the call (From the business, To the visitor),
        with the visitor's reason. The answer webhook may have opened it first; then only
        what it cannot know, the reason, is added."""
        row = opened_call_row(
            NewCall(
                call_sid=call_sid,
                caller=CallerId(raw=business_number, kind=CallerKind.NUMBER, e164=business_number),
                to_number=visitor,
                direction=OUTBOUND_API,
                flow=flow,
                started_at=at,
                customer_id=customer_id,
            ),
            visited=(),
            outcome=None,
            language=None,
            queue=None,
            skills=(),
        )
        with self._db.engine.begin() as connection:
            apply_opened(connection, row)
            connection.execute(
                update(Call.__table__)
                .where(Call.__table__.c.call_sid == call_sid)
                .values(reason=reason)
            )

    def call_is_over(self, call_sid: str) -> bool:
        """Whether the carrier reported the call's end (a status callback recorded it)."""
        with self._db.engine.connect() as connection:
            status = connection.execute(
                select(Call.status).where(Call.call_sid == call_sid)
            ).scalar_one_or_none()
        parsed = parse_status(status)
        return parsed is not None and parsed in FINAL_STATUSES

    def reached_a_machine(self, call_sid: str, answered_by: str) -> None:
        """Voicemail took the call: it ends with a message, and never waits in line."""
        with self._db.engine.begin() as connection:
            connection.execute(
                update(Call.__table__)
                .where(Call.__table__.c.call_sid == call_sid)
                .values(outcome=MACHINE_ANSWERED, queue=None)
            )
