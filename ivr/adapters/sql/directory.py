"""``AgentDirectory`` on SQLAlchemy: the ``agents`` table as the API sees it."""

from __future__ import annotations

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent
from ivr.core.directory import AgentDraft, AgentNotFound, AgentProfile


def _profile(row: Agent) -> AgentProfile:
    return AgentProfile(
        id=row.id,
        name=row.name,
        phone=row.phone,
        client=row.client_identity,
        skills=tuple(row.skills or ()),
        active=row.active,
        status=row.status,
    )


def _write(row: Agent, draft: AgentDraft) -> None:
    row.name = draft.name
    row.phone = draft.phone
    row.client_identity = draft.client
    row.skills = list(draft.skills)
    row.active = draft.active


class SqlAgentDirectory:
    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self) -> list[AgentProfile]:
        with self._db.unit_of_work() as session:
            return [_profile(row) for row in session.scalars(select(Agent).order_by(Agent.id))]

    def get(self, agent_id: int) -> AgentProfile | None:
        with self._db.unit_of_work() as session:
            row = session.get(Agent, agent_id)
            return _profile(row) if row else None

    def holder_of(self, *, phone: str | None = None, client: str | None = None) -> int | None:
        if phone is not None:
            column, value = Agent.phone, phone
        else:
            column, value = Agent.client_identity, client
        with self._db.unit_of_work() as session:
            return session.scalar(select(Agent.id).where(column == value).order_by(Agent.id))

    def add(self, draft: AgentDraft) -> AgentProfile:
        with self._db.unit_of_work() as session:
            row = Agent(status="available")
            _write(row, draft)
            session.add(row)
            session.flush()
            return _profile(row)

    def replace(self, agent_id: int, draft: AgentDraft) -> AgentProfile:
        with self._db.unit_of_work() as session:
            row = session.get(Agent, agent_id)
            if row is None:
                raise AgentNotFound(agent_id)
            _write(row, draft)
            session.flush()
            return _profile(row)
