"""The recording notice (``recording.consent``): said once per call, in the caller's language,
just before the first step that records (a reason clip, a voicemail, a queue when calls with
agents are recorded), and never by a flow that has none.

Between turns the notice rides in the webhook URL as ``rec=1`` (``FlowState.noticed``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ivr.core.flows import interpreter
from ivr.core.flows.context import CallerInput
from ivr.core.flows.instructions import Enqueue, FlowState, Gather, Record, Say
from ivr.core.flows.loader import load_flow
from ivr.core.flows.model import Flow
from ivr.web.links import state_from_params, state_params
from tests.unit.flows.conftest import MINIMAL_FLOW, Caller, context

SUNDAY_NOON = datetime(2026, 3, 15, 16, 0, tzinfo=UTC)
CONSENT_EN = "This call may be recorded and transcribed, so that we can help you better."
CONSENT_ES = "Esta llamada puede ser grabada y transcrita para poder atenderle mejor."
HOLD_EN = "Please hold for the next available representative."


# -- the demo: calls with agents are recorded ------------------------------------------------


def test_the_notice_is_said_once_on_a_call_that_records_a_reason_a_call_and_a_message(
    caller,
) -> None:
    caller.calls()
    caller.press("1")  # English: asked why they call, after the notice
    caller.stays_silent()  # the main menu
    caller.press("0")  # the support queue, where the call with an agent is recorded
    caller.queue_ends("leave")  # nobody answered: voicemail
    caller.leaves_message()

    assert caller.heard_on_the_call.count(CONSENT_EN) == 1
    assert [turn.visited[-1] for turn in caller.turns] == [
        "choose_language",
        "reason",
        "main_menu",
        "support_queue",
        "voicemail",
        "thank_you",
    ]


def test_the_notice_comes_just_before_the_first_recording_not_with_the_greeting(caller) -> None:
    caller.calls()

    assert CONSENT_EN not in caller.heard
    assert CONSENT_ES not in caller.heard

    caller.press("1")

    assert caller.heard[0] == CONSENT_EN
    assert caller.waiting_at.noticed is True


def test_the_notice_is_said_in_the_callers_language_only(caller) -> None:
    caller.calls()
    caller.press("2")

    assert caller.heard[0] == CONSENT_ES
    assert CONSENT_EN not in caller.heard_on_the_call


def test_a_closed_business_says_the_notice_before_the_voicemail(caller) -> None:
    caller.calls(at=SUNDAY_NOON, language="en")
    assert CONSENT_EN not in caller.heard  # the closed menu records nothing

    caller.press("1")

    assert caller.heard[0] == CONSENT_EN
    assert caller.heard[1].startswith("Please leave your name")
    assert caller.instruction(Record).resume.noticed is True


def test_a_state_without_the_mark_hears_the_notice_before_a_recorded_queue(demo_flow) -> None:
    """The interpreter believes the state it is given: no mark, no notice said yet."""
    unmarked = FlowState(flow="demo", step="main_menu", language="en")

    turn = interpreter.resume(demo_flow, unmarked, context(), CallerInput(digits="0"))

    assert [i.text for i in turn.instructions[:2]] == [CONSENT_EN, HOLD_EN]


# -- the mark in the webhook URL -------------------------------------------------------------


@pytest.mark.parametrize("noticed", [True, False])
def test_the_flow_state_survives_the_webhook_url(noticed: bool) -> None:
    state = FlowState(flow="demo", step="main_menu", language="es", attempt=1, noticed=noticed)

    assert state_from_params(state_params(state)) == state


def test_the_mark_is_rec_1_and_absent_until_the_notice_is_said() -> None:
    noticed = FlowState(flow="demo", step="reason", language="en", noticed=True)
    not_yet = FlowState(flow="demo", step="choose_language", language="en")

    assert state_params(noticed)["rec"] == "1"
    assert "rec" not in state_params(not_yet)


@pytest.mark.parametrize("value", ["0", "", "true", "11"])
def test_anything_but_rec_1_means_the_notice_has_not_been_said(value: str) -> None:
    params = {"flow": "demo", "step": "main_menu", "lang": "en", "attempt": "0", "rec": value}

    assert state_from_params(params).noticed is False


def test_a_call_resumed_from_its_webhook_url_does_not_hear_the_notice_again(caller) -> None:
    english = caller.calls(language="en")
    at_reason = state_from_params(state_params(caller.waiting_at))

    turn = interpreter.resume(caller.flow, at_reason, caller.ctx, CallerInput(digits="0"))

    [asked] = [i for i in english.instructions if isinstance(i, Gather)]
    assert asked.prompts[0].text == CONSENT_EN
    assert [i.text for i in turn.instructions if isinstance(i, Say)] == [HOLD_EN]
    [enqueue] = [i for i in turn.instructions if isinstance(i, Enqueue)]
    assert state_params(enqueue.resume)["rec"] == "1"


# -- flows that record less ------------------------------------------------------------------


def minimal_flow(write_flow: Callable[..., Path], recording: str = "") -> Flow:
    return load_flow(write_flow(recording + MINIMAL_FLOW))


def test_a_flow_without_a_notice_says_none_even_before_a_voicemail(write_flow) -> None:
    caller = Caller(minimal_flow(write_flow))
    caller.calls()
    caller.press("0")
    assert caller.heard == []  # the queue has no prompt, and nothing records the call
    caller.queue_ends("leave")

    assert caller.heard == ["Leave a message."]
    assert caller.instruction(Record).kind == "voicemail"


def test_a_flow_that_records_no_calls_says_its_notice_before_a_voicemail_not_a_queue(
    write_flow,
) -> None:
    caller = Caller(
        minimal_flow(
            write_flow,
            'recording:\n  consent: {en: "Messages are recorded.", es: "Se graban."}\n',
        )
    )
    caller.calls()
    caller.press("0")
    assert caller.heard == []
    caller.queue_ends("leave")

    assert caller.heard == ["Messages are recorded.", "Leave a message."]


def test_a_flow_that_records_calls_says_its_notice_before_the_queue(write_flow) -> None:
    caller = Caller(
        minimal_flow(
            write_flow,
            "recording:\n"
            "  calls: true\n"
            '  consent: {en: "Calls are recorded.", es: "Se graban las llamadas."}\n',
        )
    )
    caller.calls(language="es")
    caller.press("0")

    assert caller.heard == ["Se graban las llamadas."]
    caller.queue_ends("leave")
    assert caller.heard == ["Deje un mensaje."]
