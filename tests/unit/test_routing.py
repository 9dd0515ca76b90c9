"""Who is rung for whom: skills, longest idle, oldest caller first."""

from datetime import UTC, datetime, timedelta

import pytest

from ivr.core.routing import FreeAgent, WaitingCaller, assign, carrier_queue_name

T0 = datetime(2026, 12, 1, 15, tzinfo=UTC)


def caller(sid: str, queue: str = "support", skills: set[str] | None = None, age: int = 0):
    return WaitingCaller(sid, queue, frozenset(skills or ()), T0 - timedelta(seconds=age))


def agent(agent_id: int, *skills: str) -> FreeAgent:
    return FreeAgent(agent_id, f"agent {agent_id}", f"+1202555011{agent_id}", frozenset(skills))


def test_queue_names_carry_sorted_skills() -> None:
    assert carrier_queue_name("support", []) == "support"
    assert carrier_queue_name("support", ["tech", "billing"]) == "support+billing+tech"
    with pytest.raises(ValueError, match="longer than 64"):
        carrier_queue_name("q" * 60, ["billing"])


def test_longest_idle_agent_takes_the_oldest_caller() -> None:
    assignments, unserved = assign(
        [caller("old", age=90), caller("new", age=10)], {}, [agent(2), agent(1)]
    )
    assert [a.agent.id for a in assignments] == [2, 1]
    assert unserved == []


def test_a_caller_needing_billing_is_never_sent_to_an_agent_without_it() -> None:
    billing = caller("b", "support+billing", {"billing"})
    assignments, unserved = assign([billing], {}, [agent(1, "tech")])
    assert assignments == [] and unserved == [billing]


def test_an_agent_already_ringing_covers_the_oldest_caller_of_that_queue() -> None:
    assignments, _ = assign(
        [caller("a", age=50), caller("b", age=20)], {"support": 1}, [agent(1), agent(2)]
    )
    assert len(assignments) == 1


def test_a_caller_who_cannot_be_served_does_not_block_the_next_one() -> None:
    waiting = [caller("t", "support+tech", {"tech"}, age=60), caller("g", age=5)]
    assignments, unserved = assign(waiting, {}, [agent(1, "billing")])
    assert [(a.agent.id, a.queue) for a in assignments] == [(1, "support")]
    assert [c.call_sid for c in unserved] == ["t"]
