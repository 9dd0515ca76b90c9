"""``CallRecords`` on SQLAlchemy: every method is one short unit of work.

Webhooks are retried by the carrier and status callbacks come twice or out of order, so every
write here is idempotent: calls are keyed by CallSid, events by (CallSid, dedupe key), and a
status only moves a call forward.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from sqlalchemy import JSON, bindparam, cast, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call, CallEvent, Customer, CustomerNumber, Voicemail
from ivr.core.calls import FINAL_STATUSES, CallStatus, Outcome, advances, parse_status
from ivr.core.ports import KnownCustomer, NewCall, StatusReport


def opened_call_row(
    call: NewCall,
    *,
    visited: tuple[str, ...],
    outcome: str | None,
    language: str | None,
    queue: str | None,
    skills: tuple[str, ...],
) -> dict[str, Any]:
    """The calls row for a new call with its first turn."""
    return {
        "call_sid": call.call_sid,
        "direction": call.direction,
        "from_raw": call.caller.raw,
        "caller_kind": str(call.caller.kind),
        "from_number": call.caller.e164,
        "to_number": call.to_number[:64],
        "customer_id": call.customer_id,
        "agent_id": call.agent_id,
        "flow": call.flow,
        "started_at": call.started_at,
        "status": None,
        "path": list(visited),
        "outcome": outcome,
        "language": language,
        "queue": queue,
        "skills": list(skills) if queue else None,
    }


_IDENTITY = (
    "direction",
    "from_raw",
    "caller_kind",
    "from_number",
    "to_number",
    "customer_id",
    "flow",
    "started_at",
)


def apply_opened(connection: Connection, row: dict[str, Any]) -> None:
    """Insert a new call's row; if a status callback created a bare row first, complete it."""
    if insert_if_new(connection, Call.__table__, row):
        return
    calls = Call.__table__
    connection.execute(
        update(calls)
        .where(calls.c.call_sid == row["call_sid"], calls.c.flow.is_(None))
        .values({name: row[name] for name in _IDENTITY})
    )
    append_turn(
        connection,
        row["call_sid"],
        tuple(row["path"]),
        row["outcome"],
        row["language"],
        row["queue"],
        tuple(row["skills"] or ()),
    )


def append_turn(
    connection: Connection,
    call_sid: str,
    visited: tuple[str, ...],
    outcome: str | None,
    language: str | None,
    queue: str | None,
    skills: tuple[str, ...] = (),
) -> None:
    """One UPDATE that appends to the path in the database itself: atomic, no read first."""
    calls = Call.__table__
    changes: dict[str, Any] = {}
    if visited:
        changes["path"] = _appended(connection.dialect.name, calls.c.path, visited)
    if outcome:
        changes["outcome"] = outcome
    if language:
        changes["language"] = language
    if queue:
        changes["queue"] = queue
        changes["skills"] = list(skills)
    if changes:
        connection.execute(update(calls).where(calls.c.call_sid == call_sid).values(**changes))


def _appended(dialect: str, column: Any, items: tuple[str, ...]) -> Any:
    """``column`` (a JSON array) with ``items`` added at the end, as a SQL expression."""
    if dialect == "postgresql":
        added = cast(literal(json.dumps(list(items))), postgresql.JSONB)
        return cast(cast(column, postgresql.JSONB).op("||")(added), JSON)
    arguments: list[Any] = []
    for item in items:
        arguments += ["$[#]", item]  # SQLite's json_insert: "$[#]" is one past the end
    return func.json_insert(column, *arguments)


def insert_if_new(connection: Connection | Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on either back end; True when a row was written.

    Told by RETURNING, not rowcount: with psycopg 3 under SQLAlchemy 2.1 the rowcount of such
    an insert is -1 whether or not it wrote, which made every duplicate look new."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    statement = _insert_or_nothing(bind.dialect.name, table, frozenset(values))
    return connection.execute(statement, values).first() is not None


@cache
def _insert_or_nothing(dialect: str, table: Any, columns: frozenset[str]) -> Any:
    """Built once per table and set of columns: building the statement per webhook cost more
    than running it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values({name: bindparam(name) for name in columns})
        .on_conflict_do_nothing()
        .returning(*table.primary_key.columns)
    )


class SqlCallRecords:
    """Hot paths (one per webhook) use Core statements on a single connection: an ORM session
    per webhook costs more than the rest of the webhook put together."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._customer_by_number = (
            select(Customer.id, Customer.name, Customer.language)
            .join(CustomerNumber, CustomerNumber.customer_id == Customer.id)
            .where(CustomerNumber.number == bindparam("number"))
        )

    def customer_for(self, number: str) -> KnownCustomer | None:
        with self._db.engine.connect() as connection:
            row = connection.execute(self._customer_by_number, {"number": number}).first()
        return KnownCustomer(id=row.id, name=row.name, language=row.language) if row else None

    def open_call_with_turn(
        self,
        call: NewCall,
        *,
        visited: tuple[str, ...],
        outcome: str | None,
        language: str | None,
        queue: str | None = None,
        skills: tuple[str, ...] = (),
    ) -> None:
        """A new call and its first turn in one write; a retried webhook appends instead."""
        row = opened_call_row(
            call, visited=visited, outcome=outcome, language=language, queue=queue, skills=skills
        )
        with self._db.engine.begin() as connection:
            apply_opened(connection, row)

    def record_turn(
        self,
        call_sid: str,
        *,
        visited: tuple[str, ...],
        outcome: str | None,
        language: str | None,
        queue: str | None = None,
        skills: tuple[str, ...] = (),
    ) -> None:
        with self._db.engine.begin() as connection:
            append_turn(connection, call_sid, visited, outcome, language, queue, skills)

    def record_status(self, report: StatusReport) -> bool:
        with self._db.unit_of_work() as session:
            first_time = insert_if_new(
                session,
                CallEvent.__table__,
                {
                    "call_sid": report.call_sid,
                    "at": report.at,
                    "kind": "status",
                    "detail": {"status": str(report.status), **report.detail},
                    "dedupe_key": f"status:{report.status}",
                },
            )
            if not first_time:
                return False
            # A status may come for a call whose first webhook never reached us (or a leg
            # placed elsewhere), and two may come at once: make sure the row exists, then
            # lock it, so neither report is lost.
            insert_if_new(
                session,
                Call.__table__,
                {"call_sid": report.call_sid, "started_at": report.at, "path": []},
            )
            call = session.execute(
                select(Call).where(Call.call_sid == report.call_sid).with_for_update()
            ).scalar_one()
            current = parse_status(call.status)
            if not advances(current, report.status):
                return True
            call.status = str(report.status)
            if report.status is CallStatus.IN_PROGRESS and call.answered_at is None:
                call.answered_at = report.at
            if report.status in FINAL_STATUSES:
                call.ended_at = report.at
                if report.duration_seconds is not None:
                    call.duration_seconds = report.duration_seconds
            return True

    def log(
        self, call_sid: str, kind: str, detail: dict[str, Any], *, dedupe_key: str | None = None
    ) -> bool:
        with self._db.unit_of_work() as session:
            return insert_if_new(
                session,
                CallEvent.__table__,
                {"call_sid": call_sid, "kind": kind, "detail": detail, "dedupe_key": dedupe_key},
            )

    def call_flow(self, call_sid: str) -> tuple[str | None, str | None]:
        with self._db.unit_of_work() as session:
            row = session.execute(
                select(Call.flow, Call.language).where(Call.call_sid == call_sid)
            ).first()
        return (row.flow, row.language) if row else (None, None)

    def mark_bridged(self, caller_sid: str, agent_leg_sid: str | None) -> int | None:
        """An agent's leg took this caller: mark both legs; returns the agent's id."""
        with self._db.unit_of_work() as session:
            caller = session.scalars(select(Call).where(Call.call_sid == caller_sid)).first()
            leg = (
                session.scalars(select(Call).where(Call.call_sid == agent_leg_sid)).first()
                if agent_leg_sid
                else None
            )
            agent_id = leg.agent_id if leg else None
            if leg is not None:
                leg.outcome = "bridged"
            if caller is not None:
                caller.outcome = str(Outcome.ANSWERED)
                caller.agent_id = agent_id
            return agent_id

    def store_voicemail(
        self,
        call_sid: str,
        *,
        recording_sid: str,
        url: str,
        duration_seconds: int | None,
        status: str,
    ) -> bool:
        with self._db.unit_of_work() as session:
            return insert_if_new(
                session,
                Voicemail.__table__,
                {
                    "call_sid": call_sid,
                    "recording_sid": recording_sid,
                    "recording_url": url,
                    "duration_seconds": duration_seconds,
                    "status": status,
                },
            )
