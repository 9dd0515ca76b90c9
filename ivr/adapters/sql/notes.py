"""``call_notes`` on SQLAlchemy: what agents wrote about calls, and who may write on which.

An agent may write on a call they took (``calls.agent_id``) or were part of by a transfer
(from them, or to them): the note is about a conversation they had or are about to have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call, CallNote, Transfer
from ivr.core import notes
from ivr.core.calls import FINAL_STATUSES
from ivr.core.reports import CallSummary
from ivr.core.transfers import transferred_unresolved

_FINAL = [str(s) for s in FINAL_STATUSES]


def _note(row: CallNote) -> notes.CallNote:
    return notes.CallNote(
        id=row.id,
        call_sid=row.call_sid,
        author=row.author,
        agent_id=row.agent_id,
        body=row.body,
        at=row.at,
    )


def notes_of(session: Session, call_sids: list[str]) -> dict[str, tuple[notes.CallNote, ...]]:
    """Each call's notes, oldest first."""
    if not call_sids:
        return {}
    found: dict[str, list[notes.CallNote]] = defaultdict(list)
    for row in session.scalars(
        select(CallNote).where(CallNote.call_sid.in_(call_sids)).order_by(CallNote.at, CallNote.id)
    ):
        found[row.call_sid].append(_note(row))
    return {sid: tuple(rows) for sid, rows in found.items()}


def transferred_sids(session: Session, call_sids: list[str]) -> set[str]:
    """Which of these calls were transferred (asked for: a failed attempt counts too, the
    caller was still passed on by someone who could not fix it)."""
    if not call_sids:
        return set()
    return set(session.scalars(select(Transfer.call_sid).where(Transfer.call_sid.in_(call_sids))))


def with_notes(session: Session, calls: Iterable[CallSummary]) -> list[CallSummary]:
    """The calls with their notes and the transferred-but-unresolved flag."""
    calls = list(calls)
    sids = [call.call_sid for call in calls]
    written = notes_of(session, sids)
    transferred = transferred_sids(session, sids)
    return [
        replace(
            call,
            notes=written.get(call.call_sid, ()),
            transferred_unresolved=transferred_unresolved(
                transferred=call.call_sid in transferred,
                ended=call.ended_at is not None or (call.status or "") in _FINAL,
                disposition=call.disposition,
            ),
        )
        for call in calls
    ]


class SqlCallNotes:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self,
        call_sid: str,
        body: str,
        *,
        author: str,
        user_id: int | None,
        agent_id: int | None,
        at: datetime,
    ) -> notes.CallNote | None:
        """None for a CallSid we have no record of."""
        with self._db.unit_of_work() as session:
            if session.scalar(select(Call.id).where(Call.call_sid == call_sid)) is None:
                return None
            row = CallNote(
                call_sid=call_sid,
                author_user_id=user_id,
                agent_id=agent_id,
                author=author[:200],
                body=body,
                at=at,
            )
            session.add(row)
            session.flush()
            return _note(row)

    def notes(self, call_sid: str) -> tuple[notes.CallNote, ...]:
        with self._db.unit_of_work() as session:
            return notes_of(session, [call_sid]).get(call_sid, ())

    def agents_of(self, call_sid: str) -> set[int]:
        """The agents who took this call or were on either side of a transfer of it."""
        with self._db.unit_of_work() as session:
            took = session.scalar(select(Call.agent_id).where(Call.call_sid == call_sid))
            agents = {took} if took is not None else set()
            for from_agent, to_agent in session.execute(
                select(Transfer.from_agent_id, Transfer.to_agent_id).where(
                    Transfer.call_sid == call_sid
                )
            ):
                agents |= {a for a in (from_agent, to_agent) if a is not None}
            return agents

    def set_category(self, call_sid: str, category: str) -> None:
        with self._db.unit_of_work() as session:
            session.execute(update(Call).where(Call.call_sid == call_sid).values(category=category))

    def category(self, call_sid: str) -> str | None:
        with self._db.unit_of_work() as session:
            return session.scalar(select(Call.category).where(Call.call_sid == call_sid))
