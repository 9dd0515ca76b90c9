"""The line's use cases on real Redis and SQL: promises stored before spoken, one callback per
number, a returning caller taking their callback's place, and the sweep repairing what a lost
event or a restart of Redis left behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from ivr.adapters.sql.models import Agent, Call, Callback, WaitEstimateSpoken
from ivr.bootstrap import Services
from ivr.core.callbacks import AlreadyPending
from ivr.core.dialing import NotDialable
from ivr.core.queueing import AgentState, EntryKind
from ivr.seed import seed_demo
from tests.helpers import FixedClock
from tests.line_checks import assert_line_consistent

SAM = "+14155550124"
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def svc(app) -> Iterator[Services]:
    """The services on empty records, agents offline; the line's invariant checked after."""
    services = app.extensions["ivr"]
    services.line_clock = FixedClock(NOW)
    seed_demo(services.database)
    # Everyone offline: nothing is matched, so no test reaches for a carrier.
    services.dispatcher.sync_agents()
    with services.database.unit_of_work() as session:
        ids = list(session.scalars(select(Agent.id)))
    for agent_id in ids:
        services.dispatcher.set_agent_status(agent_id, AgentState.OFFLINE)
    yield services
    assert_line_consistent(services.redis, prefix=services.line.prefix)


def open_call(svc, call_sid: str, number: str = SAM) -> None:
    with svc.database.unit_of_work() as session:
        session.add(
            Call(
                call_sid=call_sid,
                from_number=number,
                started_at=NOW,
                path=[],
                flow="demo",
                outcome="queued",
                queue="support",
            )
        )


def queued(svc, call_sid: str, *, at: datetime = NOW, number: str = SAM):
    open_call(svc, call_sid, number)
    return svc.waiting.join(
        call_sid,
        queue="support",
        skills=frozenset(),
        number=number,
        customer_id=None,
        language="en",
        flow="demo",
        step="support_queue",
        arrived_at=at,
    )


def callbacks(svc) -> list[Callback]:
    with svc.database.unit_of_work() as session:
        return list(session.scalars(select(Callback).order_by(Callback.id)))


def test_a_callback_is_stored_with_the_callers_place_before_the_promise_is_returned(svc):
    queued(svc, "CA-early", at=NOW - timedelta(minutes=5), number="+14155550177")
    queued(svc, "CA-sam", at=NOW - timedelta(minutes=3))
    promise = svc.waiting.book_callback("CA-sam", SAM, "en")
    [callback] = callbacks(svc)
    assert callback.status == "pending" and callback.number == SAM
    assert callback.place_at == NOW - timedelta(minutes=3)
    assert callback.promised_within_seconds == round(promise.within_seconds)
    assert callback.due_by == NOW + timedelta(seconds=promise.within_seconds)
    assert "call you back within" in promise.sentence.lower()
    place = svc.line.place(f"cb-{callback.id}", now=NOW.timestamp())
    assert place.position == 2, "the callback keeps the caller's place, behind the earlier one"
    assert svc.line.place("CA-sam", now=NOW.timestamp()) is None
    with svc.database.unit_of_work() as session:
        kinds = [e.kind for e in session.scalars(select(WaitEstimateSpoken))]
    assert kinds == ["callback"], "the promise is recorded with the call, to be measured"


def test_one_pending_callback_per_number(svc):
    queued(svc, "CA-1")
    svc.waiting.book_callback("CA-1", SAM, "en")
    queued(svc, "CA-2", number="+14155550177")
    with pytest.raises(AlreadyPending):
        svc.waiting.book_callback("CA-2", SAM, "en")
    assert len(callbacks(svc)) == 1


@pytest.mark.parametrize("number", ["+19005550123", "+447911123456", "12", "+12025550100"])
def test_a_number_we_will_not_call_is_refused_and_nothing_is_stored(svc, number):
    queued(svc, "CA-1")
    with pytest.raises(NotDialable):
        svc.waiting.book_callback("CA-1", number, "en")
    assert callbacks(svc) == []
    assert svc.line.place("CA-1", now=NOW.timestamp()) is not None, "still in line"


def test_a_customer_who_calls_again_takes_their_pending_callbacks_place(svc):
    queued(svc, "CA-first", at=NOW - timedelta(minutes=10))
    svc.waiting.book_callback("CA-first", SAM, "en")
    queued(svc, "CA-other", at=NOW - timedelta(minutes=5), number="+14155550177")
    place = queued(svc, "CA-again", at=NOW)
    assert place.position == 1, "ahead of the caller who came after their first call"
    [callback] = callbacks(svc)
    assert callback.status == "merged"
    assert svc.line.entry(f"cb-{callback.id}") is None, "not queued twice"
    with svc.database.unit_of_work() as session:
        again = session.scalars(select(Call).where(Call.call_sid == "CA-again")).one()
    assert again.callback_id == callback.id


def test_a_repeat_caller_is_offered_to_the_agent_who_last_spoke_to_them(svc):
    with svc.database.unit_of_work() as session:
        jordan = session.scalar(select(Agent.id).where(Agent.phone == "+12025550112"))
        session.add(
            Call(
                call_sid="CA-yesterday",
                from_number=SAM,
                started_at=NOW - timedelta(days=1),
                path=[],
                agent_id=jordan,
                direction="inbound",
            )
        )
    queued(svc, "CA-today")
    entry = svc.line.entry("CA-today")
    assert entry.preferred_agent == jordan
    assert entry.preferred_until == NOW.timestamp() + svc.settings.queue.sticky_wait_seconds


def test_after_redis_loses_everything_the_sweep_rebuilds_the_line(svc):
    queued(svc, "CA-waiting", at=NOW - timedelta(minutes=2))
    queued(svc, "CA-cb", at=NOW - timedelta(minutes=4), number="+14155550177")
    svc.waiting.book_callback("CA-cb", "+14155550177", "en")
    svc.redis.flushall()
    repaired = svc.dispatcher.sweep()
    assert repaired["callers_rejoined"] == 1 and repaired["callbacks_restored"] == 1
    [callback] = callbacks(svc)
    assert svc.line.place(f"cb-{callback.id}", now=NOW.timestamp()).position == 1
    assert svc.line.place("CA-waiting", now=NOW.timestamp()).position == 2
    assert set(svc.line.agent_states()) and all(
        state is AgentState.OFFLINE for state, _, _ in svc.line.agent_states().values()
    ), "agents come back with the status they chose"


def test_callers_a_fraction_of_a_millisecond_apart_keep_their_order_through_a_rebuild(svc):
    # Two web processes put two callers in line 0.3 ms apart (as the resilience test's two
    # late callers were): each has a place of their own, in the records' order, before and
    # after Redis restarts empty and the sweep rebuilds the line from the records.
    order = ["CA-b-first", "CA-a-second"]
    queued(svc, order[0], at=NOW + timedelta(microseconds=100))
    queued(svc, order[1], at=NOW + timedelta(microseconds=400), number="+14155550177")
    assert [svc.line.place(c, now=NOW.timestamp()).position for c in order] == [1, 2]
    svc.redis.flushall()
    assert svc.dispatcher.sweep()["callers_rejoined"] == 2
    assert [svc.line.place(c, now=NOW.timestamp()).position for c in order] == [1, 2]


def test_a_caller_the_hold_loop_rejoins_after_redis_lost_the_line_keeps_their_place(svc):
    queued(svc, "CA-first", at=NOW - timedelta(minutes=3))
    queued(svc, "CA-second", at=NOW - timedelta(minutes=2), number="+14155550177")
    svc.redis.flushall()
    # The carrier's whole seconds in queue are a guess (and restart with a new <Enqueue>);
    # the records know when each caller really joined.
    for call_sid, queue_seconds in (("CA-second", 110), ("CA-first", 30)):
        svc.waiting.hold(
            call_sid,
            queue="support",
            skills=frozenset(),
            language="en",
            flow="demo",
            step="support_queue",
            queue_seconds=queue_seconds,
        )
    assert svc.line.place("CA-first", now=NOW.timestamp()).position == 1
    assert svc.line.place("CA-second", now=NOW.timestamp()).position == 2
    assert svc.line.entry("CA-first").arrived_at == (NOW - timedelta(minutes=3)).timestamp()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # its row locks
def test_the_sweep_never_rejoins_a_caller_whose_place_just_went_to_their_callback(
    svc, database_url
):
    # The sweep reads the line, then the records: a caller missing from the first but waiting
    # in the second is rejoined. Booking a callback must therefore change the records before
    # the line. A PostgreSQL row lock on the call holds book_callback at its first write to the
    # call's record, and the sweep runs right then (the resilience test's MONITOR capture saw
    # this by chance: Sam's CallSid rejoined 12 ms after booking took it out).
    queued(svc, "CA-sam")
    problems: list[BaseException] = []

    def book() -> None:
        try:
            svc.waiting.book_callback("CA-sam", SAM, "en")
        except BaseException as error:
            problems.append(error)

    with svc.database.engine.connect() as blocker:
        blocker.execute(text("SELECT 1 FROM calls WHERE call_sid = 'CA-sam' FOR NO KEY UPDATE"))
        booking = threading.Thread(target=book)
        booking.start()
        deadline = time.monotonic() + 10
        while not blocker.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
            assert time.monotonic() < deadline, "book_callback never reached the call's record"
            time.sleep(0.01)
        rejoined = svc.dispatcher.sweep()["callers_rejoined"]
        blocker.rollback()
    booking.join(10)
    assert not problems and not booking.is_alive()
    assert rejoined == 0
    [callback] = callbacks(svc)
    assert svc.line.entry("CA-sam") is None, "only the callback holds Sam's place"
    assert svc.line.place(f"cb-{callback.id}", now=NOW.timestamp()).position == 1


def test_a_caller_whose_end_was_lost_is_removed_by_the_sweep(svc):
    queued(svc, "CA-gone")
    with svc.database.unit_of_work() as session:
        session.scalars(select(Call).where(Call.call_sid == "CA-gone")).one().status = "completed"
    assert svc.dispatcher.sweep()["finished_removed"] == 1
    assert svc.line.entry("CA-gone") is None


def test_a_reservation_nobody_heard_back_from_is_released_to_the_head(svc):
    queued(svc, "CA-1")
    queued(svc, "CA-2", at=NOW + timedelta(seconds=1), number="+14155550177")
    line = svc.line
    with svc.database.unit_of_work() as session:
        alex = session.scalar(select(Agent.id).where(Agent.phone == "+12025550111"))
    line.put_agent(line.agent(alex), chosen=AgentState.AVAILABLE, idle_since=0, now=NOW.timestamp())
    match = line.match(now=NOW.timestamp())
    assert match.entry.id == "CA-1"
    line.put_agent(line.agent(alex), chosen=AgentState.OFFLINE, idle_since=0, now=NOW.timestamp())
    svc.line_clock.current = NOW + timedelta(minutes=5)
    assert svc.dispatcher.sweep()["stale_reservations"] == 1
    assert line.place("CA-1", now=NOW.timestamp()).position == 1
    assert line.agent_states()[alex][0] is AgentState.OFFLINE, "their choice applies after"


def test_an_expired_callback_is_marked_missed(svc):
    queued(svc, "CA-1")
    svc.waiting.book_callback("CA-1", SAM, "en")
    svc.line_clock.current = NOW + timedelta(hours=6)
    svc.dispatcher.sweep()
    [callback] = callbacks(svc)
    assert (callback.status, callback.kept, callback.last_result) == ("missed", False, "expired")


def test_a_caller_who_hangs_up_while_waiting_teaches_the_model_patience(svc):
    queued(svc, "CA-1", at=NOW - timedelta(minutes=3))
    svc.waiting.call_ended("CA-1")
    assert svc.line.entry("CA-1") is None
    assert svc.line.estimator_state("support") is not None
    with svc.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == "CA-1")).one()
    assert call.wait_seconds == 180


def test_entries_are_callers_or_callbacks(svc):
    queued(svc, "CA-1")
    assert svc.line.entry("CA-1").kind is EntryKind.CALLER
