"""What callers of the demo business (callflows/demo.yaml) hear and where they end up.

The ``caller`` fixture plays the carrier: it places a call with ``interpreter.start`` and answers
each turn (keys, speech, silence, dial status, queue result, recording) with
``interpreter.resume``, as the web layer does with Twilio's webhooks.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr.core.errors import FlowStateError
from ivr.core.flows import interpreter
from ivr.core.flows.context import CallContext, CallerInput
from ivr.core.flows.instructions import (
    Continue,
    Dial,
    Enqueue,
    FlowState,
    Gather,
    Hangup,
    Record,
)

SUNDAY_NOON = datetime(2026, 3, 15, 16, 0, tzinfo=UTC)
CHRISTMAS_MORNING = datetime(2025, 12, 25, 15, 0, tzinfo=UTC)  # a Thursday, 10:00 in New York
TUESDAY_LATE = datetime(2026, 3, 11, 1, 30, tzinfo=UTC)  # Tuesday 21:30 in New York


CONSENT_EN = "This call may be recorded and transcribed, so that we can help you better."
CONSENT_ES = "Esta llamada puede ser grabada y transcrita para poder atenderle mejor."
REASON_EN = (
    "After the tone, please tell us in a few words why you are calling. "
    "Press pound when you are done."
)
REASON_ES = (
    "Después del tono, díganos en pocas palabras por qué llama. "
    "Oprima la tecla de número al terminar."
)


def english_caller_at_main_menu(caller) -> None:
    """Chooses English, has no open case, and says nothing when asked why they call."""
    caller.calls()
    caller.press("1")
    assert caller.waiting_at.step == "reason"
    caller.stays_silent()
    assert caller.waiting_at.step == "main_menu"


# -- greeting and language -----------------------------------------------------------------


def test_unknown_caller_hears_the_greeting_and_the_language_choice_in_each_language(
    caller,
) -> None:
    turn = caller.calls()

    assert caller.heard == [
        "Thank you for calling Acme Utilities.",
        "For English, press 1 or say English.",
        "Para español, oprima 2 o diga español.",
        "한국어는 3번을 누르거나 한국어라고 말씀하세요.",
    ]
    assert caller.voices == [
        ("en-US", "Polly.Joanna"),
        ("en-US", "Polly.Joanna"),
        ("es-MX", "Polly.Mia"),
        ("ko-KR", "Polly.Seoyeon"),
    ]
    assert turn.visited == ("greeting", "choose_language")
    assert turn.outcome is None
    assert turn.language == "en"


def test_known_caller_is_greeted_by_name(caller) -> None:
    caller.calls(name="Maria")

    assert caller.heard[0] == "Welcome back to Acme Utilities, Maria."


def test_caller_whose_language_is_known_skips_the_language_choice(caller) -> None:
    turn = caller.calls(name="Ana", language="es")

    assert caller.heard == ["Bienvenido de nuevo a Acme Utilities, Ana.", CONSENT_ES, REASON_ES]
    assert turn.visited == ("greeting", "choose_language", "office_hours", "returning", "reason")
    assert caller.waiting_at == FlowState(flow="demo", step="reason", language="es", noticed=True)
    assert turn.language == "es"


def test_caller_language_in_another_form_is_recognised(caller) -> None:
    turn = caller.calls(language="es-MX")

    assert turn.language == "es"
    assert caller.waiting_at.step == "reason"


def test_caller_language_the_flow_does_not_speak_gets_the_language_choice(caller) -> None:
    turn = caller.calls(language="fr")

    assert caller.waiting_at.step == "choose_language"
    assert turn.language == "en"


def test_caller_who_presses_2_hears_spanish_prompts(caller) -> None:
    caller.calls()
    turn = caller.press("2")

    assert turn.language == "es"
    assert caller.heard == [CONSENT_ES, REASON_ES]
    assert set(caller.voices) == {("es-MX", "Polly.Mia")}

    turn = caller.stays_silent()

    assert turn.language == "es"
    assert caller.heard[0].startswith("Para facturación, oprima 1 o diga facturación.")
    assert set(caller.voices) == {("es-MX", "Polly.Mia")}
    gather = caller.instruction(Gather)
    assert gather.language == "es-MX"
    assert "agente" in gather.hints
    assert gather.resume.language == "es"


@pytest.mark.parametrize("speech", ["Español.", "espanol", "Spanish, please"])
def test_caller_who_says_spanish_hears_spanish_prompts(caller, speech: str) -> None:
    caller.calls()
    turn = caller.says(speech)

    assert turn.language == "es"
    assert caller.heard == [CONSENT_ES, REASON_ES]
    assert caller.waiting_at.step == "reason"


def test_caller_who_never_chooses_a_language_continues_in_the_default_language(caller) -> None:
    caller.calls()
    caller.stays_silent()
    caller.stays_silent()
    turn = caller.stays_silent()

    assert turn.language == "en"
    assert caller.heard == [
        "Sorry, I didn't get that.",
        "Perdón, no le escuché.",
        "죄송합니다. 잘 듣지 못했습니다.",
        CONSENT_EN,
        REASON_EN,
    ]
    assert caller.waiting_at.step == "reason"


# -- menus ---------------------------------------------------------------------------------


def test_a_menu_gather_is_followed_by_a_continue_back_to_the_same_state(caller) -> None:
    english_caller_at_main_menu(caller)

    gather, follow_up = caller.turn.instructions[-2:]
    assert isinstance(gather, Gather)
    assert follow_up == Continue(resume=gather.resume, event="no-input")
    assert gather.num_digits == 1
    assert gather.timeout_seconds == 5
    assert gather.input == "dtmf speech"


def test_caller_who_presses_0_reaches_a_person(caller) -> None:
    english_caller_at_main_menu(caller)
    turn = caller.press("0")

    enqueue = caller.instruction(Enqueue)
    assert enqueue.queue == "support"
    assert enqueue.resume == FlowState(
        flow="demo", step="support_queue", language="en", noticed=True
    )
    assert caller.heard == ["Please hold for the next available representative."]
    assert turn.outcome == "queued"
    assert turn.visited == ("support_queue",)


@pytest.mark.parametrize(
    "speech", ["representative", "I want an agent please", "Operator!", "a PERSON, now."]
)
def test_caller_who_asks_for_a_person_by_speech_reaches_the_queue(caller, speech: str) -> None:
    english_caller_at_main_menu(caller)
    turn = caller.says(speech)

    assert turn.outcome == "queued"
    assert caller.instruction(Enqueue).queue == "support"


def test_spanish_caller_who_says_agente_reaches_the_queue(caller) -> None:
    caller.calls()
    caller.press("2")
    caller.stays_silent()
    turn = caller.says("Quiero hablar con un agente, por favor.")

    assert turn.outcome == "queued"
    assert caller.heard == ["Por favor espere al próximo representante disponible."]


def test_a_word_that_only_contains_a_human_word_does_not_reach_a_person(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.says("my personal account")

    assert caller.heard[0] == "Sorry, that is not an option."


def test_every_submenu_has_a_person_one_key_away(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.press("1")
    turn = caller.press("0")

    assert caller.instruction(Enqueue).skills == ("billing",)
    assert turn.outcome == "queued"


def test_speech_chooses_an_option_ignoring_case_punctuation_and_accents(caller) -> None:
    caller.calls()
    caller.press("2")
    caller.stays_silent()
    caller.says("Facturacion, por favor.")

    assert caller.waiting_at.step == "billing_menu"


def test_caller_who_says_the_key_instead_of_pressing_it_is_understood(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.says("2.")

    assert caller.waiting_at.step == "tech_menu"


def test_caller_who_disputes_a_charge_waits_for_a_billing_agent(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.says("billing")
    turn = caller.press("2")

    enqueue = caller.instruction(Enqueue)
    assert (enqueue.queue, enqueue.skills) == ("support", ("billing",))
    assert turn.visited == ("billing_queue",)


def test_caller_who_reports_an_outage_hears_the_outage_news_then_waits_for_a_technician(
    caller,
) -> None:
    english_caller_at_main_menu(caller)
    caller.press("2")
    turn = caller.says("there is a power outage on my street")

    assert caller.heard[0].startswith("We post outage updates")
    assert caller.instruction(Enqueue).skills == ("tech",)
    assert turn.visited == ("outage", "tech_queue")


def test_caller_in_a_submenu_can_go_back_to_the_main_menu(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.press("1")
    caller.press("9")

    assert caller.waiting_at.step == "main_menu"


def test_silence_repeats_the_menu_with_an_apology_then_reaches_a_person(caller) -> None:
    english_caller_at_main_menu(caller)

    caller.stays_silent()
    assert caller.heard[0] == "Sorry, I didn't get that."
    assert caller.heard[1].startswith("For billing, press 1")
    assert caller.waiting_at.attempt == 1

    caller.stays_silent()
    assert caller.waiting_at.attempt == 2

    turn = caller.stays_silent()
    assert caller.heard == [
        "Sorry, I didn't get that.",
        "Please hold for the next available representative.",
    ]
    assert turn.outcome == "queued"
    assert not any(isinstance(i, Hangup) for i in turn.instructions)


def test_invalid_key_says_that_is_not_an_option_and_asks_again(caller) -> None:
    english_caller_at_main_menu(caller)
    turn = caller.press("7")

    assert caller.heard[0] == "Sorry, that is not an option."
    assert caller.heard[1].startswith("For billing, press 1")
    assert caller.waiting_at == FlowState(
        flow="demo", step="main_menu", language="en", attempt=1, noticed=True
    )
    assert turn.visited == ("main_menu",)


def test_retries_count_silence_and_wrong_answers_together(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.press("7")
    caller.stays_silent()
    turn = caller.says("bananas")

    assert turn.outcome == "queued"


def test_a_valid_answer_after_a_retry_is_taken(caller) -> None:
    english_caller_at_main_menu(caller)
    caller.press("7")
    caller.press("1")

    assert caller.waiting_at == FlowState(
        flow="demo", step="billing_menu", language="en", noticed=True
    )


# -- business hours ------------------------------------------------------------------------


def test_closed_on_a_holiday(caller) -> None:
    caller.calls(at=CHRISTMAS_MORNING)
    turn = caller.press("1")

    assert caller.heard[0].startswith("Our offices are closed.")
    assert turn.visited == ("office_hours", "closed_menu")


@pytest.mark.parametrize(
    ("moment", "step"),
    [
        (datetime(2026, 3, 10, 12, 0, tzinfo=UTC), "reason"),  # Tuesday 08:00 EDT
        (datetime(2026, 3, 10, 11, 59, tzinfo=UTC), "closed_menu"),  # Tuesday 07:59 EDT
        (datetime(2026, 1, 13, 12, 30, tzinfo=UTC), "closed_menu"),  # Tuesday 07:30 EST
        (datetime(2026, 1, 13, 13, 0, tzinfo=UTC), "reason"),  # Tuesday 08:00 EST
        (TUESDAY_LATE, "closed_menu"),
        (datetime(2026, 3, 14, 16, 59, tzinfo=UTC), "reason"),  # Saturday 12:59 EDT
        (datetime(2026, 3, 14, 17, 0, tzinfo=UTC), "closed_menu"),  # Saturday 13:00 EDT
        (SUNDAY_NOON, "closed_menu"),
    ],
)
def test_opening_hours_are_new_york_wall_clock_times(caller, moment: datetime, step: str) -> None:
    caller.calls(at=moment, language="en")

    assert caller.waiting_at.step == step  # open: the caller is asked why they call


def test_closed_caller_who_presses_0_is_transferred_to_the_emergency_line(caller) -> None:
    caller.calls(at=SUNDAY_NOON, language="en")
    turn = caller.press("0")

    dial = caller.instruction(Dial)
    assert dial.number == "+18885550142"
    assert dial.timeout_seconds == 30
    assert caller.heard == ["Connecting you to our emergency line."]
    assert turn.outcome == "transferred"


def test_closed_caller_who_stays_silent_is_sent_to_voicemail(caller) -> None:
    caller.calls(at=SUNDAY_NOON, language="en")
    for _ in range(3):
        turn = caller.stays_silent()

    assert turn.outcome == "voicemail"
    assert caller.instruction(Record).max_length_seconds == 120


# -- transfers, queues, voicemail ----------------------------------------------------------


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_sales_transfer_nobody_answers_goes_to_a_person(caller, status: str) -> None:
    english_caller_at_main_menu(caller)
    caller.press("3")
    assert caller.instruction(Dial).number == "+18005550199"

    turn = caller.dial_ends(status)

    assert caller.instruction(Enqueue).queue == "support"
    assert turn.outcome == "queued"


def test_emergency_transfer_nobody_answers_goes_to_voicemail(caller) -> None:
    caller.calls(at=SUNDAY_NOON, language="en")
    caller.press("0")
    turn = caller.dial_ends("no-answer")

    assert caller.instruction(Record)
    assert turn.outcome == "voicemail"


@pytest.mark.parametrize("status", ["completed", "answered"])
def test_answered_transfer_ends_the_call_keeping_its_outcome(caller, status: str) -> None:
    english_caller_at_main_menu(caller)
    caller.press("3")
    turn = caller.dial_ends(status)

    assert turn.instructions == (Hangup(),)
    assert turn.outcome is None


@pytest.mark.parametrize("result", ["bridged", "hangup"])
def test_caller_who_leaves_the_queue_with_an_agent_or_by_hanging_up_is_done(
    caller, result: str
) -> None:
    english_caller_at_main_menu(caller)
    caller.press("0")
    turn = caller.queue_ends(result)

    assert turn.instructions == (Hangup(),)
    assert turn.outcome is None


@pytest.mark.parametrize("result", ["leave", "error", "queue-full", "system-error", "redirected"])
def test_queue_that_hands_the_caller_back_sends_them_to_voicemail(caller, result: str) -> None:
    english_caller_at_main_menu(caller)
    caller.press("0")
    turn = caller.queue_ends(result)

    assert caller.heard[0].startswith("Please leave your name")
    assert caller.instruction(Record)
    assert turn.outcome == "voicemail"


def test_voicemail_records_then_thanks_the_caller_and_hangs_up(caller) -> None:
    caller.calls(at=SUNDAY_NOON, language="es")
    turn = caller.press("1")

    assert caller.heard[0] == CONSENT_ES  # the first thing recorded on this call
    assert caller.heard[1].startswith("Por favor deje su nombre")
    record = caller.instruction(Record)
    assert record.kind == "voicemail"
    assert record.resume == FlowState(flow="demo", step="voicemail", language="es", noticed=True)
    assert turn.instructions[-1] == Continue(resume=record.resume, event="no-recording")
    assert turn.outcome == "voicemail"

    turn = caller.leaves_message()

    assert caller.heard == ["Gracias. Le llamaremos el próximo día hábil. Adiós."]
    assert turn.instructions[-1] == Hangup()
    assert turn.outcome is None
    assert turn.visited == ("thank_you",)


def test_caller_who_leaves_no_message_is_thanked_and_hung_up_on(caller) -> None:
    caller.calls(at=SUNDAY_NOON, language="en")
    caller.press("1")
    follow_up = caller.instruction(Continue)
    turn = interpreter.resume(
        caller.flow, follow_up.resume, caller.ctx, CallerInput(event=follow_up.event)
    )

    assert turn.instructions[-1] == Hangup()
    assert turn.outcome == "hung-up"


# -- fallback and broken states ------------------------------------------------------------


def ctx_at(moment: datetime) -> CallContext:
    return CallContext(call_sid="CA1", now=moment)


def test_fallback_apologises_and_routes_to_a_person(demo_flow) -> None:
    turn = interpreter.fallback(demo_flow, "es", ctx_at(datetime(2026, 3, 10, 16, tzinfo=UTC)))

    assert turn.instructions[0].text == "Perdón, algo salió mal. Le comunico con una persona."
    assert isinstance(turn.instructions[-1], Enqueue)
    assert turn.instructions[-1].queue == "support"
    assert turn.outcome == "queued"
    assert turn.language == "es"


def test_fallback_when_the_business_is_closed_goes_to_voicemail(demo_flow) -> None:
    turn = interpreter.fallback(demo_flow, "en", ctx_at(CHRISTMAS_MORNING))

    assert turn.instructions[0].text == ("Sorry, something went wrong. Let me get you to a person.")
    assert any(isinstance(i, Record) for i in turn.instructions)
    assert turn.outcome == "voicemail"


@pytest.mark.parametrize("language", [None, "fr", ""])
def test_fallback_in_a_language_the_flow_does_not_speak_uses_the_default(
    demo_flow, language
) -> None:
    turn = interpreter.fallback(demo_flow, language, ctx_at(SUNDAY_NOON))

    assert turn.language == "en"
    assert turn.instructions[0].language == "en-US"


@pytest.mark.parametrize(
    "state",
    [
        FlowState(flow="demo", step="no_such_step", language="en"),
        FlowState(flow="demo", step="main_menu", language="klingon"),
        FlowState(flow="other", step="main_menu", language="en"),
        FlowState(flow="demo", step="greeting", language="en"),  # does not wait for the caller
    ],
)
def test_resume_from_a_state_the_flow_does_not_have_raises_a_domain_error(
    demo_flow, state: FlowState
) -> None:
    with pytest.raises(FlowStateError):
        interpreter.resume(demo_flow, state, ctx_at(SUNDAY_NOON), CallerInput(digits="1"))


def test_resume_with_an_absurd_attempt_count_goes_to_a_person(demo_flow) -> None:
    state = FlowState(flow="demo", step="main_menu", language="en", attempt=99)

    turn = interpreter.resume(demo_flow, state, ctx_at(SUNDAY_NOON), CallerInput(event="no-input"))

    assert turn.outcome == "queued"
