"""Reading call-flow files: every mistake comes back as a problem naming the file, never as a
traceback, and a flow with any problem is refused whole."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ivr.core.errors import FlowError
from ivr.core.flows import interpreter
from ivr.core.flows.context import CallContext, CallerInput
from ivr.core.flows.instructions import Play
from ivr.core.flows.loader import load_flow, load_flows
from ivr.core.flows.model import CaseStep, MenuStep, QueueStep, ReasonStep, TransferStep
from ivr.core.flows.parse import parse_flow
from ivr.core.flows.validate import check_directory, check_flow
from ivr.core.flows.yamlfile import parse_yaml
from tests.unit.flows.conftest import MINIMAL_FLOW

Check = Callable[[str], list[str]]
Write = Callable[..., Path]

DEMO_TEXT = (Path(__file__).resolve().parents[3] / "callflows" / "demo.yaml").read_text()


def test_load_flows_keys_each_flow_by_its_name(write_flow: Write, minimal_flow_text: str) -> None:
    write_flow(minimal_flow_text, "main-line.yaml")
    path = write_flow("name: spare\n" + minimal_flow_text, "other.yml")

    flows = load_flows(path.parent)

    assert sorted(flows) == ["main-line", "spare"]
    assert flows["main-line"].source == "main-line.yaml"


def test_the_demo_directory_loads(demo_flow) -> None:
    flows = load_flows(Path(__file__).resolve().parents[3] / "callflows")

    assert flows["demo"] == demo_flow


def test_load_flow_refuses_a_flow_with_problems_listing_them_all(
    write_flow: Write, minimal_flow_text: str
) -> None:
    text = minimal_flow_text.replace("next: news", "next: newz").replace("human: desk", "")
    path = write_flow(text)

    with pytest.raises(FlowError) as raised:
        load_flow(path)

    assert [str(p) for p in raised.value.problems] == [
        'flow.yaml: step "menu" on key 1 goes to "newz", which does not exist',
        'flow.yaml: step "menu" has no way to a person: add "human: <a queue or transfer '
        'step>", where key 0 and the words for a person go',
    ]
    assert 'flow.yaml: step "menu" on key 1' in str(raised.value)


def test_load_flows_refuses_two_flows_with_the_same_name(
    write_flow: Write, minimal_flow_text: str
) -> None:
    write_flow(minimal_flow_text, "a.yaml")
    path = write_flow("name: a\n" + minimal_flow_text, "b.yaml")

    with pytest.raises(FlowError) as raised:
        load_flows(path.parent)

    assert [str(p) for p in raised.value.problems] == [
        'b.yaml: is named "a", like a.yaml; flow names must be unique'
    ]


def test_check_directory_reports_the_problems_of_every_file(write_flow: Write) -> None:
    write_flow("languages: [en\n", "broken.yaml")
    path = write_flow("just text\n", "words.yaml")

    assert [str(p) for p in check_directory(path.parent)] == [
        "broken.yaml: line 2, column 1: did not find expected ',' or ']' "
        "(while parsing a flow sequence)",
        'words.yaml: should be a call flow (languages, start, steps...), not "just text"',
    ]


def test_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    assert [str(p) for p in check_directory(missing)] == [
        f"{missing}: is not a directory of call flows"
    ]


def test_directory_without_flows_is_a_problem(tmp_path: Path) -> None:
    assert [p.message for p in check_directory(tmp_path)] == ["has no call flows (*.yaml files)"]


def test_yaml_syntax_error_is_reported_with_file_and_line(problems_in: Check) -> None:
    flow = "languages: [en]\nsteps:\n  greeting:\n    type: say\n   prompt: Hello\n"

    assert problems_in(flow) == [
        "flow.yaml: line 5, column 4: did not find expected key (while parsing a block mapping)"
    ]


def test_unquoted_star_key_gets_a_hint(problems_in: Check, minimal_flow_text: str) -> None:
    problems = problems_in(minimal_flow_text.replace("key: 1", "key: *"))

    assert len(problems) == 1
    assert problems[0].endswith('put keys such as "*" and "#" in quotes')


def test_step_written_twice_is_reported_not_silently_replaced(
    problems_in: Check, minimal_flow_text: str
) -> None:
    flow = minimal_flow_text + "  news:\n    type: hangup\n"

    assert problems_in(flow) == [
        'flow.yaml: line 29, column 3: "news" appears twice in the same section'
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "queue: support",
            "queue: support\n    timeout: 10",
            'step "desk" has unknown field "timeout" (known fields: on_leave, prompt, queue, '
            "skills, type)",
        ),
        (
            "    human: desk",
            "    human: desk\n    gather: {timeout: five}",
            'step "menu" has "timeout" "five"; it should be a whole number',
        ),
        (
            "    human: desk",
            "    human: desk\n    gather: {timeout: 600}",
            'step "menu" has "timeout" 600; it should be between 1 and 60',
        ),
        (
            "type: hangup",
            "type: hangup\n    prompt: [Bye]",
            'step "bye" has "prompt" a list; write it per language: en: "..."',
        ),
        (
            "next: bye\n  desk",
            "next: [bye]\n  desk",
            'step "news" has "next" a list; it should be text',
        ),
        ("key: 1", "key: one", 'step "menu" option 1 has key "one"; use digits, "*" or "#"'),
        (
            "  bye:\n    type: hangup",
            "  bye: hangup",
            'step "bye" should be a set of fields (type, prompt...), not "hangup"',
        ),
        (
            "  bye:\n    type: hangup",
            "  bye:\n    prompt: Bye",
            'step "bye" has no type; use one '
            "of: say, language, hours, menu, transfer, voicemail, hangup, reason, case, queue",
        ),
        (
            "type: say",
            "type: say\n    play: ftp://example.com/a.mp3\n",
            'step "news" needs either "prompt" (words per language) or "play" (a URL)',
        ),
        (
            "start: menu",
            "start: menu\nvoice: alice",
            'has unknown field "voice" (known fields: '
            "default_language, description, fallback, languages, max_retries, name, recording, "
            "start, steps, "
            "voicemail)",
        ),
        (
            "  news:",
            "  News Flash:",
            'step "News Flash" has a name that is not letters, digits, "_" and "-"',
        ),
    ],
)
def test_wrong_types_and_unknown_fields_are_reported_with_file_and_step(
    problems_in: Check, minimal_flow_text: str, old: str, new: str, problem: str
) -> None:
    assert old in minimal_flow_text
    problems = problems_in(minimal_flow_text.replace(old, new, 1))

    assert f"flow.yaml: {problem}" in problems


def test_phone_number_without_quotes_is_reported(problems_in: Check) -> None:
    flow = """\
        languages: [en]
        start: sales
        fallback: sales
        steps:
          sales:
            type: transfer
            to: +18005550199
            on_failure: sales
        """

    assert problems_in(flow) == [
        'flow.yaml: step "sales" has "to" 18005550199 without quotes; write it as "+18005550199"'
    ]


def test_yaml_surprises_do_not_apply(write_flow: Write) -> None:
    """``no`` stays Norwegian, ``10:00-13:00`` stays a time, a date stays text to check."""
    path = write_flow(
        """\
        languages:
          en: {}
          no: {speech: nb-NO, human_words: [menneske], messages: {no_input: Beklager.,
               not_an_option: Ugyldig., apology: "Beklager, noe gikk galt."}}
        start: hours
        fallback: desk
        steps:
          hours:
            type: hours
            timezone: Europe/Oslo
            weekly: {mon: 10:00-13:00}
            holidays: [2025-12-25]
            open: desk
            closed: desk
          desk:
            type: queue
            queue: support
            on_leave: desk2
          desk2:
            type: queue
            prompt: {en: Hold on., no: Vent litt.}
            queue: overflow
            on_leave: desk
        """
    )

    flow = load_flow(path)

    assert list(flow.languages) == ["en", "no"]
    assert str(flow.steps["hours"].hours.weekly[0][0]) == "10:00-13:00"


def test_defaults_for_english_and_spanish_fill_in_what_a_flow_leaves_out(demo_flow) -> None:
    english, spanish = demo_flow.languages["en"], demo_flow.languages["es"]

    assert english.human_words == ("agent", "representative", "operator", "person", "human")
    assert spanish.human_words == ("agente", "representante", "operador", "persona")
    assert (english.speech, spanish.speech) == ("en-US", "es-MX")
    assert "yes" in english.yes_words and "no" in english.no_words
    assert "sí" in spanish.yes_words and "no" in spanish.no_words
    assert english.unknown_reason == "the matter of your last call"
    assert spanish.unknown_reason == "el asunto de su última llamada"
    assert demo_flow.max_retries == 2


def test_korean_defaults_fill_in_what_the_demo_leaves_out(demo_flow) -> None:
    korean = demo_flow.languages["ko"]

    assert (korean.speech, korean.voice) == ("ko-KR", "Polly.Seoyeon")
    assert {"상담원", "상담사", "사람", "직원"} <= set(korean.human_words)
    assert {"네", "예", "맞아요", "맞습니다"} <= set(korean.yes_words)
    assert {"아니요", "아니오", "아니", "다른"} <= set(korean.no_words)
    assert korean.no_input == "죄송합니다. 잘 듣지 못했습니다."
    assert korean.unknown_reason == "지난번 통화하신 용건"
    assert list(demo_flow.languages) == ["en", "es", "ko"], "the order the language menu says"


def test_the_demo_flow_has_the_expected_shape(demo_flow) -> None:
    menus = [s for s in demo_flow.steps.values() if isinstance(s, MenuStep)]
    assert {m.name for m in menus} == {"main_menu", "billing_menu", "tech_menu", "closed_menu"}
    assert all(m.human is not None for m in menus)
    queues = {s.queue for s in demo_flow.steps.values() if isinstance(s, QueueStep)}
    assert queues == {"support"}
    assert isinstance(demo_flow.steps["sales"], TransferStep)
    assert demo_flow.business_hours().name == "office_hours"
    assert demo_flow.steps["office_hours"].open == "returning"
    returning = demo_flow.steps["returning"]
    assert isinstance(returning, CaseStep)
    assert (returning.yes, returning.no, returning.human) == (
        "support_queue",
        "reason",
        "support_queue",
    )
    reason = demo_flow.steps["reason"]
    assert isinstance(reason, ReasonStep)
    assert (reason.input, reason.max_length_seconds, reason.next) == ("record", 15, "main_menu")
    assert demo_flow.recording.calls is True
    assert demo_flow.recording.consent.languages() == {"en", "es", "ko"}


def test_say_step_can_play_a_recording(write_flow: Write, minimal_flow_text: str) -> None:
    text = minimal_flow_text.replace(
        'prompt: {en: "No news.", es: "Sin noticias."}', "play: https://example.com/news.mp3"
    )
    flow = load_flow(write_flow(text))
    ctx = CallContext(call_sid="CA1", now=datetime(2026, 1, 1, tzinfo=UTC))
    menu = interpreter.start(flow, ctx)

    turn = interpreter.resume(flow, menu.instructions[0].resume, ctx, CallerInput(digits="1"))

    assert turn.instructions[0] == Play(url="https://example.com/news.mp3")


def _every_place(node: object, path: tuple = ()) -> list[tuple]:
    places = [path] if path else []
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        places.extend(_every_place(child, (*path, key)))
    return places


def test_no_misshapen_value_anywhere_in_a_flow_makes_the_checker_raise() -> None:
    """Each value of the demo flow, in turn, replaced by each of a few wrong shapes."""
    data, _ = parse_yaml(DEMO_TEXT, "demo.yaml")
    wrong_values: list[object] = [None, 0, True, "", "x", [], [None], {}, {"x": [1]}, 2.5]
    checked = 0
    for place in _every_place(data):
        for wrong in wrong_values:
            mutated = copy.deepcopy(data)
            node = mutated
            for key in place[:-1]:
                node = node[key]
            node[place[-1]] = wrong
            flow, problems = parse_flow(mutated, file="demo.yaml", default_name="demo")
            if flow is not None:
                problems = check_flow(flow)
            assert all(p.file == "demo.yaml" for p in problems)
            checked += 1
    assert checked > 2000


FLOW_WITH_REASON_AND_CASE = MINIMAL_FLOW.replace("start: menu", "start: returning").replace(
    "steps:\n",
    'recording:\n  consent: {en: "Calls are recorded.", es: "Se graban las llamadas."}\n'
    "steps:\n"
    "  returning:\n"
    "    type: case\n"
    '    prompt: {en: "About {reason}?", es: "¿Por {reason}?"}\n'
    "    yes: desk\n"
    "    no: why\n"
    "  why:\n"
    "    type: reason\n"
    '    prompt: {en: "Why do you call?", es: "¿Por qué llama?"}\n'
    "    max_length: 15\n"
    "    next: menu\n",
)
"""The minimal flow, with a case step and a reason step before its menu."""


def test_reason_and_case_steps_load_with_their_defaults(write_flow: Write) -> None:
    flow = load_flow(write_flow(FLOW_WITH_REASON_AND_CASE))

    why, returning = flow.steps["why"], flow.steps["returning"]
    assert isinstance(why, ReasonStep)
    assert (why.input, why.max_length_seconds, why.next) == ("record", 15, "menu")
    assert isinstance(returning, CaseStep)
    assert (returning.yes, returning.no, returning.human, returning.unknown_reason) == (
        "desk",
        "why",
        None,
        None,
    )
    assert returning.gather.timeout_seconds == 5


@pytest.mark.parametrize("seconds", [3, 60])
def test_a_reason_may_last_3_to_60_seconds(write_flow: Write, seconds: int) -> None:
    text = FLOW_WITH_REASON_AND_CASE.replace("max_length: 15", f"max_length: {seconds}")

    assert load_flow(write_flow(text)).steps["why"].max_length_seconds == seconds


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "    max_length: 15\n",
            "    input: voice\n",
            'step "why" has "input" "voice"; use record or speech',
        ),
        (
            "max_length: 15",
            "max_length: 2",
            'step "why" has "max_length" 2; it should be between 3 and 60',
        ),
        (
            "max_length: 15",
            "max_length: 61",
            'step "why" has "max_length" 61; it should be between 3 and 60',
        ),
        (
            "max_length: 15",
            "max_length: long",
            'step "why" has "max_length" "long"; it should be a whole number',
        ),
        (
            "    max_length: 15\n",
            "    timeout: 5\n",
            'step "why" has unknown field "timeout" (known fields: input, max_length, next, '
            "prompt, type)",
        ),
        (
            "    yes: desk\n",
            "    yes: desk\n    options: []\n",
            'step "returning" has unknown field "options" (known fields: gather, human, no, '
            "prompt, type, unknown_reason, yes)",
        ),
    ],
)
def test_mistakes_in_reason_and_case_steps_are_reported(
    problems_in: Check, old: str, new: str, problem: str
) -> None:
    assert old in FLOW_WITH_REASON_AND_CASE
    problems = problems_in(FLOW_WITH_REASON_AND_CASE.replace(old, new, 1))

    assert problems == [f"flow.yaml: {problem}"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("    next: menu\n  menu:", "  menu:", 'step "why" needs "next"'),
        ("    no: why\n", "", 'step "returning" needs "no"'),
    ],
)
def test_a_reason_or_case_step_without_where_it_goes_next_is_reported(
    problems_in: Check, old: str, new: str, problem: str
) -> None:
    assert old in FLOW_WITH_REASON_AND_CASE
    text = FLOW_WITH_REASON_AND_CASE.replace(old, new, 1)

    assert problems_in(text) == [f"flow.yaml: {problem}"]


def test_a_language_may_give_its_own_yes_and_no_words(write_flow: Write) -> None:
    text = FLOW_WITH_REASON_AND_CASE.replace(
        "languages: [en, es]",
        "languages:\n  en: {yes_words: [yup], no_words: [nah]}\n  es: {}",
    )

    english = load_flow(write_flow(text)).languages["en"]

    assert (english.yes_words, english.no_words) == (("yup",), ("nah",))
