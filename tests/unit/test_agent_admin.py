"""The directory's rules, on an in-memory directory: one way to reach each agent, one agent per
phone or client identity."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ivr.core.directory import (
    AgentChanges,
    AgentConflict,
    AgentDraft,
    AgentNotFound,
    AgentProfile,
    InvalidAgent,
    agent_phone,
    client_identity,
    skill,
)
from ivr.services.agents import AgentAdmin


class FakeDirectory:
    def __init__(self) -> None:
        self.agents: dict[int, AgentProfile] = {}

    def all(self) -> list[AgentProfile]:
        return list(self.agents.values())

    def get(self, agent_id: int) -> AgentProfile | None:
        return self.agents.get(agent_id)

    def holder_of(self, *, phone: str | None = None, client: str | None = None) -> int | None:
        for agent in self.agents.values():
            if (phone is not None and agent.phone == phone) or (
                client is not None and agent.client == client
            ):
                return agent.id
        return None

    def add(self, draft: AgentDraft) -> AgentProfile:
        agent = AgentProfile(id=len(self.agents) + 1, status="available", **vars(draft))
        self.agents[agent.id] = agent
        return agent

    def replace(self, agent_id: int, draft: AgentDraft) -> AgentProfile:
        self.agents[agent_id] = replace(self.agents[agent_id], **vars(draft))
        return self.agents[agent_id]


@pytest.fixture
def admin() -> AgentAdmin:
    return AgentAdmin(FakeDirectory())


ALEX = AgentDraft(name="Alex", phone="+12025550111", client=None, skills=("billing",))


def test_an_agent_reached_one_way_is_registered(admin: AgentAdmin) -> None:
    agent = admin.register(ALEX)
    assert admin.agent(agent.id) == agent
    assert (agent.phone, agent.client, agent.status) == ("+12025550111", None, "available")


@pytest.mark.parametrize(
    ("phone", "client"), [(None, None), ("+12025550111", "alex")], ids=["neither", "both"]
)
def test_an_agent_needs_exactly_one_of_phone_and_client(
    admin: AgentAdmin, phone: str | None, client: str | None
) -> None:
    with pytest.raises(InvalidAgent) as raised:
        admin.register(replace(ALEX, phone=phone, client=client))
    assert set(raised.value.fields) == {"phone", "client"}


def test_a_phone_belongs_to_one_agent(admin: AgentAdmin) -> None:
    first = admin.register(ALEX)
    with pytest.raises(AgentConflict) as raised:
        admin.register(replace(ALEX, name="Other"))
    assert (raised.value.field, raised.value.holder_id) == ("phone", first.id)


def test_a_change_may_keep_the_agents_own_phone(admin: AgentAdmin) -> None:
    agent = admin.register(ALEX)
    changed = admin.change(agent.id, AgentChanges(name="Alexandra", phone="+12025550111"))
    assert (changed.name, changed.skills) == ("Alexandra", ("billing",))


def test_a_change_checks_the_agent_it_would_leave(admin: AgentAdmin) -> None:
    agent = admin.register(ALEX)
    with pytest.raises(InvalidAgent):
        admin.change(agent.id, AgentChanges(client="alex"))
    moved = admin.change(agent.id, AgentChanges(phone=None, client="alex"))
    assert (moved.phone, moved.client) == (None, "alex")


def test_changing_an_unknown_agent_says_which(admin: AgentAdmin) -> None:
    with pytest.raises(AgentNotFound, match="no agent 7"):
        admin.change(7, AgentChanges(name="x"))


@pytest.mark.parametrize("text", ["2025550111", "+1202", "+1 202 555 01111111", "phone"])
def test_an_agents_phone_must_be_international(text: str) -> None:
    with pytest.raises(ValueError):
        agent_phone(text)


def test_an_agents_phone_is_stored_as_plain_e164() -> None:
    assert agent_phone(" +44 7700-900123 ") == "+447700900123"


@pytest.mark.parametrize("text", ["", "has space", "client:alex", "x" * 122])
def test_a_client_identity_has_no_spaces_or_prefix(text: str) -> None:
    with pytest.raises(ValueError):
        client_identity(text)


@pytest.mark.parametrize("text", ["Billing", "-tech", "a" * 33, "tech support"])
def test_a_skill_is_a_short_lower_case_slug(text: str) -> None:
    with pytest.raises(ValueError):
        skill(text)
