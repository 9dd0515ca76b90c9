"""Jobs that get waiting callers in front of agents: one dispatcher at a time, for all queues."""

from __future__ import annotations

from ivr.core.calls import CallStatus
from workers.runtime import services

LOCK = "ivr:lock:dispatch"
LOCK_SECONDS = 120
"""Longer than a dispatch can take: a REST request per agent rung, each up to 10 s."""


def dispatch() -> list[str]:
    """Ring a free, capable agent for each caller waiting in any queue."""
    built = services()
    with built.redis.lock(LOCK, timeout=LOCK_SECONDS, blocking_timeout=30):
        return built.dispatcher.dispatch()


def agent_leg_ended(call_sid: str, agent_id: int, status: str) -> list[str]:
    built = services()
    with built.redis.lock(LOCK, timeout=LOCK_SECONDS, blocking_timeout=30):
        return built.dispatcher.leg_ended(call_sid, agent_id, CallStatus(status))
