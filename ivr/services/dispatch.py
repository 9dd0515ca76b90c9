"""The worker side of the line: match free agents with the head of the line, and repair.

``dispatch`` runs whenever something may have freed an agent or added a caller (a job per
event). Each match is atomic in Redis; acting on it is a REST request: a caller on hold has
their leg redirected to ``<Dial>`` the agent, a callback rings the customer (with answering
machine detection) and is bridged when a person answers. ``sweep`` runs every few seconds
(RQ's scheduler) and repairs what a lost webhook or a restart of Redis left behind; the
database is the source of truth for callbacks and calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ivr.adapters.redis_line import RedisWaitingLine
from ivr.adapters.sql.callbacks import SqlCallbackBook
from ivr.adapters.sql.queue_records import SqlQueueRecords
from ivr.config import QueueSettings
from ivr.core.callbacks import (
    AttemptResult,
    CallbackStatus,
    CallingHours,
    OpenCallback,
    callback_id_of,
    expired,
    next_attempt_at,
    zone_of_number,
)
from ivr.core.ports import Carrier, Clock, OutboundLeg
from ivr.core.queueing import AgentState, EntryKind, LineEntry, Match

log = logging.getLogger(__name__)

RESERVATION_GRACE = timedelta(seconds=45)
"""A reservation with no news after the ring timeout plus this is stale (a lost webhook)."""
REDIRECT_GONE = (20404, 21220)
"""Twilio: the call does not exist / is not in progress (the caller hung up meanwhile)."""


class LineLinks(Protocol):
    def queue_connect(self, entry_id: str, agent_id: int) -> str: ...

    def callback_answer(self, callback_id: int, agent_id: int) -> str: ...

    def callback_status(self, callback_id: int, agent_id: int) -> str: ...


class Later(Protocol):
    def dispatch_at(self, at: datetime) -> None: ...


@dataclass
class Dispatcher:
    line: RedisWaitingLine
    records: SqlQueueRecords
    callbacks: SqlCallbackBook
    carrier: Carrier
    links: LineLinks
    later: Later
    clock: Clock
    settings: QueueSettings
    business_number: str
    business_zone: str = "UTC"
    ring_timeout_seconds: int = 20

    def _now(self) -> tuple[datetime, float]:
        now = self.clock.now()
        return now, now.timestamp()

    def dispatch(self) -> list[str]:
        """Serve every entry some free agent can take; returns the entries acted on."""
        acted: list[str] = []
        for _ in range(100):  # a bound, not a loop forever: the next event dispatches again
            now, at = self._now()
            match = self.line.match(now=at)
            if match is None:
                break
            if self._act(match):
                acted.append(match.entry.id)
        self._wake_for_next_timer()
        return acted

    def _act(self, match: Match) -> bool:
        entry, agent = match.entry, match.agent
        if entry.kind is EntryKind.CALLBACK and not entry.leg:
            return self._place_callback(entry, agent.id)
        try:
            self.carrier.redirect(
                entry.leg or entry.id, self.links.queue_connect(entry.id, agent.id)
            )
        except Exception as error:
            code = getattr(error, "code", None)
            _, at = self._now()
            if code in REDIRECT_GONE:
                log.info("caller %s left before agent %s could take them", entry.id, agent.id)
                self.line.remove(entry.id, now=at)
            else:
                log.exception("could not connect %s to agent %s", entry.id, agent.id)
                self.line.release(entry.id, agent_id=agent.id, now=at)
            return False
        log.info("connecting %s to agent %s", entry.id, agent.id)
        return True

    def _place_callback(self, entry: LineEntry, agent_id: int) -> bool:
        callback_id = callback_id_of(entry.id)
        now, at = self._now()
        if callback_id is None or not self.callbacks.attempt_started(
            callback_id, agent_id=agent_id, call_sid=None, at=now
        ):
            self.line.remove(entry.id, now=at)  # no longer pending: completed or cancelled
            return False
        leg = OutboundLeg(
            to=entry.number or "",
            from_=self.business_number,
            answer_url=self.links.callback_answer(callback_id, agent_id),
            status_callback_url=self.links.callback_status(callback_id, agent_id),
            timeout_seconds=self.ring_timeout_seconds,
            machine_detection=True,
        )
        try:
            call_sid = self.carrier.place_call(leg)
        except Exception:
            log.exception("could not place callback %s", callback_id)
            self.attempt_failed(callback_id, agent_id, AttemptResult.FAILED)
            return False
        self.callbacks.attempt_placed(callback_id, call_sid)
        callback = self.callbacks.get(callback_id)
        self.records.callback_leg(
            call_sid,
            callback_id=callback_id,
            to=entry.number or "",
            customer_id=entry.customer_id,
            reason=callback.reason if callback else None,
            queue=entry.queue,
            at=now,
        )
        log.info("calling back %s for callback %s (agent %s)", call_sid, callback_id, agent_id)
        return True

    def attempt_failed(self, callback_id: int, agent_id: int | None, result: str) -> str:
        """A callback attempt did not reach a person: retry later, or mark it missed."""
        now, at = self._now()
        callback = self.callbacks.get(callback_id)
        number = callback.number if callback else ""
        retry = (
            next_attempt_at(callback.attempts, now, self._hours(), self._zone(number))
            if callback
            else None
        )
        status = self.callbacks.attempt_failed(callback_id, result=result, at=now, retry_at=retry)
        entry_id = f"cb-{callback_id}"
        if status is CallbackStatus.PENDING and retry is not None:
            self.line.release(
                entry_id, agent_id=agent_id, now=at, entry_not_before=retry.timestamp()
            )
            log.info("callback %s: %s, trying again at %s", callback_id, result, retry)
        else:
            self.line.remove(entry_id, now=at)  # frees the agent reserved for it
            log.warning("callback %s missed after %s", callback_id, result)
        self.dispatch()
        return str(status) if status else "unchanged"

    def _hours(self) -> CallingHours:
        return CallingHours.parse(self.settings.calling_hours)

    def _zone(self, number: str) -> ZoneInfo:
        return zone_of_number(number, self.business_zone)

    def _wake_for_next_timer(self) -> None:
        """Wrap-ups, rests and deferred callbacks end on a timer: look again then."""
        when = self.line.next_timer()
        if when is not None:
            self.later.dispatch_at(datetime.fromtimestamp(when, tz=self.clock.now().tzinfo))

    # -- agents ------------------------------------------------------------------------------

    def sync_agents(self) -> int:
        """Bring Redis in line with the roster: new agents, removed ones, changed details.
        A known agent keeps their live state (reserved, on a call, wrap-up)."""
        now, at = self._now()
        roster = self.records.roster()
        known = self.line.agent_states()
        for rostered in roster:
            idle = rostered.idle_since.timestamp() if rostered.idle_since else at
            self.line.put_agent(
                rostered.agent, chosen=rostered.chosen, idle_since=idle, now=at, force=False
            )
        for agent_id in set(known) - {r.agent.id for r in roster}:
            self.line.forget_agent(agent_id)
        return len(roster)

    def set_agent_status(self, agent_id: int, status: AgentState) -> AgentState | None:
        """An agent (or the API) chose a status: kept in the records, applied in Redis. The
        caller dispatches afterwards (a job: never REST requests inside a web request)."""
        rostered = self.records.rostered(agent_id)
        if rostered is None:
            return None
        self.records.set_chosen_status(agent_id, status)
        now, at = self._now()
        idle = rostered.idle_since.timestamp() if rostered.idle_since else at
        return self.line.put_agent(rostered.agent, chosen=status, idle_since=idle, now=at)

    # -- repair ------------------------------------------------------------------------------

    def sweep(self) -> dict[str, int]:
        """Repair what lost events and restarts left behind, then dispatch."""
        now, at = self._now()
        repaired = {"agents": self.sync_agents()}
        repaired["callers_rejoined"] = self._rejoin_waiting_callers(now)
        repaired["callbacks_restored"] = self._restore_callbacks(now)
        repaired["stale_reservations"] = self._release_stale_reservations(at)
        repaired["finished_removed"] = self._remove_finished_callers(at)
        repaired["agents_freed"] = self._free_agents_of_finished_calls(at)
        self.dispatch()
        return repaired

    def _rejoin_waiting_callers(self, now: datetime) -> int:
        """Callers the records say are waiting whom the line lost (a restart of Redis). The
        line is read before the records, so whoever takes a caller out of line for good must
        change the records first, or this puts them back."""
        in_line = set(self.line.waiting_ids())
        reserved = {entry_id for entry_id, _ in self.line.reserved_since(before=now.timestamp())}
        rejoined = 0
        for call in self.records.waiting_calls(since=now - timedelta(hours=4)):
            if call.call_sid in in_line or call.call_sid in reserved:
                continue  # every entry with a hash is waiting, deferred or reserved
            self.line.join(
                LineEntry(
                    id=call.call_sid,
                    queue=call.queue,
                    kind=EntryKind.CALLER,
                    arrived_at=call.queued_at.timestamp(),
                    skills=call.skills,
                    number=call.number,
                    customer_id=call.customer_id,
                    language=call.language,
                    flow=call.flow,
                    leg=call.call_sid,
                ),
                now=now.timestamp(),
            )
            rejoined += 1
        return rejoined

    def _restore_callbacks(self, now: datetime) -> int:
        restored = 0
        for callback in self.callbacks.open_callbacks():
            if expired(callback, now):
                self.callbacks.missed(callback.id, at=now, result="expired")
                self.line.remove(callback.entry_id, now=now.timestamp())
                continue
            if self.line.entry(callback.entry_id) is not None:
                continue
            if callback.status is CallbackStatus.CALLING:
                # Its attempt's outcome was lost with Redis or a webhook: count it as failed.
                self.callbacks.attempt_failed(
                    callback.id, result="lost", at=now, retry_at=now + timedelta(seconds=30)
                )
                callback = self.callbacks.get(callback.id) or callback
            self.line.join(
                _callback_entry(callback),
                now=now.timestamp(),
                not_before=callback.not_before.timestamp() if callback.not_before else None,
            )
            restored += 1
        return restored

    def _release_stale_reservations(self, at: float) -> int:
        cutoff = at - self.ring_timeout_seconds - RESERVATION_GRACE.total_seconds()
        released = 0
        for entry_id, _ in self.line.reserved_since(before=cutoff):
            callback_id = callback_id_of(entry_id)
            if callback_id is not None:
                callback = self.callbacks.get(callback_id)
                if callback is None or callback.status is not CallbackStatus.CALLING:
                    self.line.remove(entry_id, now=at)
                    continue
                self.attempt_failed(callback_id, callback.agent_id, "lost")
            else:
                agent = self.line.noted(entry_id, "agent")
                agent_id = int(agent) if agent and agent.isdigit() else None
                self.line.release(entry_id, agent_id=agent_id, now=at)
            released += 1
        return released

    def _remove_finished_callers(self, at: float) -> int:
        ids = [i for i in self.line.waiting_ids() if callback_id_of(i) is None]
        finished = self.records.finished(ids)
        for call_sid in finished:
            self.line.remove(call_sid, now=at)
        return len(finished)

    def _free_agents_of_finished_calls(self, at: float) -> int:
        """An agent on a call whose end we never heard of is freed once the records say the
        caller's call is over (or after a long time)."""
        busy = {
            agent_id: entry
            for agent_id, (state, entry, since) in self.line.agent_states().items()
            if state is AgentState.ON_CALL and entry
        }
        finished = self.records.finished([e for e in busy.values() if callback_id_of(e) is None])
        freed = 0
        for agent_id, entry in busy.items():
            if entry in finished:
                self.line.agent_done(agent_id, wrap_up_seconds=0, now=at)
                freed += 1
        return freed


def _callback_entry(callback: OpenCallback) -> LineEntry:
    return LineEntry(
        id=callback.entry_id,
        queue=callback.queue,
        kind=EntryKind.CALLBACK,
        arrived_at=callback.place_at.timestamp(),
        skills=callback.skills,
        number=callback.number,
        customer_id=callback.customer_id,
        language=callback.language,
        flow=callback.flow,
    )
