"""The rules a call flow must pass before a caller meets it: one test (at least) per rule.

Each test starts from a small flow that passes every check, changes one thing, and expects the
problem ``ivr callflows check`` would print, naming the file, the step and what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

Check = Callable[[str], list[str]]


def changed(flow: str, old: str, new: str) -> str:
    assert old in flow, f"test setup: {old!r} is not in the flow"
    return flow.replace(old, new, 1)


def test_the_minimal_flow_passes_every_check(problems_in: Check, minimal_flow_text: str) -> None:
    assert problems_in(minimal_flow_text) == []


def test_the_demo_flow_passes_every_check(demo_flow) -> None:
    assert demo_flow.name == "demo"


def test_unknown_step_type_is_rejected(problems_in: Check, minimal_flow_text: str) -> None:
    flow = changed(minimal_flow_text, "type: say", "type: speak")

    assert problems_in(flow) == [
        'flow.yaml: step "news" has unknown type "speak"; use one of: '
        "say, language, hours, menu, transfer, voicemail, hangup, reason, case, queue"
    ]


def test_step_going_to_a_step_that_does_not_exist_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "next: bye\n  desk", "next: byee\n  desk")

    assert 'flow.yaml: step "news" goes to "byee", which does not exist' in problems_in(flow)


def test_menu_option_going_to_a_step_that_does_not_exist_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "next: news", "next: newz")

    assert problems_in(flow)[0] == (
        'flow.yaml: step "menu" on key 1 goes to "newz", which does not exist'
    )


def test_start_that_is_not_a_step_is_rejected(problems_in: Check, minimal_flow_text: str) -> None:
    flow = changed(minimal_flow_text, "start: menu", "start: welcome")

    assert 'flow.yaml: has start "welcome", which is not a step' in problems_in(flow)


def test_unreachable_step_is_rejected(problems_in: Check, minimal_flow_text: str) -> None:
    flow = minimal_flow_text + (
        '  promo:\n    type: say\n    prompt: {en: "Sale!", es: "¡Oferta!"}\n    next: bye\n'
    )

    assert problems_in(flow) == [
        'flow.yaml: step "promo" cannot be reached from start "menu", the fallback or the '
        "voicemail step; remove it or send a step to it"
    ]


def test_a_misspelt_step_name_is_not_buried_under_the_steps_it_cuts_off(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "next: news", "next: newz")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" on key 1 goes to "newz", which does not exist'
    ]


def test_missing_prompt_for_one_of_the_flow_languages_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(
        minimal_flow_text, 'prompt: {en: "No news.", es: "Sin noticias."}', 'prompt: "No news."'
    )

    assert problems_in(flow) == ['flow.yaml: step "news" has no "prompt" in "es"']


def test_prompt_in_a_language_the_flow_does_not_speak_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, 'es: "Sin noticias."}', 'es: "Sin noticias.", fr: "Rien."}')

    assert problems_in(flow) == [
        'flow.yaml: step "news" has "prompt" in "fr", which is not one of the flow\'s languages'
    ]


def test_name_placeholder_outside_known_prompt_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, '{en: "No news.",', '{en: "No news, {name}.",')

    assert problems_in(flow) == [
        'flow.yaml: step "news" says {name} in its "prompt" in "en", but callers we do not '
        "know have no name; put it in known_prompt"
    ]


def test_misspelt_placeholder_is_rejected(problems_in: Check, minimal_flow_text: str) -> None:
    flow = changed(
        minimal_flow_text,
        "    next: bye\n  desk",
        '    known_prompt: {en: "Hi {nmae}.", es: "Hola {name}."}\n    next: bye\n  desk',
    )

    assert problems_in(flow) == [
        'flow.yaml: step "news" has "{nmae}" in its "known_prompt" in "en"; '
        "the only placeholder is {name}"
    ]


def test_menu_without_way_to_human_is_rejected(problems_in: Check, minimal_flow_text: str) -> None:
    flow = changed(minimal_flow_text, "    human: desk\n", "    after_retries: desk\n")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" has no way to a person: add "human: <a queue or transfer '
        'step>", where key 0 and the words for a person go'
    ]


def test_menu_whose_way_to_a_person_hangs_up_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: bye\n    after_retries: desk")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" sends key 0 and the words for a person to "bye", which leads '
        'to hangup step "bye", not to a person (queue or transfer)'
    ]


def test_menu_whose_way_to_a_person_is_a_message_then_a_queue_passes(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: connecting") + (
        "  connecting:\n"
        "    type: say\n"
        '    prompt: {en: "Connecting you.", es: "Le comunico."}\n'
        "    next: desk\n"
    )

    assert problems_in(flow) == []


def test_menu_may_reach_a_person_through_hours_that_send_closed_callers_to_voicemail(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: staffed") + (
        "  staffed:\n"
        "    type: hours\n"
        "    timezone: Europe/Madrid\n"
        "    weekly: {monday: 09:00-17:00}\n"
        "    open: desk\n"
        "    closed: voicemail\n"
    )

    assert problems_in(flow) == []


def test_menu_that_uses_key_0_for_something_else_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "key: 1", "key: 0")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" uses key 0 for "news"; key 0 is kept for reaching a person '
        '(set "human" instead)'
    ]


def test_menu_option_that_listens_for_a_human_word_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "en: [news]", "en: [news, Operator]")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" option 1 listens for "Operator", which is kept for reaching '
        "a person"
    ]


def test_menu_option_with_words_in_only_some_languages_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "{en: [news], es: [noticias]}", "{en: [news]}")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" option 1 has words in some languages but not in "es"'
    ]


def test_menu_keys_used_twice_are_rejected(problems_in: Check, minimal_flow_text: str) -> None:
    flow = changed(
        minimal_flow_text,
        "        next: news\n",
        "        next: news\n      - key: 1\n        next: bye\n",
    )

    assert problems_in(flow) == ['flow.yaml: step "menu" uses key 1 for more than one option']


@pytest.mark.parametrize("retries", [0, 6, -1])
def test_max_retries_outside_one_to_five_is_rejected(
    problems_in: Check, minimal_flow_text: str, retries: int
) -> None:
    flow = f"max_retries: {retries}\n" + minimal_flow_text

    assert problems_in(flow) == [
        f"flow.yaml: has max_retries {retries}; use 1 to 5: how many times a menu is repeated "
        "before the caller is passed on"
    ]


def test_max_retries_that_is_not_a_number_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = "max_retries: twice\n" + minimal_flow_text

    assert problems_in(flow) == [
        'flow.yaml: has "max_retries" "twice"; it should be a whole number'
    ]


def test_menu_whose_callers_who_never_answer_are_hung_up_on_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: desk\n    after_retries: bye")

    assert problems_in(flow) == [
        'flow.yaml: step "menu" sends callers who never give a valid answer to "bye", which '
        'leads to hangup step "bye", not to a person (queue or transfer) or voicemail'
    ]


def test_menu_may_send_callers_who_never_answer_to_voicemail(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: desk\n    after_retries: voicemail")

    assert problems_in(flow) == []


HOURS_STEP = """\
  menu_hours:
    type: hours
    timezone: {timezone}
    weekly:
      monday: "{monday}"
      {day}: closed
    holidays: [{holiday}]
    open: menu
    closed: voicemail
"""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"timezone": "America/Nowhere"},
            'has timezone "America/Nowhere" is not a known timezone (use a name such as '
            '"America/New_York")',
        ),
        (
            {"monday": "18:00-08:00"},
            'has monday "18:00-08:00" ends before it starts; split an overnight range across '
            'two days, e.g. "18:00-24:00" and "00:00-08:00" on the next day',
        ),
        (
            {"monday": "8am-5pm"},
            'has monday "8am-5pm" is not a time range such as "08:00-20:00"',
        ),
        (
            {"monday": "08:00-25:00"},
            'has monday "08:00-25:00" ends at a time that does not exist',
        ),
        (
            {"day": "funday"},
            'has "funday" is not a day of the week (use monday ... sunday)',
        ),
        (
            {"holiday": "2025-13-01"},
            'has holiday "2025-13-01" is not a date such as 2025-12-25',
        ),
        (
            {"holiday": "Christmas"},
            'has holiday "Christmas" is not a date such as 2025-12-25',
        ),
    ],
)
def test_bad_business_hours_are_rejected(
    problems_in: Check, minimal_flow_text: str, change: dict[str, str], problem: str
) -> None:
    fields = {"timezone": "Europe/Madrid", "monday": "09:00-17:00", "day": "sunday"}
    fields["holiday"] = "2025-12-25"
    fields.update(change)
    flow = changed(minimal_flow_text, "start: menu", "start: menu_hours")
    flow += HOURS_STEP.format(**fields)

    assert problems_in(flow) == [f'flow.yaml: step "menu_hours" {problem}']


def test_fallback_that_is_not_a_human_step_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "fallback: desk", "fallback: voicemail")

    assert problems_in(flow) == [
        'flow.yaml: has fallback "voicemail", a voicemail step; the fallback must be a queue '
        "or transfer step, where a person answers"
    ]


TRANSFER_STEP = """\
  sales:
    type: transfer
    to: "{number}"
    on_failure: {on_failure}
"""


def test_transfer_whose_failure_hangs_up_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: sales")
    flow += TRANSFER_STEP.format(number="+18005550199", on_failure="bye")

    assert problems_in(flow) == [
        'flow.yaml: step "sales" sends the caller, if nobody answers, to "bye", which leads to '
        'hangup step "bye", not to a person (queue or transfer) or voicemail'
    ]


def test_transfer_whose_failure_comes_back_to_itself_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: sales")
    flow += TRANSFER_STEP.format(number="+18005550199", on_failure="sales")

    assert problems_in(flow) == [
        'flow.yaml: step "sales" on failure goes back to "sales" itself; the caller would go '
        "round for ever"
    ]


def test_transfer_without_on_failure_in_a_flow_without_voicemail_is_rejected(
    problems_in: Check,
) -> None:
    flow = """\
        languages: [en]
        start: hello
        fallback: sales
        steps:
          hello:
            type: say
            prompt: Hello.
            next: sales
          sales:
            type: transfer
            to: "+18005550199"
        """

    assert problems_in(flow) == [
        'flow.yaml: step "sales" needs "on_failure": where the caller goes if nobody answers '
        "(a person or voicemail), or the flow a voicemail step"
    ]


@pytest.mark.parametrize("number", ["555-0100", "+1555", "18005550199", "+15555550100"])
def test_transfer_to_a_number_that_is_not_e164_is_rejected(
    problems_in: Check, minimal_flow_text: str, number: str
) -> None:
    flow = changed(minimal_flow_text, "human: desk", "human: sales")
    flow += TRANSFER_STEP.format(number=number, on_failure="desk")

    assert problems_in(flow) == [
        f'flow.yaml: step "sales" transfers to "{number}", which is not a phone number in '
        "E.164 form such as +18005550199"
    ]


def test_queue_that_hands_the_caller_back_to_itself_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "on_leave: voicemail", "on_leave: desk")

    assert problems_in(flow) == [
        'flow.yaml: step "desk" on leave goes back to "desk" itself; the caller would go '
        "round for ever"
    ]


def test_language_without_defaults_must_spell_out_speech_human_words_and_messages(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "languages: [en, es]", "languages: [en, es, fr]")
    flow = flow.replace('es: "', 'fr: "Bonjour.", es: "')

    assert problems_in(flow) == [
        'flow.yaml: has language "fr" without "speech", its Twilio code (e.g. fr-FR)',
        'flow.yaml: has language "fr" without "human_words", the words that reach a person '
        "from any menu",
        'flow.yaml: has language "fr" without messages: no_input, not_an_option, apology',
        'flow.yaml: step "menu" option 1 has words in some languages but not in "fr"',
    ]


def test_default_language_the_flow_does_not_speak_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "default_language: en", "default_language: fr")

    assert problems_in(flow) == [
        'flow.yaml: has default_language "fr", which is not one of its languages (en, es)'
    ]


def test_language_step_that_offers_no_way_to_choose_a_flow_language_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "start: menu", "start: choose")
    flow += (
        "  choose:\n"
        "    type: language\n"
        '    prompt: {en: "For English press 1.", es: "Para español oprima 2."}\n'
        "    options:\n"
        "      - {key: 1, language: en, words: [English]}\n"
        "      - {key: 2, language: fr, words: [French]}\n"
        "    next: menu\n"
    )

    assert problems_in(flow) == [
        'flow.yaml: step "choose" option 2 chooses "fr", which is not one of the flow\'s '
        "languages (en, es)",
        'flow.yaml: step "choose" offers no way to choose "es"',
    ]


def test_steps_that_loop_without_waiting_for_the_caller_are_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, "    next: bye\n  desk", "    next: again\n  desk")
    flow += '  again:\n    type: say\n    prompt: {en: "Again.", es: "Otra vez."}\n    next: news\n'

    assert problems_in(flow) == [
        'flow.yaml: step "news" goes round in a loop without waiting for the caller: '
        '"news" -> "again" -> "news"'
    ]


def test_queue_whose_carrier_name_is_too_long_is_rejected(problems_in) -> None:
    from tests.unit.flows.conftest import MINIMAL_FLOW as MINIMAL

    text = MINIMAL.replace("queue: support\n", f"queue: {'q' * 60}\n    skills: [billing]\n", 1)
    assert any("longer than 64" in problem for problem in problems_in(text))


# -- recording, reason and case steps ------------------------------------------------------

CONSENT = 'recording:\n  consent: {en: "Calls are recorded.", es: "Se graban las llamadas."}\n'

REASON_STEP = """\
  why:
    type: reason
    prompt: {en: "Why are you calling?", es: "¿Por qué llama?"}
    input: record
    next: menu
"""

CASE_STEP = """\
  returning:
    type: case
    prompt: {en: "About {reason}? Say yes or no.", es: "¿Por {reason}? Diga sí o no."}
    yes: desk
    no: menu
    human: desk
"""


def starting_at(flow: str, step: str) -> str:
    return changed(flow, "start: menu", f"start: {step}")


def test_a_flow_that_records_calls_and_says_so_passes(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = CONSENT.replace("recording:\n", "recording:\n  calls: true\n") + minimal_flow_text

    assert problems_in(flow) == []


def test_a_flow_that_records_calls_without_a_consent_notice_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = "recording: {calls: true}\n" + minimal_flow_text

    assert problems_in(flow) == [
        'flow.yaml: records calls or reasons but has no recording "consent": the notice '
        "callers hear before anything is recorded"
    ]


def test_a_flow_that_records_reasons_without_a_consent_notice_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = starting_at(minimal_flow_text, "why") + REASON_STEP

    assert problems_in(flow) == [
        'flow.yaml: records calls or reasons but has no recording "consent": the notice '
        "callers hear before anything is recorded"
    ]
    assert problems_in(CONSENT + flow) == []


def test_a_spoken_reason_records_nothing_and_needs_no_consent_notice(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = starting_at(minimal_flow_text, "why") + REASON_STEP.replace("record", "speech")

    assert problems_in(flow) == []


def test_a_consent_notice_missing_a_flow_language_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = 'recording:\n  calls: true\n  consent: {en: "Calls are recorded."}\n'
    flow += minimal_flow_text

    assert problems_in(flow) == ['flow.yaml: has no recording "consent" in "es"']


def test_a_consent_notice_with_a_placeholder_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = CONSENT.replace("Calls are recorded.", "{name}, calls are recorded.")
    flow += minimal_flow_text

    assert problems_in(flow) == [
        'flow.yaml: has a placeholder in its recording "consent"; it takes none'
    ]


def test_a_case_step_that_says_the_reason_passes(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = starting_at(minimal_flow_text, "returning") + CASE_STEP

    assert problems_in(flow) == []


def test_a_case_step_in_a_language_without_yes_and_no_words_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    french = (
        "languages:\n"
        "  en: {}\n"
        "  es: {}\n"
        "  fr:\n"
        "    speech: fr-FR\n"
        "    human_words: [agent]\n"
        "    messages: {no_input: Pardon., not_an_option: Non., apology: Désolé.,\n"
        "               unknown_reason: votre dernier appel}\n"
    )
    flow = changed(minimal_flow_text, "languages: [en, es]\n", french)
    flow = starting_at(flow, "returning") + CASE_STEP
    flow = flow.replace('es: "', 'fr: "Bonjour.", es: "').replace(
        "{en: [news], es: [noticias]}", "{en: [news], es: [noticias], fr: [nouvelles]}"
    )

    assert problems_in(flow) == [
        'flow.yaml: step "returning" asks a yes-or-no question, but language "fr" has no '
        '"yes_words" and "no_words"'
    ]
    with_words = changed(flow, "speech: fr-FR\n", "speech: fr-FR\n    yes_words: [oui]\n")
    with_words = changed(with_words, "speech: fr-FR\n", "speech: fr-FR\n    no_words: [non]\n")
    assert problems_in(with_words) == []
    without_unknown_reason = changed(
        with_words, ",\n               unknown_reason: votre dernier appel}", "}"
    )
    assert problems_in(without_unknown_reason) == [
        'flow.yaml: step "returning" needs "unknown_reason" in "fr": what it says for {reason} '
        "when the reason is not known"
    ]


def test_reason_placeholder_outside_a_case_step_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = changed(minimal_flow_text, '{en: "No news.",', '{en: "No news about {reason}.",')

    assert problems_in(flow) == [
        'flow.yaml: step "news" has "{reason}" in its "prompt" in "en"; {reason} is said only '
        "by a case step's prompt"
    ]


def test_reason_placeholder_in_a_case_steps_unknown_reason_is_rejected(
    problems_in: Check, minimal_flow_text: str
) -> None:
    """``unknown_reason`` is what {reason} becomes: it cannot say {reason} itself."""
    flow = starting_at(minimal_flow_text, "returning") + CASE_STEP.replace(
        "    yes: desk\n",
        '    unknown_reason: {en: "your {reason}", es: "su asunto"}\n    yes: desk\n',
    )

    assert problems_in(flow) == [
        'flow.yaml: step "returning" has "{reason}" in its "unknown_reason" in "en"; {reason} '
        "is said only by a case step's prompt"
    ]
