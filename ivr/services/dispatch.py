"""Ring a free agent for each caller holding in a queue.

The caller holds in the carrier's queue (``<Enqueue>``); the agent who answers hears where the
call is from and presses 1 to take it, and is then connected to the head of that queue with
``<Dial><Queue>`` (so an agent's voicemail never swallows a caller). An agent who lets it ring
out, declines or does not press 1 rests for a while so the next caller is not sent to the same
unanswered phone; the dispatcher looks again when that rest is over.

One dispatcher runs at a time (the job holds a lock), over every queue at once: an agent freed
by one queue's call is offered to whoever has waited longest in any queue they can serve.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from ivr.core.calls import CallStatus
from ivr.core.ports import AgentPool, Carrier, Clock, OutboundLeg
from ivr.core.routing import assign

log = logging.getLogger(__name__)

REST_AFTER_MISSED_CALL = timedelta(seconds=60)


class AgentLinks(Protocol):
    def agent_answer(self, queue: str, agent_id: int) -> str: ...

    def agent_status(self, queue: str, agent_id: int) -> str: ...


class LookAgainLater(Protocol):
    def look_again(self, after: timedelta) -> None: ...


@dataclass
class AgentDispatcher:
    pool: AgentPool
    carrier: Carrier
    links: AgentLinks
    later: LookAgainLater
    clock: Clock
    business_number: str
    ring_timeout_seconds: int = 20

    def dispatch(self) -> list[str]:
        """Place one agent leg per waiting caller not yet covered; returns their CallSids."""
        now = self.clock.now()
        waiting = self.pool.waiting_callers(now)
        if not waiting:
            return []
        assignments, unserved = assign(
            waiting, self.pool.agents_ringing(now), self.pool.free_agents(now)
        )
        placed: list[str] = []
        for assignment in assignments:
            agent, queue = assignment.agent, assignment.queue
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
                unserved.append(next(c for c in waiting if c.queue == queue))
                continue
            self.pool.open_agent_leg(call_sid, agent, queue, now)
            log.info("ringing agent %s (%s) for queue %s", agent.id, call_sid, queue)
            placed.append(call_sid)
        if unserved and self.pool.agents_resting(now):
            self.later.look_again(REST_AFTER_MISSED_CALL + timedelta(seconds=1))
        return placed

    def leg_ended(self, call_sid: str, agent_id: int, status: CallStatus) -> list[str]:
        """An agent's leg is over: rest them unless they took a caller, then serve the next."""
        if status is not CallStatus.COMPLETED or not self.pool.leg_took_a_caller(call_sid):
            self.pool.rest_agent(agent_id, self.clock.now() + REST_AFTER_MISSED_CALL)
        return self.dispatch()
