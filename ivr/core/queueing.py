"""The waiting line: callers and callbacks in one order, agents and their states.

Everyone waiting for a queue (a caller on hold, a callback keeping a caller's place) is an entry
ordered by priority, then by the time they first joined: a callback keeps the place its caller
had. An agent is offered the first entry they have the skills for; among the agents who could
take an entry, the one idle longest gets it. A repeat caller may wait a short while for the
agent who last spoke to them. The line itself lives in Redis (``ivr.adapters.redis_line``),
behind the ``WaitingLine`` port, so several web and worker processes share it atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AgentState(StrEnum):
    AVAILABLE = "available"
    RESERVED = "reserved"
    """Chosen for an entry; their phone is about to ring or ringing."""
    ON_CALL = "on-call"
    WRAP_UP = "wrap-up"
    """After a call, until their wrap-up timer ends."""
    NOT_READY = "not-ready"
    """They let a call ring out: skipped until a timer ends or they say they are back."""
    OFFLINE = "offline"


CHOSEN_STATES = frozenset({AgentState.AVAILABLE, AgentState.OFFLINE, AgentState.WRAP_UP})
"""The states an agent (or the API) may set; the others follow from calls."""


class EntryKind(StrEnum):
    CALLER = "caller"
    """A caller on hold: the entry's id is their CallSid."""
    CALLBACK = "callback"
    """A callback keeping a caller's place: the entry's id is ``cb-<callback id>``."""


SCORE_PER_SECOND = 1_000_000
"""A score counts microseconds, as finely as the records keep an arrival. In milliseconds, two
callers put in line by two web processes in the same millisecond shared a score: both were told
the same place, and were served (and rebuilt after a restart of Redis) by id, not by arrival."""
PRIORITY_STEP = 10**15
"""One priority level outranks ~31 years of waiting: priority first, then arrival."""


def line_score(arrived_at: float, priority: int = 0) -> int:
    """The sort key of an entry: lower is served first. An integer below 2**53 for arrivals
    this century and a few priority levels, so Redis's double keeps it exact. Entries with the
    same score (callbacks booked for the same time) are told apart by id (``place_of``)."""
    return round(arrived_at * SCORE_PER_SECOND) - priority * PRIORITY_STEP


@dataclass(frozen=True)
class LineEntry:
    id: str
    queue: str
    kind: EntryKind
    arrived_at: float
    """Epoch seconds of their original arrival: their place in line."""
    skills: frozenset[str] = frozenset()
    priority: int = 0
    number: str | None = None
    customer_id: int | None = None
    language: str | None = None
    flow: str | None = None
    step: str | None = None
    """The flow step that queued them: where they go back to if an agent does not answer."""
    preferred_agent: int | None = None
    """The agent who last spoke to this caller (sticky routing), if any."""
    preferred_until: float | None = None
    leg: str | None = None
    """The live call to connect: a caller's CallSid, or a callback's answered outbound call."""

    @property
    def score(self) -> float:
        return line_score(self.arrived_at, self.priority)


@dataclass(frozen=True)
class AgentOnShift:
    id: int
    name: str
    dial_target: str
    """E.164 number or ``client:<identity>``."""
    skills: frozenset[str]

    def can_take(self, entry: LineEntry) -> bool:
        return entry.skills <= self.skills


@dataclass(frozen=True)
class Match:
    """An entry and the agent reserved for it, atomically: neither is offered to anyone else."""

    entry: LineEntry
    agent: AgentOnShift


@dataclass(frozen=True)
class Place:
    """Where an entry stands: 1 is next. ``agents`` counts the staffed agents able to take it."""

    position: int
    waiting: int
    agents: int
    agents_available: int


@dataclass(frozen=True)
class LineSnapshot:
    name: str
    waiting: int
    agents_available: int
    agents_staffed: int
    longest_wait_seconds: float


@dataclass(frozen=True)
class QueueView:
    """A queue as a manager (the API, the wallboard) sees it now."""

    name: str
    waiting: int
    callbacks_pending: int
    agents_available: int
    agents_staffed: int
    estimated_wait_s: int | None
    longest_wait_s: int
