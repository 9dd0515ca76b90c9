"""Jobs that get waiting callers in front of agents."""

from __future__ import annotations

from ivr.core.calls import CallStatus
from workers.runtime import services

LOCK_SECONDS = 30


def ring_agents(queue: str) -> list[str]:
    """Ring a free agent for each caller waiting in ``queue``; one dispatcher per queue."""
    built = services()
    with built.redis.lock(f"ivr:lock:dispatch:{queue}", timeout=LOCK_SECONDS, blocking_timeout=10):
        return built.dispatcher.ring_for(queue)


def agent_leg_ended(queue: str, agent_id: int, status: str) -> list[str]:
    built = services()
    with built.redis.lock(f"ivr:lock:dispatch:{queue}", timeout=LOCK_SECONDS, blocking_timeout=10):
        return built.dispatcher.leg_ended(queue, agent_id, CallStatus(status))
