"""The wallboard: the contact centre right now, on one screen a whole floor can read.

What a supervisor acts on: callers waiting and the longest wait (move people onto the
phones), each agent's state and for how long (who is stuck in wrap-up), callbacks coming due
and overdue (a promise about to be broken), and today's service level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ivr.core.queueing import AgentState, QueueView
from ivr.core.reports.calls import ServiceLevelCounts

STATE_ORDER = (
    AgentState.AVAILABLE,
    AgentState.RESERVED,
    AgentState.ON_CALL,
    AgentState.WRAP_UP,
    AgentState.NOT_READY,
    AgentState.OFFLINE,
)
"""How states are listed: the ones taking calls first."""

DUE_SOON_MINUTES = 15
"""A callback due within this many minutes is shown as coming due."""


@dataclass(frozen=True)
class AgentOnBoard:
    id: int
    name: str
    state: AgentState
    since: datetime | None = None
    """When they entered this state: "in wrap-up for 9 minutes" is what a supervisor acts on."""


@dataclass(frozen=True)
class CallbackDue:
    id: int
    number: str
    customer: str | None
    due_by: datetime
    overdue: bool
    attempts: int


@dataclass(frozen=True)
class Board:
    at: datetime
    queues: list[QueueView]
    agents: list[AgentOnBoard]
    callbacks_due: list[CallbackDue]
    service_level: ServiceLevelCounts | None
    """Today so far, in the business's time zone (``ivr.core.reports.calls``)."""

    @property
    def agents_by_state(self) -> dict[str, int]:
        return count_by_state(self.agents)

    @property
    def callbacks_due_soon(self) -> int:
        return sum(1 for callback in self.callbacks_due if not callback.overdue)

    @property
    def callbacks_overdue(self) -> int:
        return sum(1 for callback in self.callbacks_due if callback.overdue)

    @property
    def waiting(self) -> int:
        return sum(queue.waiting for queue in self.queues)

    @property
    def longest_wait_s(self) -> int:
        return max((queue.longest_wait_s for queue in self.queues), default=0)


def board_agents(
    names: Mapping[int, str],
    states: Mapping[int, tuple[AgentState, datetime | None]],
    stored_status: Mapping[int, str],
) -> list[AgentOnBoard]:
    """Every active agent with their live state; an agent the live line does not know (not
    signed on since Redis started) shows the status stored for them, or offline."""
    agents = []
    for agent_id, name in names.items():
        if agent_id in states:
            state, since = states[agent_id]
        else:
            state, since = _stored_state(stored_status.get(agent_id)), None
        agents.append(AgentOnBoard(agent_id, name, state, since))
    rank = {state: n for n, state in enumerate(STATE_ORDER)}
    return sorted(agents, key=lambda a: (rank.get(a.state, len(rank)), a.name))


def count_by_state(agents: Iterable[AgentOnBoard]) -> dict[str, int]:
    counts = Counter(agent.state for agent in agents)
    return {str(state): counts.get(state, 0) for state in STATE_ORDER}


def callbacks_due(
    open_callbacks: Iterable[tuple[int, str, str | None, datetime, int]], *, now: datetime
) -> list[CallbackDue]:
    """Open callbacks (id, number, customer, due by, attempts) by due time, overdue marked."""
    due = [
        CallbackDue(cid, number, customer, due_by, due_by < now, attempts)
        for cid, number, customer, due_by, attempts in open_callbacks
    ]
    return sorted(due, key=lambda c: c.due_by)


def _stored_state(status: str | None) -> AgentState:
    try:
        return AgentState(status) if status else AgentState.OFFLINE
    except ValueError:
        return AgentState.OFFLINE
