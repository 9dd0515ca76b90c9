"""The reason step: a caller says, in a few words, why they call, before an agent answers.

The demo asks it after the (silent, for callers with no open case) case step: a clip recorded
after the recording notice, with a one-second chance to skip it by pressing a key. The speech
variant (``input: speech``) is specified on a small flow of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.core.flows.instructions import Continue, FlowState, Gather, Record, Say
from ivr.core.flows.loader import load_flow
from tests.unit.flows.conftest import Caller

CONSENT_EN = "This call may be recorded and transcribed, so that we can help you better."
REASON_EN = (
    "After the tone, please tell us in a few words why you are calling. "
    "Press pound when you are done."
)
MAIN_MENU_EN = "For billing, press 1 or say billing."


def caller_asked_why_they_call(caller: Caller) -> None:
    caller.calls(language="en")
    assert caller.waiting_at.step == "reason"


# -- input: record (the demo) ----------------------------------------------------------------


def test_the_reason_is_a_short_clip_recorded_after_the_notice_and_the_prompt(caller) -> None:
    caller_asked_why_they_call(caller)

    here = FlowState(flow="demo", step="reason", language="en", noticed=True)
    assert caller.turn.instructions[-3:] == (
        Gather(
            resume=here,
            prompts=(
                Say(text=CONSENT_EN, language="en-US", voice="Polly.Joanna"),
                Say(text=REASON_EN, language="en-US", voice="Polly.Joanna"),
            ),
            input="dtmf",
            num_digits=1,
            timeout_seconds=1,
            language="en-US",
        ),
        Record(resume=here, max_length_seconds=15, timeout_seconds=3, kind="reason"),
        Continue(resume=here, event="no-recording"),
    )
    assert caller.turn.outcome is None


def test_a_recorded_reason_goes_on_to_the_main_menu(caller) -> None:
    caller_asked_why_they_call(caller)
    turn = caller.leaves_message()

    assert caller.heard[0].startswith(MAIN_MENU_EN)
    assert caller.waiting_at == FlowState(
        flow="demo", step="main_menu", language="en", noticed=True
    )
    assert turn.visited == ("main_menu",)
    assert turn.reason is None  # a recorded reason arrives later, by transcription


def test_a_reason_ended_with_the_pound_key_as_the_prompt_asks_goes_on_to_the_main_menu(
    caller,
) -> None:
    """Twilio reports the key that ended a recording as ``Digits``: it is not an answer to
    the menu that follows."""
    caller_asked_why_they_call(caller)
    turn = caller.leaves_message(finished_with="#")

    assert caller.heard[0].startswith(MAIN_MENU_EN)
    assert caller.waiting_at == FlowState(
        flow="demo", step="main_menu", language="en", noticed=True
    )
    assert turn.visited == ("main_menu",)


def test_a_caller_who_says_nothing_goes_on_to_the_main_menu(caller) -> None:
    caller_asked_why_they_call(caller)
    turn = caller.stays_silent()

    assert caller.heard[0].startswith(MAIN_MENU_EN)
    assert caller.waiting_at.step == "main_menu"
    assert turn.visited == ("main_menu",)


def test_key_0_during_the_prompt_reaches_a_person_without_the_notice_again(caller) -> None:
    caller_asked_why_they_call(caller)
    turn = caller.press("0")

    assert caller.heard == ["Please hold for the next available representative."]
    assert caller.waiting_at == FlowState(
        flow="demo", step="support_queue", language="en", noticed=True
    )
    assert turn.outcome == "queued"


def test_a_key_typed_ahead_during_the_prompt_answers_the_main_menu(caller) -> None:
    caller_asked_why_they_call(caller)
    turn = caller.press("1")

    assert caller.heard[0].startswith("To pay a bill, press 1.")
    assert caller.waiting_at == FlowState(
        flow="demo", step="billing_menu", language="en", noticed=True
    )
    assert turn.visited == ("main_menu", "billing_menu")


def test_a_key_typed_ahead_that_the_main_menu_does_not_have_is_not_an_option(caller) -> None:
    caller_asked_why_they_call(caller)
    caller.press("7")

    assert caller.heard[0] == "Sorry, that is not an option."
    assert caller.heard[1].startswith(MAIN_MENU_EN)
    assert caller.waiting_at == FlowState(
        flow="demo", step="main_menu", language="en", attempt=1, noticed=True
    )


# -- input: speech ---------------------------------------------------------------------------

SPEECH_FLOW = """\
languages: [en, es]
start: why
fallback: desk
steps:
  why:
    type: reason
    input: speech
    prompt: {en: "In a few words, why are you calling?", es: "¿Por qué llama?"}
    next: menu
  menu:
    type: menu
    prompt: {en: "Press 1 for news.", es: "Oprima 1 para noticias."}
    options:
      - key: 1
        words: {en: [news], es: [noticias]}
        next: desk
    human: desk
  desk:
    type: queue
    queue: support
    on_leave: desk2
  desk2:
    type: queue
    queue: overflow
    on_leave: desk
"""
"""Nothing here records (a speech reason is not a recording, calls are not recorded), so the
flow needs no consent notice."""


@pytest.fixture
def speech_caller(write_flow: Callable[..., Path]) -> Caller:
    return Caller(load_flow(write_flow(SPEECH_FLOW)))


def test_a_spoken_reason_is_heard_by_speech_recognition_and_nothing_is_recorded(
    speech_caller: Caller,
) -> None:
    turn = speech_caller.calls()

    here = FlowState(flow="flow", step="why", language="en")
    assert turn.instructions == (
        Gather(
            resume=here,
            prompts=(Say(text="In a few words, why are you calling?", language="en-US"),),
            input="dtmf speech",
            num_digits=1,
            timeout_seconds=3,
            language="en-US",
        ),
        Continue(resume=here, event="no-input"),
    )
    assert not any(isinstance(i, Record) for i in turn.instructions)


def test_a_spoken_reason_comes_with_the_turn_in_the_callers_words(speech_caller: Caller) -> None:
    speech_caller.calls()
    turn = speech_caller.says("My bill is twice what it was last month.")

    assert turn.reason == "My bill is twice what it was last month."
    assert speech_caller.waiting_at.step == "menu"


def test_a_long_spoken_reason_is_cut_to_500_characters(speech_caller: Caller) -> None:
    speech_caller.calls()
    turn = speech_caller.says("  " + "word " * 200)

    assert turn.reason == ("word " * 100)[:500]
    assert len(turn.reason) == 500


def test_silence_gives_no_spoken_reason_and_goes_on(speech_caller: Caller) -> None:
    speech_caller.calls()
    turn = speech_caller.stays_silent()

    assert turn.reason is None
    assert speech_caller.waiting_at.step == "menu"
    assert speech_caller.heard == ["Press 1 for news."]
