"""``AgentPool`` on the database: who waits, who is free.

An interim routing store for the foundation: one dispatcher at a time (the job holds a Redis lock
per queue). The queue issue replaces it with atomic Redis state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Call
from ivr.adapters.sql.records import insert_if_new
from ivr.core.calls import FINAL_STATUSES, Outcome
from ivr.core.routing import FreeAgent, WaitingCaller

_FINAL = [str(s) for s in FINAL_STATUSES]


STALE_LEG = timedelta(hours=4)
"""A leg still not over after this long lost its final status callback: it no longer keeps an
agent busy (the queue issue's sweep repairs such records)."""


def _live(now: datetime):
    return and_(
        or_(Call.status.is_(None), Call.status.not_in(_FINAL)),
        Call.started_at > now - STALE_LEG,
    )


class SqlAgentPool:
    def __init__(self, database: Database) -> None:
        self._db = database

    def waiting_callers(self, now: datetime) -> list[WaitingCaller]:
        with self._db.unit_of_work() as session:
            rows = session.execute(
                select(Call.call_sid, Call.queue, Call.skills, Call.started_at)
                .where(
                    # A click-to-call visitor we rang waits like a caller who rang us.
                    Call.direction.in_(("inbound", "outbound-api")),
                    Call.queue.is_not(None),
                    Call.agent_id.is_(None),
                    Call.outcome == str(Outcome.QUEUED),
                    _live(now),
                )
                .order_by(Call.started_at, Call.id)
            ).all()
        return [
            WaitingCaller(
                call_sid=row.call_sid,
                queue=row.queue,
                skills=frozenset(row.skills or ()),
                since=row.started_at,
            )
            for row in rows
        ]

    def agents_ringing(self, now: datetime) -> dict[str, int]:
        """Agent legs placed but not yet connected to a caller (and not over), by queue."""
        with self._db.unit_of_work() as session:
            rows = session.execute(
                select(Call.queue, func.count(Call.id))
                .where(
                    Call.direction == "outbound-api",
                    Call.agent_id.is_not(None),
                    Call.outcome.is_(None),
                    _live(now),
                )
                .group_by(Call.queue)
            ).all()
        return {queue: count for queue, count in rows if queue}

    def free_agents(self, now: datetime) -> list[FreeAgent]:
        with self._db.unit_of_work() as session:
            busy = select(Call.agent_id).where(
                Call.agent_id.is_not(None), Call.direction == "outbound-api", _live(now)
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
                FreeAgent(
                    id=agent.id,
                    name=agent.name,
                    dial_target=agent.phone or f"client:{agent.client_identity}",
                    skills=frozenset(agent.skills or ()),
                )
                for agent, _ in rows
            ]

    def agents_resting(self, now: datetime) -> bool:
        with self._db.unit_of_work() as session:
            resting = session.scalar(
                select(func.count(Agent.id)).where(
                    Agent.active.is_(True), Agent.not_ready_until > now
                )
            )
        return bool(resting)

    def open_agent_leg(self, call_sid: str, agent: FreeAgent, queue: str, at: datetime) -> None:
        with self._db.unit_of_work() as session:
            insert_if_new(
                session,
                Call.__table__,
                {"call_sid": call_sid, "started_at": at, "path": []},
            )
            call = session.scalars(select(Call).where(Call.call_sid == call_sid)).one()
            # The leg's status callback may have arrived first and created a bare record.
            call.agent_id, call.queue, call.direction = agent.id, queue, "outbound-api"
            call.to_number, call.caller_kind = agent.dial_target, "number"

    def rest_agent(self, agent_id: int, until: datetime) -> None:
        with self._db.unit_of_work() as session:
            agent = session.get(Agent, agent_id)
            if agent is not None:
                agent.not_ready_until = until

    def leg_took_a_caller(self, call_sid: str) -> bool:
        with self._db.unit_of_work() as session:
            outcome = session.scalar(select(Call.outcome).where(Call.call_sid == call_sid))
        return outcome == "bridged"
