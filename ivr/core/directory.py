"""The agent directory: who the agents are, how their phones are reached, what they handle.

An agent is reached one way, a phone number (E.164) or a browser ``client:`` identity, never
both: the dispatcher dials exactly one target, and two would leave it guessing which one the
agent is actually at. Skills are short slugs that call flows name (``billing``, ``tech``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Protocol

from ivr.core.callers import normalise_number
from ivr.core.errors import IvrError

NAME_MAX_LENGTH = 200
SKILLS_MAX = 32
_SKILL = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SKILL_PATTERN = _SKILL.pattern
_CLIENT_IDENTITY = re.compile(r"^[A-Za-z0-9_.@-]{1,121}$")
CLIENT_IDENTITY_PATTERN = _CLIENT_IDENTITY.pattern
"""Twilio Client identities: no spaces or other special characters, at most 121 of them."""


class AgentStatus(StrEnum):
    """What an agent chose; only ``available`` agents are offered callers."""

    AVAILABLE = "available"
    OFFLINE = "offline"
    WRAP_UP = "wrap-up"
    """Finishing the notes of the last call: staffed, but not offered a caller yet."""


class AgentNotFound(IvrError):
    def __init__(self, agent_id: int) -> None:
        self.agent_id = agent_id
        super().__init__(f"there is no agent {agent_id}")


class AgentConflict(IvrError):
    """Another agent is already reached at this phone or client identity."""

    def __init__(self, field: str, value: str, holder_id: int) -> None:
        self.field, self.value, self.holder_id = field, value, holder_id
        super().__init__(f"agent {holder_id} already has {field} {value!r}")


class InvalidAgent(IvrError):
    """The agent a request would leave behind breaks a rule; ``fields`` says which."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{name}: {problem}" for name, problem in fields.items()))


def agent_phone(text: str) -> str:
    """An agent's phone in E.164; raises ValueError saying what is wrong."""
    if not text.strip().startswith("+"):
        raise ValueError("must be an E.164 number: + and the country code, e.g. +12025550111")
    e164 = normalise_number(text.strip())
    if e164 is None:
        raise ValueError(f"{text!r} is not a possible phone number")
    return e164


def client_identity(text: str) -> str:
    if not _CLIENT_IDENTITY.match(text):
        raise ValueError(
            "must be 1 to 121 letters, digits or _ . @ - (a Twilio Client identity, "
            "without the client: prefix)"
        )
    return text


def skill(text: str) -> str:
    if not _SKILL.match(text):
        raise ValueError(
            f"{text!r} is not a skill: lower-case letters, digits, _ or -, at most 32 characters"
        )
    return text


@dataclass(frozen=True)
class AgentProfile:
    id: int
    name: str
    phone: str | None
    client: str | None
    skills: tuple[str, ...]
    active: bool
    status: str


@dataclass(frozen=True)
class AgentDraft:
    """An agent as it will be stored (new, or after a change), fields already well-formed."""

    name: str
    phone: str | None
    client: str | None
    skills: tuple[str, ...] = ()
    active: bool = True

    def problems(self) -> dict[str, str]:
        if (self.phone is None) == (self.client is None):
            problem = "give exactly one of phone and client" + (
                " (this agent would have both)" if self.phone else ""
            )
            return {"phone": problem, "client": problem}
        return {}


class Keep(Enum):
    """A field a change leaves as it is (``None`` would mean: clear it)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class AgentChanges:
    name: str | Keep = KEEP
    phone: str | None | Keep = KEEP
    client: str | None | Keep = KEEP
    skills: tuple[str, ...] | Keep = KEEP
    active: bool | Keep = KEEP

    def applied_to(self, agent: AgentProfile) -> AgentDraft:
        def pick(new, old):
            return old if new is KEEP else new

        return AgentDraft(
            name=pick(self.name, agent.name),
            phone=pick(self.phone, agent.phone),
            client=pick(self.client, agent.client),
            skills=pick(self.skills, agent.skills),
            active=pick(self.active, agent.active),
        )


class AgentDirectory(Protocol):
    def all(self) -> list[AgentProfile]: ...

    def get(self, agent_id: int) -> AgentProfile | None: ...

    def holder_of(self, *, phone: str | None = None, client: str | None = None) -> int | None:
        """The id of an agent reached at this phone (or client identity), if any."""
        ...

    def add(self, draft: AgentDraft) -> AgentProfile: ...

    def replace(self, agent_id: int, draft: AgentDraft) -> AgentProfile: ...
