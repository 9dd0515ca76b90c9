"""Warm transfer, the use case: move a caller from one agent to another agent or a queue.

What "warm" means here is in ``ivr.core.transfers``: the note and the caller's file travel with
the caller; nobody is conferenced in. The order of the steps matters:

1. the transfer is stored (``requested``) before anything moves, so whoever is offered the
   caller finds the note;
2. the caller is put back in line at their original place, *deferred* for a moment, so no agent
   is matched (and no redirect of the dispatcher's races ours) before the caller's leg has
   left the first agent;
3. the caller's leg is redirected (REST, through the carrier, as the dispatcher does) to hold
   music with "please hold while I transfer your call"; that ends the ``<Dial>`` to the first
   agent, whose leg the carrier hangs up; a carrier that refuses fails the transfer, and the
   caller stays with the first agent;
4. the first agent goes into wrap-up (their Dial's own end is not reported once it is
   redirected), and the dispatcher is woken for when the caller's entry is due.

It runs inside the agent's web request, unlike the dispatcher's REST requests, because the
agent must know at once whether their caller moved: a transfer that silently failed later is
a caller left talking to someone who thinks they are gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from ivr.adapters.redis_line import RedisWaitingLine
from ivr.adapters.sql.queue_records import SqlQueueRecords
from ivr.adapters.sql.transfers import SqlTransfers
from ivr.config import QueueSettings
from ivr.core.callbacks import callback_id_of
from ivr.core.directory import AgentDirectory
from ivr.core.flows.instructions import FlowState
from ivr.core.flows.model import Flow, QueueStep
from ivr.core.ports import Carrier, Clock
from ivr.core.queueing import AgentState, EntryKind, LineEntry
from ivr.core.routing import carrier_queue_name
from ivr.core.transfers import (
    CallInHand,
    TransferNote,
    TransferRefused,
    TransferTarget,
    check_note,
)

log = logging.getLogger(__name__)

HOLD_BACK_SECONDS = 1.0
"""How long the caller's entry is deferred while their leg leaves the first agent."""
GONE = (20404, 21220)
"""Twilio: the call does not exist / is not in progress."""


class TransferLinks(Protocol):
    def transfer_hold(self, state: FlowState, queue: str) -> str: ...


class Wakeups(Protocol):
    def caller_waiting(self) -> None: ...

    def dispatch_at(self, at) -> None: ...


@dataclass(frozen=True)
class Placement:
    """Where in the line (and the flow) the transferred caller waits."""

    queue: str
    skills: frozenset[str]
    step: str
    flow: str
    preferred_agent: int | None


@dataclass
class Transfers:
    line: RedisWaitingLine
    records: SqlTransfers
    queue_records: SqlQueueRecords
    directory: AgentDirectory
    carrier: Carrier
    links: TransferLinks
    jobs: Wakeups
    clock: Clock
    flows: dict[str, Flow]
    default_flow: str
    settings: QueueSettings

    def transfer(
        self, call_sid: str, target: TransferTarget, note: str, *, by_agent_id: int | None
    ) -> TransferNote:
        """Raises TransferRefused (with the HTTP status that says why)."""
        note = check_note(note)
        call = self.records.call(call_sid)
        if call is None:
            raise TransferRefused(f"no call {call_sid!r}", status=404)
        if call.ended:
            raise TransferRefused(f"call {call_sid} is over: there is nobody to transfer")
        from_agent = by_agent_id if by_agent_id is not None else call.agent_id
        if from_agent is None or not self._on_the_call(from_agent, call_sid):
            who = f"agent {from_agent}" if from_agent is not None else "any agent"
            raise TransferRefused(
                f"call {call_sid} is not on a call with {who} now (still ringing, or already "
                "transferred): only a caller in a conversation can be transferred"
            )
        placement = self._placement(call, target, from_agent)
        now = self.clock.now()
        transfer_id = self.records.request(
            call_sid=call_sid,
            case_id=call.case_id,
            from_agent_id=from_agent,
            to_agent_id=target.agent_id,
            to_queue=None if target.agent_id is not None else target.queue,
            note=note,
            at=now,
        )
        at = now.timestamp()
        arrived = call.queued_at.timestamp() if call.queued_at else at
        self.line.join(
            self._entry(call, placement, arrived, at), now=at, not_before=at + HOLD_BACK_SECONDS
        )
        self.line.note(call_sid, announced=at, transfer=transfer_id)
        state = FlowState(
            flow=placement.flow,
            step=placement.step,
            language=call.language or self._flow(placement.flow).default_language,
            noticed=True,  # they heard the notice before their first agent
        )
        try:
            self.carrier.redirect(
                call_sid,
                self.links.transfer_hold(
                    state, carrier_queue_name(placement.queue, placement.skills)
                ),
            )
        except Exception as error:
            self.line.remove(call_sid, now=self.clock.now().timestamp())
            self.records.failed(transfer_id)
            if getattr(error, "code", None) in GONE:
                raise TransferRefused(f"call {call_sid} is no longer in progress") from None
            log.exception("transfer %s: the carrier would not move %s", transfer_id, call_sid)
            raise TransferRefused(
                "the carrier would not move the caller; they are still with you", status=502
            ) from None
        self.line.agent_done(from_agent, wrap_up_seconds=self.settings.wrap_up_seconds, now=at)
        self.queue_records.agent_idle_since(from_agent, now)
        self.jobs.caller_waiting()
        self.jobs.dispatch_at(now + timedelta(seconds=HOLD_BACK_SECONDS))
        log.info(
            "transfer %s: %s from agent %s to %s",
            transfer_id,
            call_sid,
            from_agent,
            f"agent {target.agent_id}" if target.agent_id is not None else target.queue,
        )
        transfer = self.records.latest(call_sid)
        assert transfer is not None  # stored above
        return transfer

    def _on_the_call(self, agent_id: int, call_sid: str) -> bool:
        live = self.line.agent_state(agent_id)
        if live is None or live.state is not AgentState.ON_CALL or not live.entry_id:
            return False
        if live.entry_id == call_sid:
            return True
        callback_id = callback_id_of(live.entry_id)
        return callback_id is not None and self.records.callback_leg(callback_id) == call_sid

    def _flow(self, name: str | None) -> Flow:
        return self.flows.get(name or "") or self.flows[self.default_flow]

    def _placement(self, call: CallInHand, target: TransferTarget, from_agent: int) -> Placement:
        flow = self._flow(call.flow)
        steps = [s for s in flow.steps.values() if isinstance(s, QueueStep)]
        if target.agent_id is not None:
            agent = self.directory.get(target.agent_id)
            if agent is None or not agent.active:
                raise TransferRefused(
                    f"agent {target.agent_id} does not exist or is not active",
                    status=422,
                    field="to_agent_id",
                )
            if agent.id == from_agent:
                raise TransferRefused(
                    "an agent cannot transfer a caller to themselves",
                    status=422,
                    field="to_agent_id",
                )
            queue = (call.carrier_queue or "support").split("+")[0]
            # The agent chosen can always take the caller: the skills they lack are dropped.
            skills = call.skills & frozenset(agent.skills)
            step = next(
                (
                    s.name
                    for s in steps
                    if carrier_queue_name(s.queue, s.skills) == call.carrier_queue
                ),
                flow.fallback,
            )
            return Placement(queue, skills, step, flow.name, agent.id)
        wanted = target.queue or ""
        candidates = [
            (candidate.name, step)
            for candidate in (flow, *self.flows.values())
            for step in candidate.steps.values()
            if isinstance(step, QueueStep)
        ]
        for flow_name, step in candidates:  # the exact queue and skills first
            if carrier_queue_name(step.queue, step.skills) == wanted:
                return Placement(step.queue, frozenset(step.skills), step.name, flow_name, None)
        for flow_name, step in candidates:  # then the queue, without skills
            if step.queue == wanted:
                return Placement(step.queue, frozenset(), step.name, flow_name, None)
        known = sorted(
            {
                carrier_queue_name(s.queue, s.skills)
                for f in self.flows.values()
                for s in f.steps.values()
                if isinstance(s, QueueStep)
            }
        )
        raise TransferRefused(
            f"{wanted!r} is not a queue of the call flows: {', '.join(known)}",
            status=422,
            field="to_queue",
        )

    def _entry(
        self, call: CallInHand, placement: Placement, arrived: float, now: float
    ) -> LineEntry:
        preferred = placement.preferred_agent
        return LineEntry(
            id=call.call_sid,
            queue=placement.queue,
            kind=EntryKind.CALLER,
            arrived_at=arrived,
            skills=placement.skills,
            number=call.number,
            customer_id=call.customer_id,
            language=call.language,
            flow=placement.flow,
            step=placement.step,
            preferred_agent=preferred,
            preferred_until=now + self.settings.sticky_wait_seconds if preferred else None,
            leg=call.call_sid,
        )
