"""The waiting line end to end: more callers than agents, places and estimates announced,
ring-no-answer, and callbacks that keep their place and are placed, bridged and measured."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Live

ALEX, JORDAN = "+12025550111", "+12025550112"
SAM, PRIYA_US, STRANGER = "+14155550124", "+14155550125", "+14155550177"
pytestmark = pytest.mark.e2e


def said(prompts) -> str:
    return " | ".join(p.text for p in prompts if p.text)


def to_the_queue(live: Live, caller: str):
    """A caller asks for a person (key 0; a new caller chooses English first) and holds."""
    call = live.call(caller)
    for key in ("0",) if caller == SAM else ("1", "0"):
        call.wait_for_prompt(timeout=10)
        call.press(key)
    call.wait_for_queue(timeout=10)
    return call


def test_callers_hear_their_place_and_an_estimate_and_are_served_in_order(live: Live) -> None:
    live.agent_status(JORDAN, "offline")
    live.agent_status(ALEX, "offline")
    first = to_the_queue(live, SAM)
    second = to_the_queue(live, STRANGER)
    first.wait_until(
        lambda c: "number 1 in line" in said(c.heard) or "next in line" in said(c.heard), timeout=10
    )
    second.wait_until(lambda c: "estimated wait" in said(c.heard).lower(), timeout=10)
    assert "number 2 in line" in said(second.heard)
    with live.database.unit_of_work() as session:
        from sqlalchemy import select

        from ivr.adapters.sql.models import WaitEstimateSpoken

        spoken = session.scalars(
            select(WaitEstimateSpoken).where(WaitEstimateSpoken.call_sid == second.sid)
        ).all()
    assert spoken and spoken[0].position == 2 and spoken[0].p90_seconds >= spoken[0].mean_seconds

    live.agent_status(ALEX, "available")
    agent = live.sandbox.device(ALEX).wait_for_call(timeout=10)
    agent.answer()
    agent.wait_for_prompt(timeout=10)
    assert "Press 1 to take it" in said(agent.heard)
    agent.press("1")
    assert first.wait_for_bridge(timeout=10).sid == agent.sid, "the first to call is first served"
    assert live.call_record(first.sid).outcome == "answered-by-agent"
    assert second.queue_position is not None, "the second caller still holds"
    first.hang_up()
    second.hang_up()


def test_an_agent_who_does_not_answer_rests_and_the_caller_keeps_the_head(live: Live) -> None:
    live.agent_status(JORDAN, "offline")
    live.sandbox.set_policy(ALEX, "no-answer")
    call = to_the_queue(live, SAM)
    rung = live.sandbox.device(ALEX).wait_for_call(timeout=10)
    rung.wait_for_status("no-answer", "canceled", "completed", timeout=15)
    call.wait_until(lambda c: "could not take your call" in said(c.heard), timeout=10)
    call.wait_for_queue(timeout=10)
    live.sandbox.set_policy(JORDAN, "manual")
    live.agent_status(JORDAN, "available")
    taker = live.sandbox.device(JORDAN).wait_for_call(timeout=10)
    taker.answer()
    taker.wait_for_prompt(timeout=10)
    taker.press("1")
    assert call.wait_for_bridge(timeout=10).sid == taker.sid
    assert live.sandbox.device(ALEX).calls() == [rung], "the agent who let it ring rests"
    call.hang_up()


def test_a_caller_takes_a_callback_hangs_up_and_is_called_back_and_bridged(live: Live) -> None:
    live.agent_status(JORDAN, "offline")
    live.agent_status(ALEX, "offline")
    live.sandbox.set_policy(SAM, "manual")
    call = to_the_queue(live, SAM)
    call.wait_until(lambda c: "called back" in said(c.heard), timeout=10)
    call.press("1")  # a callback, keeping my place
    heard = said(call.wait_for_prompt(timeout=10))
    assert "number ending in 0 1 2 4" in heard
    call.press("1")  # yes, this number
    call.wait_until(lambda c: "call you back within" in said(c.heard).lower(), timeout=10)
    call.wait_for_status("completed", timeout=10)
    [callback] = live.callbacks()
    assert (callback.number, callback.status, callback.call_sid) == (SAM, "pending", call.sid)
    assert callback.promised_within_seconds and callback.due_by is not None

    live.agent_status(ALEX, "available")
    customer = live.sandbox.device(SAM).wait_for_call(timeout=15)
    customer.answer()
    customer.wait_until(lambda c: "returning your call" in said(c.heard), timeout=15)
    agent = live.sandbox.device(ALEX).wait_for_call(timeout=15)
    agent.answer()
    agent.wait_for_prompt(timeout=10)
    assert "Callback for Sam Lee" in said(agent.heard)
    agent.press("1")
    assert customer.wait_for_bridge(timeout=10).sid == agent.sid
    customer.hang_up()
    live.sandbox.wait_until(
        lambda: live.callbacks()[0].status == "completed", timeout=10, what="callback completed"
    )
    [kept] = live.callbacks()
    assert kept.kept is True and kept.attempts == 1 and kept.agent_id is not None


def test_a_machine_answering_a_callback_is_retried_later(live: Live) -> None:
    live.agent_status(JORDAN, "offline")
    live.agent_status(ALEX, "offline")
    call = to_the_queue(live, SAM)
    call.wait_until(lambda c: "called back" in said(c.heard), timeout=10)
    call.press("1")
    call.wait_for_prompt(timeout=10)
    call.press("1")
    call.wait_for_status("completed", timeout=10)
    live.sandbox.set_policy(SAM, "machine")
    live.agent_status(ALEX, "available")
    machine = live.sandbox.device(SAM).wait_for_call(timeout=15)
    machine.wait_for_status("completed", timeout=30)
    live.sandbox.wait_until(
        lambda: live.callbacks()[0].last_result == "machine", timeout=10, what="attempt failed"
    )
    [callback] = live.callbacks()
    assert callback.status == "pending" and callback.attempts == 1
    assert callback.not_before is not None, "tried again after a backoff, not at once"
    assert live.sandbox.device(ALEX).calls() == [], "no agent was rung for a machine"
