"""Adding and changing agents: the rules that need the other agents to check."""

from __future__ import annotations

from ivr.core.directory import (
    AgentChanges,
    AgentConflict,
    AgentDirectory,
    AgentDraft,
    AgentNotFound,
    AgentProfile,
    InvalidAgent,
)


class AgentAdmin:
    """Two agents reached at one phone would make the dispatcher ring one person twice, so a
    phone or client identity belongs to one agent.

    Checked here rather than by a unique index, so the answer can name the agent that holds
    it; two admins adding the same phone in the same instant could both succeed (rare, and
    harmless until a unique index on ``agents.phone`` closes it).
    """

    def __init__(self, directory: AgentDirectory) -> None:
        self._directory = directory

    def agents(self) -> list[AgentProfile]:
        return self._directory.all()

    def agent(self, agent_id: int) -> AgentProfile:
        agent = self._directory.get(agent_id)
        if agent is None:
            raise AgentNotFound(agent_id)
        return agent

    def register(self, draft: AgentDraft) -> AgentProfile:
        self._check(draft, agent_id=None)
        return self._directory.add(draft)

    def change(self, agent_id: int, changes: AgentChanges) -> AgentProfile:
        draft = changes.applied_to(self.agent(agent_id))
        self._check(draft, agent_id=agent_id)
        return self._directory.replace(agent_id, draft)

    def _check(self, draft: AgentDraft, *, agent_id: int | None) -> None:
        problems = draft.problems()
        if problems:
            raise InvalidAgent(problems)
        for field, value in (("phone", draft.phone), ("client", draft.client)):
            if value is None:
                continue
            holder = self._directory.holder_of(**{field: value})
            if holder is not None and holder != agent_id:
                raise AgentConflict(field, value, holder)
