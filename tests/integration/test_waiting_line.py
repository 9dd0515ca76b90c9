"""The waiting line on a real Redis: order, places, reservations, agents' states."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from ivr.adapters.redis_line import RedisWaitingLine
from ivr.core.queueing import AgentOnShift, AgentState, EntryKind, LineEntry
from tests.line_checks import assert_line_consistent

T0 = 1_800_000_000.0


@pytest.fixture
def line(redis_url: str) -> Iterator[RedisWaitingLine]:
    """The line, checked against its invariant after every test, whatever the test asserted."""
    waiting_line = RedisWaitingLine(Redis.from_url(redis_url), prefix="test:")
    yield waiting_line
    assert_line_consistent(waiting_line.redis, prefix="test:")


def caller(sid: str, at: float, *skills: str, **extra) -> LineEntry:
    return LineEntry(
        id=sid,
        queue="support",
        kind=EntryKind.CALLER,
        arrived_at=at,
        skills=frozenset(skills),
        leg=sid,
        **extra,
    )


def agent(agent_id: int, *skills: str) -> AgentOnShift:
    return AgentOnShift(
        id=agent_id,
        name=f"Agent {agent_id}",
        dial_target=f"+1202555011{agent_id}",
        skills=frozenset(skills),
    )


def on_shift(line: RedisWaitingLine, *agents: AgentOnShift, idle_from: float = T0) -> None:
    for n, a in enumerate(agents):
        line.put_agent(a, chosen=AgentState.AVAILABLE, idle_since=idle_from + n, now=T0)


def test_callers_are_placed_in_order_of_arrival(line):
    assert line.join(caller("CA1", T0), now=T0).position == 1
    assert line.join(caller("CA2", T0 + 5), now=T0 + 5).position == 2
    assert line.join(caller("CA0", T0 - 5), now=T0 + 6).position == 1
    assert line.place("CA2", now=T0 + 7).position == 3


def test_callers_who_join_in_the_same_millisecond_are_placed_in_order_of_arrival(line):
    # Two web processes put two callers in line 0.3 ms apart: the first to arrive is ahead,
    # whichever id sorts first, and nobody shares a place.
    line.join(caller("CA-a-second", T0 + 0.0004), now=T0)
    line.join(caller("CA-b-first", T0 + 0.0001), now=T0)
    places = [line.place(sid, now=T0).position for sid in ("CA-b-first", "CA-a-second")]
    assert places == [1, 2]
    on_shift(line, agent(1), agent(2))
    assert [line.match(now=T0).entry.id for _ in range(2)] == ["CA-b-first", "CA-a-second"]


def test_entries_with_the_very_same_place_in_time_still_stand_one_behind_the_other(line):
    # Two visitors book a call for the same 15:00: their callbacks keep the same place in time,
    # in two skill sets. Each is told a place of their own, and agents take them in that order.
    for entry_id, skills in (("cb-8", ("billing",)), ("cb-12", ())):
        booked = LineEntry(
            id=entry_id,
            queue="support",
            kind=EntryKind.CALLBACK,
            arrived_at=T0,
            skills=frozenset(skills),
        )
        line.join(booked, now=T0)
    line.join(caller("CA-later", T0 + 1), now=T0 + 1)
    places = {e: line.place(e, now=T0 + 1).position for e in ("cb-8", "cb-12", "CA-later")}
    assert sorted(places.values()) == [1, 2, 3] and places["CA-later"] == 3
    on_shift(line, agent(1, "billing"), agent(2, "billing"))
    served = [line.match(now=T0 + 2).entry.id for _ in range(2)]
    assert served == sorted(places, key=places.get)[:2], "served in the order of their places"


def test_joining_twice_keeps_the_first_place(line):
    line.join(caller("CA1", T0), now=T0)
    line.join(caller("CA2", T0 + 1), now=T0 + 1)
    again = line.join(caller("CA1", T0 + 30), now=T0 + 30)
    assert again.position == 1
    assert again.waiting == 2


def test_position_counts_callers_of_every_skill_set_in_the_queue(line):
    line.join(caller("CA1", T0, "billing"), now=T0)
    line.join(caller("CA2", T0 + 1), now=T0)
    line.join(caller("CA3", T0 + 2, "tech"), now=T0)
    assert line.place("CA3", now=T0).position == 3


def test_the_longest_idle_capable_agent_takes_the_head_of_the_line(line):
    on_shift(line, agent(1, "tech"), agent(2, "billing", "general"), agent(3, "billing"))
    line.join(caller("CA1", T0, "billing"), now=T0)
    line.join(caller("CA2", T0 + 1, "billing"), now=T0)
    first = line.match(now=T0 + 2)
    assert (first.entry.id, first.agent.id) == ("CA1", 2)
    second = line.match(now=T0 + 2)
    assert (second.entry.id, second.agent.id) == ("CA2", 3)
    assert line.match(now=T0 + 2) is None


def test_an_agent_is_never_reserved_twice(line):
    on_shift(line, agent(1))
    line.join(caller("CA1", T0), now=T0)
    line.join(caller("CA2", T0 + 1), now=T0)
    assert line.match(now=T0).entry.id == "CA1"
    assert line.match(now=T0) is None


def test_an_agent_serves_the_oldest_caller_they_can_help_across_skill_sets(line):
    on_shift(line, agent(1, "billing"))
    line.join(caller("CA1", T0, "tech"), now=T0)
    line.join(caller("CA2", T0 + 1, "billing"), now=T0)
    line.join(caller("CA3", T0 + 2), now=T0)
    assert line.match(now=T0).entry.id == "CA2"


def test_ring_no_answer_puts_the_caller_back_at_the_head_and_rests_the_agent(line):
    on_shift(line, agent(1), agent(2))
    line.join(caller("CA1", T0), now=T0)
    line.join(caller("CA2", T0 + 1), now=T0 + 1)
    match = line.match(now=T0 + 2)
    assert (match.entry.id, match.agent.id) == ("CA1", 1)
    assert line.release("CA1", agent_id=1, now=T0 + 22, agent_not_ready_until=T0 + 82)
    assert line.place("CA1", now=T0 + 22).position == 1
    assert line.agent_states()[1][0] is AgentState.NOT_READY
    assert (line.match(now=T0 + 23).entry.id, 2) == ("CA1", 2)
    assert line.match(now=T0 + 23) is None, "agent 1 is not ready yet"
    # ... until their rest is over:
    assert line.match(now=T0 + 83).agent.id == 1


def test_connecting_takes_the_entry_out_for_good_and_puts_the_agent_on_a_call(line):
    on_shift(line, agent(1))
    line.join(caller("CA1", T0), now=T0)
    line.match(now=T0)
    assert line.connect("CA1", 1, now=T0 + 5).id == "CA1"
    assert line.connect("CA1", 1, now=T0 + 6) is None, "a repeated accept changes nothing"
    assert line.place("CA1", now=T0 + 6) is None
    assert line.agent_states()[1][0] is AgentState.ON_CALL


def test_wrap_up_then_available_again(line):
    on_shift(line, agent(1))
    line.join(caller("CA1", T0), now=T0)
    line.match(now=T0)
    line.connect("CA1", 1, now=T0)
    line.agent_done(1, wrap_up_seconds=30, now=T0 + 100)
    line.join(caller("CA2", T0 + 101), now=T0 + 101)
    assert line.match(now=T0 + 110) is None
    assert line.agent_states()[1][0] is AgentState.WRAP_UP
    assert line.match(now=T0 + 131).entry.id == "CA2"


def test_a_caller_who_leaves_frees_the_agent_reserved_for_them(line):
    on_shift(line, agent(1))
    line.join(caller("CA1", T0), now=T0)
    line.match(now=T0)
    assert line.remove("CA1", now=T0 + 1).id == "CA1"
    assert line.agent_states()[1][0] is AgentState.AVAILABLE
    assert line.remove("CA1", now=T0 + 2) is None


def test_a_repeat_caller_waits_a_while_for_their_agent_while_others_go_ahead(line):
    on_shift(line, agent(1), agent(2))
    line.join(caller("CA1", T0, preferred_agent=2, preferred_until=T0 + 60), now=T0)
    line.put_agent(agent(2), chosen=AgentState.OFFLINE, idle_since=T0, now=T0)
    line.join(caller("CA2", T0 + 1), now=T0 + 1)
    assert line.match(now=T0 + 2).entry.id == "CA2", "agent 1 takes the next caller"
    line.put_agent(agent(2), chosen=AgentState.AVAILABLE, idle_since=T0, now=T0 + 10)
    match = line.match(now=T0 + 10)
    assert (match.entry.id, match.agent.id) == ("CA1", 2)


def test_the_matcher_looks_past_many_repeat_callers_waiting_for_their_agent(line):
    on_shift(line, agent(1))
    for n in range(30):  # more than one page of the head the matcher reads at a time
        line.join(caller(f"CR{n:02d}", T0 + n, preferred_agent=2, preferred_until=T0 + 600), now=T0)
    line.join(caller("CA1", T0 + 40), now=T0)
    assert line.match(now=T0 + 50).entry.id == "CA1"


def test_after_the_preference_expires_anyone_may_take_the_repeat_caller(line):
    on_shift(line, agent(1))
    line.join(caller("CA1", T0, preferred_agent=2, preferred_until=T0 + 60), now=T0)
    assert line.match(now=T0 + 30) is None
    assert line.match(now=T0 + 61).agent.id == 1


def test_a_deferred_callback_keeps_its_place_but_waits_for_its_time(line):
    on_shift(line, agent(1))
    callback = LineEntry(id="cb-7", queue="support", kind=EntryKind.CALLBACK, arrived_at=T0 - 600)
    line.join(callback, now=T0, not_before=T0 + 120)
    line.join(caller("CA1", T0), now=T0)
    assert line.match(now=T0 + 10).entry.id == "CA1"
    line.connect("CA1", 1, now=T0 + 12)  # an agent is done with a call, not a reservation
    line.agent_done(1, wrap_up_seconds=0, now=T0 + 20)
    assert line.match(now=T0 + 50) is None
    assert line.match(now=T0 + 121).entry.id == "cb-7"


def test_an_agent_who_goes_offline_during_a_call_is_offline_after_it(line):
    on_shift(line, agent(1))
    line.join(caller("CA1", T0), now=T0)
    line.match(now=T0)
    line.connect("CA1", 1, now=T0)
    assert line.put_agent(agent(1), chosen=AgentState.OFFLINE, idle_since=T0, now=T0 + 5) is (
        AgentState.ON_CALL
    )
    line.agent_done(1, wrap_up_seconds=30, now=T0 + 60)
    assert line.agent_states()[1][0] is AgentState.OFFLINE


def test_places_report_staffed_and_available_agents_who_can_help(line):
    on_shift(line, agent(1, "billing"), agent(2))
    line.put_agent(agent(3, "billing"), chosen=AgentState.OFFLINE, idle_since=T0, now=T0)
    place = line.join(caller("CA1", T0, "billing"), now=T0)
    assert (place.agents, place.agents_available) == (1, 1)


def test_snapshot(line):
    on_shift(line, agent(1), agent(2))
    line.put_agent(agent(2), chosen=AgentState.OFFLINE, idle_since=T0, now=T0)
    line.join(caller("CA1", T0), now=T0)
    line.join(caller("CA2", T0 + 30, "billing"), now=T0 + 30)
    snap = line.snapshot("support", now=T0 + 90)
    assert (snap.waiting, snap.agents_available, snap.agents_staffed) == (2, 1, 1)
    assert snap.longest_wait_seconds == pytest.approx(90)
    assert line.queue_names() == ["support"]
