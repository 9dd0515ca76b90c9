"""``AgentPool`` on the database: who waits, who is free.

An interim routing store for the foundation: one dispatcher at a time (the job holds a Redis lock
per queue). The queue issue replaces it with atomic Redis state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Call
from ivr.adapters.sql.records import _insert_ignoring_duplicates
from ivr.core.calls import FINAL_STATUSES, Outcome
from ivr.core.ports import AgentLine

_FINAL = [str(s) for s in FINAL_STATUSES]


def _live():
    return or_(Call.status.is_(None), Call.status.not_in(_FINAL))


class SqlAgentPool:
    def __init__(self, database: Database) -> None:
        self._db = database

    def waiting_callers(self, queue: str) -> list[str]:
        with self._db.unit_of_work() as session:
            rows = session.scalars(
                select(Call.call_sid)
                .where(
                    Call.queue == queue,
                    Call.agent_id.is_(None),
                    Call.outcome == str(Outcome.QUEUED),
                    _live(),
                )
                .order_by(Call.started_at, Call.id)
            )
            return list(rows)

    def agents_ringing(self, queue: str) -> int:
        """Agent legs for this queue not yet bridged to a caller and not over."""
        with self._db.unit_of_work() as session:
            return (
                session.scalar(
                    select(func.count(Call.id)).where(
                        Call.queue == queue,
                        Call.direction == "outbound-api",
                        Call.agent_id.is_not(None),
                        Call.outcome.is_(None),
                        _live(),
                    )
                )
                or 0
            )

    def free_agents(self, now: datetime) -> list[AgentLine]:
        with self._db.unit_of_work() as session:
            busy = select(Call.agent_id).where(
                Call.agent_id.is_not(None), Call.direction == "outbound-api", _live()
            )
            last_call = (
                select(Call.agent_id, func.max(Call.ended_at).label("last_ended"))
                .where(Call.agent_id.is_not(None))
                .group_by(Call.agent_id)
                .subquery()
            )
            rows = session.execute(
                select(Agent, last_call.c.last_ended)
                .outerjoin(last_call, last_call.c.agent_id == Agent.id)
                .where(
                    Agent.active.is_(True),
                    or_(Agent.phone.is_not(None), Agent.client_identity.is_not(None)),
                    or_(Agent.not_ready_until.is_(None), Agent.not_ready_until <= now),
                    Agent.id.not_in(busy),
                )
                .order_by(last_call.c.last_ended.is_not(None), last_call.c.last_ended, Agent.id)
            ).all()
            return [
                AgentLine(
                    id=agent.id,
                    name=agent.name,
                    dial_target=agent.phone or f"client:{agent.client_identity}",
                )
                for agent, _ in rows
            ]

    def agents_resting(self, now: datetime) -> bool:
        with self._db.unit_of_work() as session:
            return (
                session.scalar(
                    select(func.count(Agent.id)).where(
                        Agent.active.is_(True), Agent.not_ready_until > now
                    )
                )
                or 0
            ) > 0

    def open_agent_leg(
        self, call_sid: str, agent: AgentLine, queue: str, to_number: str, at: datetime
    ) -> None:
        with self._db.unit_of_work() as session:
            _insert_ignoring_duplicates(
                session,
                Call.__table__,
                {
                    "call_sid": call_sid,
                    "direction": "outbound-api",
                    "from_raw": "",
                    "caller_kind": "number",
                    "to_number": to_number,
                    "started_at": at,
                    "path": [],
                },
            )
            call = session.scalars(select(Call).where(Call.call_sid == call_sid)).one()
            # The leg's status callback may have arrived first and created a bare record.
            call.agent_id, call.queue, call.direction = agent.id, queue, "outbound-api"
            call.to_number = agent.dial_target

    def rest_agent(self, agent_id: int, until: datetime) -> None:
        with self._db.unit_of_work() as session:
            agent = session.get(Agent, agent_id)
            if agent is not None:
                agent.not_ready_until = until
