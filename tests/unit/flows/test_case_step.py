"""The case step: a caller with an open case is asked whether it is why they call.

In the demo, open hours lead to ``returning`` (the case step): yes goes to the support queue
with the case attached, no (or silence, or anything unclear) to the reason step, and key 0 or
the words for a person to the support queue. A caller without an open case hears nothing of
it. The open case comes from ``CallContext.case_lookup``, here a counting stand-in for the
store, so the tests can say when it is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ivr.core.flows.context import OpenCase
from ivr.core.flows.instructions import Continue, Enqueue, FlowState, Gather, Say
from ivr.core.flows.loader import load_flow
from tests.unit.flows.conftest import Caller

SUNDAY_NOON = datetime(2026, 3, 15, 16, 0, tzinfo=UTC)
GREETING_EN = "Thank you for calling Acme Utilities."
CONSENT_EN = "This call may be recorded and transcribed, so that we can help you better."
CONSENT_ES = "Esta llamada puede ser grabada y transcrita para poder atenderle mejor."
HOLD_EN = "Please hold for the next available representative."
HOLD_ES = "Por favor espere al próximo representante disponible."
REASON_EN = (
    "After the tone, please tell us in a few words why you are calling. "
    "Press pound when you are done."
)


class CaseStore:
    """Answers the lookup with ``case`` and counts how often it was asked."""

    def __init__(self, case: OpenCase | None) -> None:
        self.case = case
        self.lookups = 0

    def __call__(self) -> OpenCase | None:
        self.lookups += 1
        return self.case


def open_case(reason: str | None = "a billing dispute") -> OpenCase:
    return OpenCase(
        id=42, reason=reason, opened_at=datetime(2026, 3, 9, 15, tzinfo=UTC), agent_id=7
    )


def caller_with_an_open_case(
    caller: Caller, *, language: str = "en", reason: str | None = "a billing dispute"
) -> CaseStore:
    store = CaseStore(open_case(reason))
    caller.calls(language=language, case_lookup=store)
    assert caller.waiting_at.step == "returning"
    return store


# -- who is asked ----------------------------------------------------------------------------


def test_a_caller_without_an_open_case_passes_the_question_without_a_word(caller) -> None:
    store = CaseStore(None)
    turn = caller.calls(language="en", case_lookup=store)

    assert caller.heard == [GREETING_EN, CONSENT_EN, REASON_EN]
    assert turn.visited == ("greeting", "choose_language", "office_hours", "returning", "reason")
    assert caller.waiting_at.step == "reason"
    assert store.lookups == 1


def test_without_a_case_lookup_nobody_is_asked(caller) -> None:
    caller.calls(language="en")

    assert caller.waiting_at.step == "reason"


def test_the_case_is_not_looked_up_on_a_call_that_never_reaches_the_case_step(caller) -> None:
    store = CaseStore(open_case())
    caller.calls(at=SUNDAY_NOON, language="en", case_lookup=store)
    caller.press("1")  # closed: leave a message
    caller.leaves_message()

    assert [turn.visited[-1] for turn in caller.turns] == ["closed_menu", "voicemail", "thank_you"]
    assert store.lookups == 0


def test_the_case_is_looked_up_once_per_context(caller) -> None:
    store = caller_with_an_open_case(caller)
    caller.press("1")

    assert store.lookups == 1


# -- the question ----------------------------------------------------------------------------


def test_the_question_names_the_case_in_the_customers_words_before_any_notice(caller) -> None:
    caller_with_an_open_case(caller)

    assert caller.heard == [
        GREETING_EN,
        "Are you calling about a billing dispute? Press 1 or say yes. "
        "Otherwise, press 2 or say no.",
    ]
    gather, follow_up = caller.turn.instructions[-2:]
    assert isinstance(gather, Gather)
    assert gather.resume == FlowState(flow="demo", step="returning", language="en")
    assert (gather.num_digits, gather.timeout_seconds, gather.input) == (1, 5, "dtmf speech")
    assert {"yes", "no"} <= set(gather.hints)
    assert follow_up == Continue(resume=gather.resume, event="no-input")


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "Are you calling about the matter of your last call?"),
        ("es", "¿Llama usted por el asunto de su última llamada?"),
    ],
)
def test_a_case_whose_reason_nobody_knows_is_named_by_the_languages_unknown_reason(
    caller, language: str, question: str
) -> None:
    caller_with_an_open_case(caller, language=language, reason=None)

    assert caller.heard[1].startswith(question)


# -- the answer ------------------------------------------------------------------------------


def test_key_1_joins_the_call_to_the_case_and_queues_it_after_the_notice(caller) -> None:
    caller_with_an_open_case(caller)
    turn = caller.press("1")

    assert turn.case_id == 42
    assert caller.heard == [CONSENT_EN, HOLD_EN]
    assert caller.instruction(Enqueue).resume == FlowState(
        flow="demo", step="support_queue", language="en", noticed=True
    )
    assert turn.outcome == "queued"


@pytest.mark.parametrize(
    ("language", "speech", "heard"),
    [
        ("en", "Yes.", [CONSENT_EN, HOLD_EN]),
        ("en", "Yeah, that's right", [CONSENT_EN, HOLD_EN]),
        ("es", "Sí, así es.", [CONSENT_ES, HOLD_ES]),
        ("es", "claro", [CONSENT_ES, HOLD_ES]),
    ],
)
def test_a_yes_word_in_the_callers_language_joins_the_call_to_the_case(
    caller, language: str, speech: str, heard: list[str]
) -> None:
    caller_with_an_open_case(caller, language=language)
    turn = caller.says(speech)

    assert turn.case_id == 42
    assert caller.heard == heard
    assert turn.outcome == "queued"


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        ("en", {"digits": "2"}),
        ("en", {"speech": "No, something else."}),
        ("en", {"speech": "bananas"}),
        ("en", {"digits": "9"}),
        ("es", {"speech": "No, otra cosa."}),
    ],
)
def test_no_or_anything_unclear_is_a_new_matter_asked_for_its_reason(
    caller, language: str, answer: dict[str, str]
) -> None:
    caller_with_an_open_case(caller, language=language)
    turn = caller.press(answer["digits"]) if "digits" in answer else caller.says(answer["speech"])

    assert turn.case_id is None
    assert turn.visited == ("reason",)
    assert caller.waiting_at.step == "reason"
    assert caller.heard[0] == (CONSENT_EN if language == "en" else CONSENT_ES)


def test_silence_is_a_new_matter(caller) -> None:
    caller_with_an_open_case(caller)
    turn = caller.stays_silent()

    assert turn.case_id is None
    assert caller.heard == [CONSENT_EN, REASON_EN]


@pytest.mark.parametrize("answer", [{"digits": "0"}, {"speech": "an agent please"}])
def test_key_0_or_asking_for_a_person_reaches_one_without_the_case(
    caller, answer: dict[str, str]
) -> None:
    caller_with_an_open_case(caller)
    turn = caller.press(answer["digits"]) if "digits" in answer else caller.says(answer["speech"])

    assert turn.case_id is None
    assert caller.heard == [CONSENT_EN, HOLD_EN]
    assert turn.visited == ("support_queue",)
    assert turn.outcome == "queued"


# -- a flow's own unknown_reason, and a case step without human ------------------------------

CASE_FLOW = """\
languages: [en]
start: returning
fallback: desk
steps:
  returning:
    type: case
    prompt: "Is this about {reason}? Press 1 or say yes."
    unknown_reason: "your recent request"
    yes: desk
    no: bye
  desk:
    type: queue
    queue: support
    on_leave: desk2
  desk2:
    type: queue
    queue: overflow
    on_leave: desk
  bye:
    type: hangup
    prompt: Goodbye.
"""


@pytest.fixture
def case_flow_caller(write_flow: Callable[..., Path]) -> Caller:
    return Caller(load_flow(write_flow(CASE_FLOW)))


def test_a_case_steps_own_unknown_reason_replaces_the_languages(case_flow_caller) -> None:
    case_flow_caller.calls(case_lookup=CaseStore(open_case(reason=None)))

    assert case_flow_caller.turn.instructions[0].prompts == (
        Say(text="Is this about your recent request? Press 1 or say yes.", language="en-US"),
    )


def test_a_case_step_without_human_sends_key_0_to_the_flows_fallback(case_flow_caller) -> None:
    case_flow_caller.calls(case_lookup=CaseStore(open_case()))
    turn = case_flow_caller.press("0")

    assert case_flow_caller.instruction(Enqueue).queue == "support"
    assert turn.case_id is None
