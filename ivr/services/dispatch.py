"""Ring a free agent for each caller holding in a queue.

The caller holds in the carrier's queue (``<Enqueue>``); an agent who answers is connected to
the head of that queue with ``<Dial><Queue>``. An agent who lets the phone ring out rests for a
while so the next caller is not sent to the same unanswered phone; the dispatcher looks again
when that rest is over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from ivr.core.calls import CallStatus
from ivr.core.ports import AgentPool, Carrier, Clock, OutboundLeg

log = logging.getLogger(__name__)

REST_AFTER_MISSED_CALL = timedelta(seconds=60)
_MISSED = {CallStatus.NO_ANSWER, CallStatus.BUSY, CallStatus.FAILED, CallStatus.CANCELED}


class AgentLinks(Protocol):
    def agent_answer(self, queue: str, agent_id: int) -> str: ...

    def agent_status(self, queue: str, agent_id: int) -> str: ...


class LookAgainLater(Protocol):
    def look_again(self, queue: str, after: timedelta) -> None: ...


@dataclass
class AgentDispatcher:
    pool: AgentPool
    carrier: Carrier
    links: AgentLinks
    later: LookAgainLater
    clock: Clock
    business_number: str
    ring_timeout_seconds: int = 20

    def ring_for(self, queue: str) -> list[str]:
        """Place one agent leg per waiting caller not yet covered; returns their CallSids."""
        now = self.clock.now()
        needed = len(self.pool.waiting_callers(queue)) - self.pool.agents_ringing(queue)
        if needed <= 0:
            return []
        placed: list[str] = []
        for agent in self.pool.free_agents(now)[:needed]:
            leg = OutboundLeg(
                to=agent.dial_target,
                from_=self.business_number,
                answer_url=self.links.agent_answer(queue, agent.id),
                status_callback_url=self.links.agent_status(queue, agent.id),
                timeout_seconds=self.ring_timeout_seconds,
            )
            try:
                call_sid = self.carrier.place_call(leg)
            except Exception:
                log.exception("could not ring agent %s for queue %s", agent.id, queue)
                self.pool.rest_agent(agent.id, now + REST_AFTER_MISSED_CALL)
                continue
            self.pool.open_agent_leg(call_sid, agent, queue, agent.dial_target, now)
            log.info("ringing agent %s (%s) for queue %s", agent.id, call_sid, queue)
            placed.append(call_sid)
        if len(placed) < needed and self.pool.agents_resting(now):
            self.later.look_again(queue, REST_AFTER_MISSED_CALL + timedelta(seconds=1))
        return placed

    def leg_ended(self, queue: str, agent_id: int, status: CallStatus) -> list[str]:
        """An agent's leg is over: rest them if they missed it, then serve the next caller."""
        if status in _MISSED:
            self.pool.rest_agent(agent_id, self.clock.now() + REST_AFTER_MISSED_CALL)
        return self.ring_for(queue)
