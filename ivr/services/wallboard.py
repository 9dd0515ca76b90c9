"""Builds the wallboard from the live line (Redis) and the records (SQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ivr.core.ports import Clock
from ivr.core.queueing import QueueView
from ivr.core.reports.calls import ServiceLevelCounts
from ivr.core.wallboard import (
    DUE_SOON_MINUTES,
    Board,
    board_agents,
    callbacks_due,
)


@dataclass
class WallboardService:
    snapshot: Callable[[str], QueueView]
    """``WaitingCalls.snapshot``: a queue's view now."""
    queue_names: Callable[[], list[str]]
    agents: Callable[[], list]
    """The directory's agents (``AgentProfile``)."""
    live_states: Callable[[], dict]
    """``RedisWaitingLine.agent_states``: id → (state, entry, since epoch seconds)."""
    open_callbacks: Callable[[datetime], list]
    service_level: Callable[[datetime], ServiceLevelCounts | None]
    clock: Clock

    def board(self) -> Board:
        now = self.clock.now()
        queues = [self.snapshot(name) for name in self.queue_names()]
        profiles = [agent for agent in self.agents() if agent.active]
        live = {
            agent_id: (state, _moment(since))
            for agent_id, (state, _entry, since) in self.live_states().items()
        }
        agents = board_agents(
            {a.id: a.name for a in profiles}, live, {a.id: a.status for a in profiles}
        )
        due = callbacks_due(self.open_callbacks(now + timedelta(minutes=DUE_SOON_MINUTES)), now=now)
        return Board(
            at=now,
            queues=queues,
            agents=agents,
            callbacks_due=due,
            service_level=self.service_level(now),
        )


def _moment(epoch_seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch_seconds, UTC) if epoch_seconds is not None else None
