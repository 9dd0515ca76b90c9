"""Use cases of the waiting line on the webhook side: join, hold, leave, callbacks, connect.

The caller holds in the carrier's queue (``<Enqueue>`` with a wait loop) while the line in
Redis decides who is next; the dispatcher (a worker job) redirects the chosen caller's leg to
``<Dial>`` the reserved agent. Everything a caller is told comes from here: their place, an
honest estimate (recorded, so its error can be measured), and a callback promise that is
stored before it is spoken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ivr.adapters.redis_line import RedisWaitingLine
from ivr.adapters.sql.callbacks import SqlCallbackBook
from ivr.adapters.sql.queue_records import SqlQueueRecords
from ivr.config import QueueSettings
from ivr.core.callbacks import (
    CallbackRequest,
    CallbackStatus,
    callback_id_of,
    entry_id_of,
)
from ivr.core.calls import Outcome
from ivr.core.dialing import NotDialable
from ivr.core.ports import AgentDispatch, Clock
from ivr.core.queueing import AgentOnShift, EntryKind, LineEntry, Place, QueueView
from ivr.core.transfers import TransferNote
from ivr.core.waits.estimator import WaitEstimate, WaitEstimator
from ivr.core.waits.spoken import CallbackPromise, SpokenWait, callback_promise, spoken_wait

log = logging.getLogger(__name__)

LEAVING = "leaving"
"""Entry field: what a caller asked for when they pressed a key to leave the line."""
HOLD_FAILED = frozenset({"error", "system-error"})
"""Queue results of a wait loop that failed on our side (a web process killed mid-request):
the caller never chose to leave."""
STILL_WAITING = "still-waiting"
"""What ``left`` answers for a caller to put back in the queue, their place kept."""
MAX_HOLD_FAILURES = 3
"""Failed wait loops (counted over the caller's whole wait) after which they go the flow's
way out (voicemail): a loop that keeps failing is a bug, not a restart."""


@dataclass(frozen=True)
class HoldNews:
    """What a holding caller hears this time round: their place, maybe an estimate."""

    place: Place | None
    wait: SpokenWait | None = None
    offer_callback: bool = False


@dataclass(frozen=True)
class Connection:
    """A reservation the caller's leg is about to ring: who, and what the agent hears."""

    entry: LineEntry
    agent: AgentOnShift
    caller_name: str | None
    waited_seconds: float
    reason: str | None
    transfer: TransferNote | None = None
    """When another agent passed this caller on: who, and their note (the whisper says so)."""


class TransferLedger(Protocol):
    """The transfers a caller in line may be waiting on (``ivr.adapters.sql.transfers``)."""

    def pending(self, call_sid: str) -> TransferNote | None: ...

    def connected(self, call_sid: str, *, agent_id: int, at: datetime) -> bool: ...

    def caller_gone(self, call_sid: str) -> None: ...


class DialOutcome:
    TALKED = "talked"
    """The agent took the call; it is over now."""
    BACK_IN_LINE = "back-in-line"
    """The agent did not answer or declined: the caller keeps the head of the line."""
    GONE = "gone"
    """The caller hung up while the agent's phone rang."""


def epoch(at: datetime) -> float:
    return at.timestamp()


class WaitingCalls:
    def __init__(
        self,
        *,
        line: RedisWaitingLine,
        records: SqlQueueRecords,
        callbacks: SqlCallbackBook,
        dispatch: AgentDispatch,
        clock: Clock,
        settings: QueueSettings,
        check_number: Callable[[str], str],
        transfers: TransferLedger | None = None,
    ) -> None:
        self.line = line
        self.records = records
        self.callbacks = callbacks
        self.dispatch = dispatch
        self.clock = clock
        self.settings = settings
        self.check_number = check_number
        self.transfers = transfers

    # -- the learned wait model ------------------------------------------------------------

    def estimate(self, queue: str, place: Place, *, at: float) -> WaitEstimate:
        if place.agents_available >= place.position:
            return WaitEstimate(mean_seconds=0.0, p90_seconds=0.0)
        state = self.line.estimator_state(queue)
        model = WaitEstimator.from_dict(state) if state else WaitEstimator.new()
        return model.estimate(ahead=place.position - 1, at=at, agents=place.agents)

    def learn(self, queue: str, event: str, seconds: float, *, at: float) -> None:
        """Feed the queue's model one event (answered, abandoned, handled) atomically."""

        def change(state: dict | None) -> dict:
            model = WaitEstimator.from_dict(state) if state else WaitEstimator.new()
            getattr(model, event)(max(0.0, seconds), at)
            return model.to_dict()

        try:
            self.line.update_estimator(queue, change)
        except Exception:  # learning must never cost a caller their call
            log.exception("could not update the wait model of %s with %s", queue, event)

    def snapshot(self, queue: str) -> QueueView:
        """The queue as a manager (or the API) sees it now."""
        at = epoch(self.clock.now())
        snap = self.line.snapshot(queue, now=at)
        estimate = None
        if snap.agents_staffed:
            place = Place(
                position=snap.waiting + 1,
                waiting=snap.waiting,
                agents=snap.agents_staffed,
                agents_available=snap.agents_available,
            )
            estimate = self.estimate(queue, place, at=at).mean_seconds
        return QueueView(
            name=queue,
            waiting=snap.waiting,
            callbacks_pending=self.records.callbacks_pending(queue),
            agents_available=snap.agents_available,
            agents_staffed=snap.agents_staffed,
            estimated_wait_s=round(estimate) if estimate is not None else None,
            longest_wait_s=round(snap.longest_wait_seconds),
        )

    # -- joining and holding ----------------------------------------------------------------

    def join(
        self,
        call_sid: str,
        *,
        queue: str,
        skills: frozenset[str],
        number: str | None,
        customer_id: int | None,
        language: str | None,
        flow: str | None,
        step: str | None,
        arrived_at: datetime | None = None,
        preferred_agent: int | None = None,
    ) -> Place:
        """Put a caller in line (once: a caller already there keeps their place). A caller
        with a pending callback takes its place instead of queueing twice. A caller back about
        an open case waits a moment for ``preferred_agent`` (the case's); any other repeat
        caller for the agent who last spoke to them."""
        now = self.clock.now()
        arrival = arrived_at or now
        callback_id = None
        if number and (pending := self.callbacks.open_for_number(number)) is not None:
            if pending.status is CallbackStatus.PENDING and self.callbacks.merged(
                pending.id, call_sid=call_sid, at=now
            ):
                self.line.remove(pending.entry_id, now=epoch(now))
                arrival = min(arrival, pending.place_at)
                callback_id = pending.id
                log.info("call %s merged with pending callback %s", call_sid, pending.id)
        preferred = preferred_agent
        if preferred is None and number and self.settings.sticky_days:
            preferred = self.records.last_agent_for(
                number, since=now - timedelta(days=self.settings.sticky_days)
            )
        # The records first: if Redis is down, the sweep and the hold loop rebuild the entry.
        # A caller rejoining (Redis restarted) keeps the place the records gave them first,
        # not the hold loop's guess from the carrier's whole seconds in queue.
        arrival = self.records.mark_queued(call_sid, at=arrival, callback_id=callback_id) or arrival
        entry = LineEntry(
            id=call_sid,
            queue=queue,
            kind=EntryKind.CALLER,
            arrived_at=epoch(arrival),
            skills=skills,
            number=number,
            customer_id=customer_id,
            language=language,
            flow=flow,
            step=step,
            preferred_agent=preferred,
            preferred_until=epoch(now) + self.settings.sticky_wait_seconds if preferred else None,
            leg=call_sid,
        )
        place = self.line.join(entry, now=epoch(now))
        self.dispatch.caller_waiting()
        return place

    def hold(
        self,
        call_sid: str,
        *,
        queue: str,
        skills: frozenset[str],
        language: str,
        flow: str | None,
        step: str | None,
        queue_seconds: int | None,
    ) -> HoldNews:
        """One turn of the wait loop: the caller's place, and every ``announce_every_seconds``
        an estimate (recorded with the call)."""
        now = self.clock.now()
        place = self.line.place(call_sid, now=epoch(now))
        if place is None:
            # Redis lost the line (a restart) or the join never landed: rejoin where they were.
            arrived = now - timedelta(seconds=queue_seconds or 0)
            place = self.join(
                call_sid,
                queue=queue,
                skills=skills,
                number=None,
                customer_id=None,
                language=language,
                flow=flow,
                step=step,
                arrived_at=arrived,
            )
        last = self.line.noted(call_sid, "announced")
        if last and epoch(now) - float(last) < self.settings.announce_every_seconds:
            return HoldNews(place=place)
        estimate = self.estimate(queue, place, at=epoch(now))
        wait = spoken_wait(estimate, language)
        self.line.note(call_sid, announced=epoch(now))
        self.records.record_estimate(
            call_sid,
            queue=queue,
            at=now,
            kind="hold",
            position=place.position,
            agents=place.agents,
            mean_seconds=estimate.mean_seconds,
            p90_seconds=estimate.p90_seconds,
            claimed_low_seconds=wait.claimed_low_seconds,
            claimed_high_seconds=wait.claimed_high_seconds,
            text=wait.sentence,
        )
        offer = estimate.mean_seconds > self.settings.callback_offer_seconds
        return HoldNews(place=place, wait=wait, offer_callback=offer)

    def want_to_leave(self, call_sid: str, intent: str) -> None:
        self.line.note(call_sid, **{LEAVING: intent})

    def left(self, call_sid: str, *, result: str, queue_seconds: int | None) -> str | None:
        """The caller is out of the carrier's queue. Returns what they asked for (callback,
        voicemail) or None. A caller who asked for a callback stays in line while they
        confirm the number, so an agent who frees up meanwhile still takes them."""
        if result in ("redirected", "bridged", "bridging-in-process"):
            return None  # the dispatcher is connecting them to an agent
        now = self.clock.now()
        intent = self.line.noted(call_sid, LEAVING)
        if result in HOLD_FAILED:
            failures = int(self.line.noted(call_sid, "hold_failures") or 0) + 1
            if failures < MAX_HOLD_FAILURES:
                # Back into the carrier's queue; the entry (their place) never left the line.
                self.line.note(call_sid, hold_failures=failures)
                log.warning("call %s: wait loop failed (%s), holding again", call_sid, result)
                return STILL_WAITING
        if result == "leave" and intent == "callback":
            return intent
        entry = self.line.remove(call_sid, now=epoch(now))
        if entry is not None:
            waited = queue_seconds if queue_seconds is not None else epoch(now) - entry.arrived_at
            self._gave_up(call_sid, entry.queue, waited, at=epoch(now))
        return intent if result == "leave" else None

    def _transferred(self, entry_id: str) -> bool:
        return self.transfers is not None and bool(self.line.noted(entry_id, "transfer"))

    def call_ended(self, call_sid: str) -> None:
        """A caller's final status: if they were still in line, they gave up."""
        now = self.clock.now()
        transferred = self._transferred(call_sid)
        entry = self.line.remove(call_sid, now=epoch(now))
        if entry is not None and transferred and self.transfers is not None:
            # Waiting for the agent they were transferred to: that transfer failed. Their
            # wait since they first joined includes their first conversation: not patience.
            self.transfers.caller_gone(call_sid)
            self.dispatch.caller_waiting()
        elif entry is not None and entry.kind is EntryKind.CALLER:
            self._gave_up(call_sid, entry.queue, epoch(now) - entry.arrived_at, at=epoch(now))
            self.dispatch.caller_waiting()

    def _gave_up(self, call_sid: str, queue: str, waited: float, *, at: float) -> None:
        """A caller left the line without an agent: the model learns their patience and the
        record keeps how long they waited."""
        self.learn(queue, "abandoned", waited, at=at)
        self.records.mark_waited(call_sid, wait_seconds=round(waited))

    # -- callbacks ---------------------------------------------------------------------------

    def dialable(self, number: str | None) -> str | None:
        if not number:
            return None
        try:
            return self.check_number(number)
        except NotDialable:
            return None

    def book_callback(self, call_sid: str, raw_number: str, language: str) -> CallbackPromise:
        """Store the promise, then hand back what to say: the order matters. Raises
        ``NotDialable`` for a number we will not call and ``AlreadyPending``."""
        number = self.check_number(raw_number)
        now = self.clock.now()
        entry = self.line.entry(call_sid)
        place = self.line.place(call_sid, now=epoch(now)) if entry else None
        if entry is None or place is None:
            raise LookupError(f"call {call_sid} is no longer in line")
        estimate = self.estimate(entry.queue, place, at=epoch(now))
        promise = callback_promise(estimate, language)
        arrived = datetime.fromtimestamp(entry.arrived_at, tz=now.tzinfo)
        callback_id = self.callbacks.book(
            CallbackRequest(
                number=number,
                queue=entry.queue,
                place_at=arrived,
                promised_at=now,
                promised_within_seconds=round(promise.within_seconds),
                due_by=now + timedelta(seconds=promise.within_seconds),
                source="queue",
                skills=tuple(sorted(entry.skills)),
                call_sid=call_sid,
                customer_id=entry.customer_id,
                language=language,
                flow=entry.flow,
                promise_text=promise.sentence,
            )
        )
        self.records.record_estimate(
            call_sid,
            queue=entry.queue,
            at=now,
            kind="callback",
            position=place.position,
            agents=place.agents,
            mean_seconds=estimate.mean_seconds,
            p90_seconds=estimate.p90_seconds,
            claimed_low_seconds=None,
            claimed_high_seconds=promise.within_seconds,
            text=promise.sentence,
        )
        # The records first: once they say the caller is a callback, the sweep (which reads
        # the line, then the records) no longer rejoins the caller's own entry as it goes.
        self.records.mark_queued(call_sid, at=arrived, callback_id=callback_id)
        self.records.mark_outcome(call_sid, Outcome.CALLBACK)
        # The callback takes the caller's place; the caller's own entry goes.
        self.line.remove(call_sid, now=epoch(now))
        self.line.join(
            LineEntry(
                id=entry_id_of(callback_id),
                queue=entry.queue,
                kind=EntryKind.CALLBACK,
                arrived_at=entry.arrived_at,
                skills=entry.skills,
                number=number,
                customer_id=entry.customer_id,
                language=language,
                flow=entry.flow,
                step=entry.step,
            ),
            now=epoch(now),
        )
        self.dispatch.caller_waiting()
        log.info("call %s: callback %s promised %s", call_sid, callback_id, promise.text)
        return promise

    # -- connecting to an agent ---------------------------------------------------------------

    def connection(self, entry_id: str, agent_id: int) -> Connection | None:
        """The reservation behind a connect request, or None when it is stale."""
        entry = self.line.entry(entry_id)
        agent = self.line.agent(agent_id)
        if entry is None or agent is None or self.line.noted(entry_id, "agent") != str(agent_id):
            return None
        now = epoch(self.clock.now())
        summary = self.records.caller_summary(entry.leg) if entry.leg else None
        name = summary.name if summary else None
        if name is None and entry.customer_id is not None:
            name = self.records.customer_name(entry.customer_id)
        transfer = None
        if entry.leg and self._transferred(entry_id) and self.transfers is not None:
            transfer = self.transfers.pending(entry.leg)
        return Connection(
            entry=entry,
            agent=agent,
            caller_name=name,
            waited_seconds=max(0.0, now - entry.arrived_at),
            reason=summary.reason if summary else None,
            transfer=transfer,
        )

    def accepted(self, entry_id: str, agent_id: int) -> bool:
        """The agent pressed the key: the caller is theirs (False when it was too late)."""
        now = self.clock.now()
        transferred = self._transferred(entry_id)
        entry = self.line.connect(entry_id, agent_id, now=epoch(now))
        if entry is None:
            return False
        if transferred and entry.leg and self.transfers is not None:
            # Their wait was counted when the first agent took them; this is a hand-on.
            self.transfers.connected(entry.leg, agent_id=agent_id, at=now)
            self.records.mark_answered(entry.leg, agent_id=agent_id, wait_seconds=None, at=now)
            return True
        waited = max(0.0, epoch(now) - entry.arrived_at)
        self.learn(entry.queue, "answered", waited, at=epoch(now))
        if entry.leg:
            self.records.mark_answered(
                entry.leg, agent_id=agent_id, wait_seconds=round(waited), at=now
            )
        callback_id = callback_id_of(entry_id)
        if callback_id is not None:
            self.callbacks.connected(callback_id, at=now)
        elif entry.leg:
            # A caller who merged with their callback: that promise is kept by this call.
            merged = self.records.callback_of(entry.leg)
            if merged is not None:
                self.callbacks.connected(merged, at=now)
        return True

    def dial_ended(
        self,
        entry_id: str,
        agent_id: int,
        *,
        caller_gone: bool,
        talked_seconds: int | None,
        queue: str | None,
    ) -> str:
        """The caller's ``<Dial>`` to the agent is over: what happens to both of them."""
        now = self.clock.now()
        states = self.line.agent_states()
        agent_state = states.get(agent_id)
        if agent_state and agent_state[1] == entry_id and agent_state[0].value == "on-call":
            self.line.agent_done(
                agent_id, wrap_up_seconds=self.settings.wrap_up_seconds, now=epoch(now)
            )
            # The next caller first: the bookkeeping below (a database write, the wait model)
            # need not delay them.
            self.dispatch.caller_waiting()
            self.records.agent_idle_since(agent_id, now)
            if talked_seconds and queue:
                # An agent is unavailable for the call and its wrap-up: that is the handle time.
                handled = talked_seconds + self.settings.wrap_up_seconds
                self.learn(queue, "handled", handled, at=epoch(now))
            return DialOutcome.TALKED
        if caller_gone:
            transferred = self._transferred(entry_id)
            entry = self.line.remove(entry_id, now=epoch(now))  # frees the reserved agent
            if entry is not None and transferred and self.transfers is not None:
                self.transfers.caller_gone(entry_id)
            elif entry is not None and entry.kind is EntryKind.CALLER:
                self.learn(entry.queue, "abandoned", epoch(now) - entry.arrived_at, at=epoch(now))
            self.dispatch.caller_waiting()
            return DialOutcome.GONE
        rest_until = epoch(now) + self.settings.not_ready_seconds
        self.line.release(
            entry_id, agent_id=agent_id, now=epoch(now), agent_not_ready_until=rest_until
        )
        # Back on hold: they hear their place, the estimate and the ways out again at once.
        self.line.note(entry_id, announced=0)
        self.dispatch.caller_waiting()
        return DialOutcome.BACK_IN_LINE
