"""``CallRecords`` on SQLAlchemy: every method is one short unit of work.

Webhooks are retried by the carrier and status callbacks come twice or out of order, so every
write here is idempotent: calls are keyed by CallSid, events by (CallSid, dedupe key), and a
status only moves a call forward.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import JSON, String, bindparam, cast, func, make_url, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database, Prepared, driver_time
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
    """Insert a new call's row through Core (off the webhooks' hot path, e.g. a call the app
    places); if a row is already there, complete it."""
    if not insert_if_new(connection, Call.__table__, row):
        complete_opened(connection, row)


def complete_opened(connection: Connection, row: dict[str, Any]) -> None:
    """A new call's row was already there (a status callback created a bare row first, or the
    carrier retried the webhook): complete its identity if bare, and append the turn."""
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
    dialect = connection.dialect.name
    turn = turn_update(dialect, call_sid, visited, outcome, language, queue, skills)
    if turn is not None:
        shape, values = turn
        connection.execute(turn_statement(dialect, *shape), values)


TurnShape = tuple[int, bool, bool, bool]
"""Of a turn's UPDATE: how many steps it appends, and whether it sets outcome, language and
queue (with skills). One statement per shape, built once."""


def turn_update(
    dialect: str,
    call_sid: str,
    visited: tuple[str, ...],
    outcome: str | None,
    language: str | None,
    queue: str | None,
    skills: tuple[str, ...],
) -> tuple[TurnShape, dict[str, Any]] | None:
    """The shape and parameters (JSON already encoded) of a turn's UPDATE, or None when the
    turn changes nothing. Only what the turn set is written: no outcome keeps the call's."""
    values: dict[str, Any] = {"sid": call_sid}
    if visited:
        if dialect == "postgresql":
            values["visited"] = json.dumps(list(visited))
        else:
            values.update({f"visited_{n}": item for n, item in enumerate(visited)})
    if outcome:
        values["outcome"] = outcome
    if language:
        values["language"] = language
    if queue:
        values["queue"] = queue
        values["skills"] = json.dumps(list(skills))
    if len(values) == 1:
        return None
    return (len(visited), bool(outcome), bool(language), bool(queue)), values


@cache
def turn_statement(dialect: str, visited: int, outcome: bool, language: bool, queue: bool) -> Any:
    """The UPDATE for one shape of turn, with bound parameters named as in ``turn_values``."""
    calls = Call.__table__
    changes: dict[str, Any] = {}
    if visited:
        changes["path"] = _appended(dialect, calls.c.path, visited)
    if outcome:
        changes["outcome"] = bindparam("outcome")
    if language:
        changes["language"] = bindparam("language")
    if queue:
        changes["queue"] = bindparam("queue")
        changes["skills"] = _json_parameter(dialect, "skills")
    return update(calls).where(calls.c.call_sid == bindparam("sid")).values(**changes)


def _json_parameter(dialect: str, name: str) -> Any:
    """A parameter given as JSON text, for a JSON column (PostgreSQL wants it cast)."""
    text = bindparam(name, type_=String)
    return cast(text, JSON) if dialect == "postgresql" else text


def _appended(dialect: str, column: Any, size: int) -> Any:
    """``column`` (a JSON array) with ``size`` items added at the end, as a SQL expression;
    the items are the parameters ``visited`` (PostgreSQL: one JSON array) or ``visited_0``,
    ``visited_1``, ... (SQLite: one each)."""
    if dialect == "postgresql":
        added = cast(bindparam("visited", type_=String), postgresql.JSONB)
        return cast(cast(column, postgresql.JSONB).op("||")(added), JSON)
    arguments: list[Any] = []
    for n in range(size):
        arguments += ["$[#]", bindparam(f"visited_{n}", type_=String)]  # "$[#]": past the end
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


def _driver_row(dialect: str, row: dict[str, Any]) -> dict[str, Any]:
    """``opened_call_row`` as the driver takes it: what the column types would have done to
    it (JSON encoded, the start time in UTC, as SQLAlchemy stores it on SQLite)."""
    values = dict(row)
    values["path"] = json.dumps(row["path"])
    values["skills"] = json.dumps(row["skills"])  # None is JSON null, as the JSON type writes
    values["started_at"] = driver_time(dialect, row["started_at"])
    return values


class SqlCallRecords:
    """The three statements of the webhooks' hot path (the caller lookup, a new call, a turn)
    run on the database's driver connections, one statement each, each committed when it
    returns (``Database.driver``); everything else uses Core or an ORM unit of work."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._dialect = make_url(database.url).get_backend_name()
        self._customer_by_number = (
            select(Customer.id, Customer.name, Customer.language)
            .join(CustomerNumber, CustomerNumber.customer_id == Customer.id)
            .where(CustomerNumber.number == bindparam("number"))
        )
        self._prepared: dict[Any, Prepared] = {}

    def _statement(self, key: Any, build: Callable[[], Any]) -> Prepared:
        """The statement ``build`` makes, compiled for this database once (per ``key``)."""
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self._prepared[key] = self._db.prepare(build())
        return prepared

    def customer_for(self, number: str) -> KnownCustomer | None:
        statement = self._statement("customer", lambda: self._customer_by_number)
        with self._db.driver() as connection:
            row = connection.first(statement, {"number": number})
        return KnownCustomer(id=row[0], name=row[1], language=row[2]) if row else None

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
        """A new call and its first turn in one INSERT, committed before this returns; a row
        already there (a retried webhook, a status first) is completed and appended to."""
        row = opened_call_row(
            call, visited=visited, outcome=outcome, language=language, queue=queue, skills=skills
        )
        statement = self._statement(
            "open", lambda: _insert_or_nothing(self._dialect, Call.__table__, frozenset(row))
        )
        with self._db.driver() as connection, connection.writing():
            written = connection.first(statement, _driver_row(self._dialect, row))
        if written is None:
            with self._db.engine.begin() as core:
                complete_opened(core, row)

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
        """One UPDATE, committed before this returns."""
        turn = turn_update(self._dialect, call_sid, visited, outcome, language, queue, skills)
        if turn is None:
            return
        shape, values = turn
        statement = self._statement(shape, lambda: turn_statement(self._dialect, *shape))
        with self._db.driver() as connection, connection.writing():
            connection.execute(statement, values).close()

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
