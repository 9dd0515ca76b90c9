"""Callers phone the business through the sandbox and follow the demo flow end to end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import Live

ANA = "+14155550123"  # a known customer who speaks Spanish
STRANGER = "+14155550177"
ALEX, JORDAN = "+12025550111", "+12025550112"
pytestmark = pytest.mark.e2e


def said(prompts) -> str:
    return " | ".join(p.text for p in prompts if p.text)


def caller_presses(live: Live, *keys: str):
    """A new caller answers each prompt in turn with one of ``keys``."""
    call = live.call(STRANGER)
    for key in keys:
        call.wait_for_prompt()
        call.press(key)
    return call


def gives_no_reason(call) -> None:
    """Silent through the reason question (its prompt, then the recording after the beep):
    the call goes on to the main menu."""
    call.stay_silent()
    call.wait_for_prompt()
    call.stay_silent()


def reaches_the_line(call) -> None:
    """The caller heard the queue step: with an agent free they are rung at once, so they may
    never be seen holding in the carrier's queue."""
    call.wait_until(lambda c: "Please hold for the next available" in said(c.heard), timeout=10)


def assert_no_carrier_errors(live: Live) -> None:
    assert [f"{e.error_code} {e.message}" for e in live.sandbox.errors] == []


def test_known_caller_is_greeted_by_name_in_their_language(live: Live) -> None:
    call = live.call(ANA)
    heard = said(call.wait_for_prompt())
    assert "Ana García" in heard
    # Language choice skipped: she is known. She hears the recording notice, then is asked
    # why she calls, in Spanish; saying nothing takes her to the menu.
    assert "Esta llamada puede ser grabada" in heard
    assert "por qué llama" in heard
    gives_no_reason(call)
    assert "Para facturación, oprima 1" in said(call.wait_for_prompt())
    call.hang_up()
    call.wait_for_status("completed")
    assert_no_carrier_errors(live)


def test_new_caller_chooses_spanish_and_walks_into_a_submenu(live: Live) -> None:
    call = live.call(STRANGER)
    first = said(call.wait_for_prompt())
    assert "Thank you for calling Acme Utilities" in first
    assert "For English, press 1" in first and "Para español, oprima 2" in first
    call.press("2")
    assert "por qué llama" in said(call.wait_for_prompt())
    call.press("1")  # she knows the menu: the key skips the question and answers it
    assert "Para pagar una factura, oprima 1" in said(call.wait_for_prompt())
    call.hang_up()
    call.wait_for_status("completed")
    record = live.call_record(call.sid)
    assert record.language == "es"
    assert record.path[-2:] == ["main_menu", "billing_menu"]
    assert record.status == "completed"
    assert_no_carrier_errors(live)


def test_caller_who_presses_0_is_connected_to_an_agent(live: Live) -> None:
    call = caller_presses(live, "1", "0")  # English, then a person
    reaches_the_line(call)
    taken = live.agent_takes_call()
    assert "Press 1 to take it" in said(taken.heard)
    agent_leg = call.wait_for_bridge(timeout=10)
    assert agent_leg.to in (ALEX, JORDAN)
    call.hang_up()
    call.wait_for_status("completed")
    agent_leg.wait_for_status("completed")
    record = live.call_record(call.sid)
    assert record.outcome == "answered-by-agent"
    assert record.agent_id is not None
    assert live.call_record(agent_leg.sid).agent_id == record.agent_id
    assert_no_carrier_errors(live)


def test_saying_agent_reaches_a_person_from_the_main_menu(live: Live) -> None:
    call = live.call(STRANGER)
    call.wait_for_prompt()
    call.speak("English")
    call.wait_for_prompt()
    gives_no_reason(call)
    call.wait_for_prompt()
    call.speak("I want to talk to an agent please")
    reaches_the_line(call)
    live.agent_takes_call()
    call.wait_for_bridge(timeout=10)
    call.hang_up()
    assert_no_carrier_errors(live)


def test_silence_is_retried_then_the_caller_reaches_a_person(live: Live) -> None:
    call = live.call(ANA)
    call.wait_for_prompt()
    gives_no_reason(call)  # then the menu
    call.wait_for_prompt()
    for _ in range(2):
        call.stay_silent()
        call.wait_for_prompt()
    call.stay_silent()
    live.agent_takes_call()
    call.wait_for_bridge(timeout=10)
    heard = said(call.heard)
    assert heard.count("Para facturación, oprima 1") == 3
    call.hang_up()
    assert_no_carrier_errors(live)


def test_caller_holding_with_nobody_to_answer_can_leave_a_voicemail(live: Live) -> None:
    for agent in (ALEX, JORDAN):
        live.sandbox.set_policy(agent, "no-answer")
    call = caller_presses(live, "1", "0")  # English, then a person
    reaches_the_line(call)
    # Agents may be rung (and let it ring out) first; back on hold, the ways out are said again.
    call.wait_until(lambda c: "To leave a message, press 2" in said(c.heard), timeout=30)
    call.press("2")
    heard = said(call.wait_for_prompt(timeout=10))
    assert "message" in heard.lower()
    call.say_into_recording("Please call me back about my bill", finish_on_key="#")
    call.wait_for_status("completed", timeout=10)
    live.sandbox.wait_until(lambda: live.voicemails(), timeout=10)
    [voicemail] = live.voicemails()
    assert voicemail.call_sid == call.sid
    assert live.call_record(call.sid).outcome == "voicemail"
    assert_no_carrier_errors(live)


def test_after_hours_callers_hear_the_closed_menu(live: Live) -> None:
    live.clock.current = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)  # a Sunday
    call = live.call(STRANGER)
    call.wait_for_prompt()
    call.press("1")
    heard = said(call.wait_for_prompt()).lower()
    assert "closed" in heard
    call.hang_up()
    assert_no_carrier_errors(live)


def test_an_agent_whose_voicemail_answers_does_not_take_the_caller(live: Live) -> None:
    """Answered but no key pressed (a voicemail, an auto-answer): the next agent is rung."""
    call = caller_presses(live, "1", "0")  # English, then a person
    reaches_the_line(call)
    first = live.agent_answers()
    first.stay_silent()
    first.wait_for_status("completed")
    second = live.agent_takes_call()
    assert second.to != first.to
    assert call.wait_for_bridge(timeout=10) == second or call.bridged_with is not None
    record = live.call_record(call.sid)
    assert record.outcome == "answered-by-agent"
    call.hang_up()
    assert_no_carrier_errors(live)


def test_a_billing_caller_is_only_offered_to_a_billing_agent(live: Live) -> None:
    """Alex has billing; Jordan has tech: a caller disputing a charge rings Alex."""
    call = caller_presses(live, "1", "1", "2")  # English, billing, dispute a charge
    reaches_the_line(call)
    leg = live.agent_takes_call()
    assert leg.to == ALEX
    assert "support queue for billing" in said(leg.heard)
    call.wait_for_bridge(timeout=10)
    assert live.call_record(call.sid).queue == "support+billing"
    call.hang_up()
    assert_no_carrier_errors(live)
