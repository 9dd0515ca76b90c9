"""Does a call flow make sense as a call? The rules a flow must pass before a caller meets it.

The promises the rules keep:

- every step a step points at exists, and every step can be reached;
- every prompt is there in every language the flow speaks;
- from every menu a person is one key (``0``) or one word ("agent", "agente"...) away;
- a caller who cannot answer a menu ends with a person or voicemail, never with a hang-up;
- a failed transfer or a queue that hands the caller back ends with a person or voicemail;
- the fallback, used when anything goes wrong, is a step where a person answers;
- no chain of steps goes round for ever without waiting for the caller.

Shape problems (types, hours, timezones, YAML syntax) are found earlier, by ``parse``; this
module only sees flows that parsed. ``check_directory`` runs both, for ``ivr callflows check``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from os import PathLike
from pathlib import Path

import phonenumbers

from ivr.core.flows import defaults
from ivr.core.flows.matching import words_of
from ivr.core.flows.model import (
    HUMAN_STEPS,
    CaseStep,
    Flow,
    LanguageStep,
    MenuStep,
    Prompt,
    QueueStep,
    ReasonStep,
    Step,
    TransferStep,
    VoicemailStep,
)
from ivr.core.flows.parse import parse_flow
from ivr.core.flows.paths import cycle_from, endings, passes_through, reachable
from ivr.core.flows.problems import Problem
from ivr.core.flows.yamlfile import read_yaml
from ivr.core.routing import carrier_queue_name

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PERSON_OR_VOICEMAIL: tuple[type[Step], ...] = (*HUMAN_STEPS, VoicemailStep)


def check_flow(flow: Flow) -> list[Problem]:
    """Every rule broken by ``flow``, in file order as far as possible; empty when it is fine."""
    checker = _Checker(flow)
    checker.flow_settings()
    checker.references()
    for step in flow.steps.values():
        checker.prompts(step)
        if isinstance(step, MenuStep):
            checker.menu(step)
        elif isinstance(step, LanguageStep):
            checker.language_step(step)
        elif isinstance(step, TransferStep):
            checker.transfer(step)
        elif isinstance(step, QueueStep):
            checker.queue(step)
        elif isinstance(step, CaseStep):
            checker.case_step(step)
    checker.reachability()
    checker.loops()
    return checker.problems


def check_directory(path: str | PathLike[str]) -> list[Problem]:
    """Every problem in every call-flow file (``*.yaml``, ``*.yml``) in ``path``."""
    return examine_directory(Path(path))[1]


def examine_file(path: Path) -> tuple[Flow | None, list[Problem]]:
    """Read, parse and check one file: the flow if it has no problems, and its problems."""
    data, problems = read_yaml(path)
    if problems:
        return None, problems
    flow, problems = parse_flow(data, file=path.name, default_name=path.stem)
    if flow is None:
        return None, problems
    problems = check_flow(flow)
    return (None if problems else flow), problems


def examine_directory(directory: Path) -> tuple[dict[str, Flow], list[Problem]]:
    """The good flows by name, and the problems of all files, including duplicate names."""
    if not directory.is_dir():
        return {}, [Problem(str(directory), None, "is not a directory of call flows")]
    files = sorted(
        path for path in directory.iterdir() if path.is_file() and path.suffix in (".yaml", ".yml")
    )
    if not files:
        return {}, [Problem(str(directory), None, "has no call flows (*.yaml files)")]
    flows: dict[str, Flow] = {}
    problems: list[Problem] = []
    for path in files:
        flow, found = examine_file(path)
        problems.extend(found)
        if flow is None:
            continue
        if flow.name in flows:
            problems.append(
                Problem(
                    path.name,
                    None,
                    f'is named "{flow.name}", like {flows[flow.name].source}; '
                    "flow names must be unique",
                )
            )
            continue
        flows[flow.name] = flow
    return flows, problems


class _Checker:
    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.problems: list[Problem] = []

    def problem(self, step: str | None, message: str) -> None:
        self.problems.append(Problem(self.flow.source, step, message))

    # -- the flow's own settings -----------------------------------------------------------

    def flow_settings(self) -> None:
        flow = self.flow
        listed = ", ".join(flow.languages)
        if flow.default_language not in flow.languages:
            self.problem(
                None,
                f'has default_language "{flow.default_language}", which is not one of its '
                f"languages ({listed})",
            )
        allowed = defaults.MAX_RETRIES_RANGE
        if flow.max_retries not in allowed:
            self.problem(
                None,
                f"has max_retries {flow.max_retries}; use {allowed.start} to {allowed.stop - 1}: "
                "how many times a menu is repeated before the caller is passed on",
            )
        for code, language in flow.languages.items():
            where = f'language "{code}"'
            if not language.speech:
                self.problem(None, f'has {where} without "speech", its Twilio code (e.g. fr-FR)')
            if not language.human_words:
                self.problem(
                    None,
                    f'has {where} without "human_words", the words that reach a person '
                    "from any menu",
                )
            missing = [
                key
                for key in ("no_input", "not_an_option", "apology")
                if not getattr(language, key)
            ]
            if missing:
                self.problem(None, f"has {where} without messages: {', '.join(missing)}")
        self.recording_notice()

    def recording_notice(self) -> None:
        """A flow that records conversations or reasons tells every caller first, in their
        language: the notice is what makes the recording lawful in many places."""
        flow = self.flow
        records = flow.recording.calls or any(
            isinstance(step, ReasonStep) and step.input == "record" for step in flow.steps.values()
        )
        consent = flow.recording.consent
        if records and consent is None:
            self.problem(
                None,
                'records calls or reasons but has no recording "consent": the notice callers '
                "hear before anything is recorded",
            )
        if consent is None:
            return
        for language in flow.languages:
            if language not in consent.languages():
                self.problem(None, f'has no recording "consent" in "{language}"')
        if any("{" in text for text in consent.text.values()):
            self.problem(None, 'has a placeholder in its recording "consent"; it takes none')

    # -- references and reachability -------------------------------------------------------

    def references(self) -> None:
        flow = self.flow
        for setting in ("start", "fallback", "voicemail"):
            target = getattr(flow, setting)
            if target is not None and target not in flow.steps:
                self.problem(None, f'has {setting} "{target}", which is not a step')
        fallback = flow.steps.get(flow.fallback)
        if fallback is not None and not isinstance(fallback, HUMAN_STEPS):
            self.problem(
                None,
                f'has fallback "{flow.fallback}", a {fallback.kind} step; the fallback must be '
                "a queue or transfer step, where a person answers",
            )
        voicemail = flow.steps.get(flow.voicemail or "")
        if voicemail is not None and not isinstance(voicemail, VoicemailStep):
            self.problem(
                None, f'has voicemail "{flow.voicemail}", a {voicemail.kind} step, not voicemail'
            )
        for step in flow.steps.values():
            for how, target in step.targets():
                if target not in flow.steps:
                    how = f"{how} " if how else ""
                    self.problem(step.name, f'{how}goes to "{target}", which does not exist')

    def reachability(self) -> None:
        flow = self.flow
        references = [target for step in flow.steps.values() for _, target in step.targets()]
        if any(target not in flow.steps for target in references):
            # A misspelt name cuts off everything behind it; reporting each of those steps as
            # unreachable would bury the one line that matters.
            return
        entries = [name for name in (flow.start, flow.fallback, flow.voicemail) if name]
        reached = reachable(flow, entries)
        for name in flow.steps:
            if name not in reached:
                self.problem(
                    name,
                    f'cannot be reached from start "{flow.start}", the fallback or the '
                    "voicemail step; remove it or send a step to it",
                )

    def loops(self) -> None:
        """Chains of steps that never wait for the caller must end, or the call spins."""
        reported: set[frozenset[str]] = set()
        for name in self.flow.steps:
            cycle = cycle_from(self.flow, name)
            if cycle and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                path = " -> ".join(f'"{step}"' for step in [*cycle, cycle[0]])
                self.problem(
                    cycle[0], f"goes round in a loop without waiting for the caller: {path}"
                )

    # -- prompts -----------------------------------------------------------------------------

    def prompts(self, step: Step) -> None:
        for field, prompt in _prompts_of(step):
            label = "play" if prompt.audio_url else field
            for language in self.flow.languages:
                if language not in prompt.languages():
                    self.problem(step.name, f'has no "{label}" in "{language}"')
            for language in sorted(prompt.languages() - set(self.flow.languages)):
                self.problem(
                    step.name,
                    f'has "{label}" in "{language}", which is not one of the flow\'s languages',
                )
            for language, text in prompt.text.items():
                for placeholder in _PLACEHOLDER.findall(text):
                    if placeholder == "reason":
                        # Only a case step's question is filled in with the case's reason
                        # (its unknown_reason is what {reason} becomes, not a question).
                        if not (isinstance(step, CaseStep) and field == "prompt"):
                            self.problem(
                                step.name,
                                f'has "{{reason}}" in its "{field}" in "{language}"; '
                                "{reason} is said only by a case step's prompt",
                            )
                    elif placeholder != "name":
                        self.problem(
                            step.name,
                            f'has "{{{placeholder}}}" in its "{field}" in "{language}"; '
                            "the only placeholder is {name}",
                        )
                    elif field != "known_prompt":
                        self.problem(
                            step.name,
                            f'says {{name}} in its "{field}" in "{language}", but callers we do '
                            "not know have no name; put it in known_prompt",
                        )

    # -- menus -------------------------------------------------------------------------------

    def menu(self, step: MenuStep) -> None:
        flow = self.flow
        self._keys(step, [option.key for option in step.options])
        if step.human is None:
            self.problem(
                step.name,
                'has no way to a person: add "human: <a queue or transfer step>", where key 0 '
                "and the words for a person go",
            )
        else:
            self._leads_to_person(step, step.human, "sends key 0 and the words for a person")
        if step.after_retries is not None and step.after_retries != step.human:
            self._leads_to_person(
                step,
                step.after_retries,
                "sends callers who never give a valid answer",
                voicemail_will_do=True,
            )
        human_words = {
            words_of(word): word
            for language in flow.languages.values()
            for word in language.human_words
        }
        for option in step.options:
            if option.key == "0":
                self.problem(
                    step.name,
                    f'uses key 0 for "{option.next}"; key 0 is kept for reaching a person '
                    '(set "human" instead)',
                )
            for language, phrases in option.words.items():
                if language not in flow.languages:
                    self.problem(
                        step.name,
                        f'option {option.key} has words in "{language}", which is not one of '
                        "the flow's languages",
                    )
                for phrase in phrases:
                    if words_of(phrase) in human_words:
                        self.problem(
                            step.name,
                            f'option {option.key} listens for "{phrase}", which is kept for '
                            "reaching a person",
                        )
            if option.words:
                for language in flow.languages:
                    if not option.words.get(language):
                        self.problem(
                            step.name,
                            f"option {option.key} has words in some languages but not in "
                            f'"{language}"',
                        )

    def language_step(self, step: LanguageStep) -> None:
        self._keys(step, [option.key for option in step.options])
        chosen = {option.language for option in step.options}
        for option in step.options:
            if option.language not in self.flow.languages:
                self.problem(
                    step.name,
                    f'option {option.key} chooses "{option.language}", which is not one of '
                    f"the flow's languages ({', '.join(self.flow.languages)})",
                )
        for language in self.flow.languages:
            if language not in chosen:
                self.problem(step.name, f'offers no way to choose "{language}"')

    def _keys(self, step: MenuStep | LanguageStep, keys: list[str]) -> None:
        for key in sorted({key for key in keys if keys.count(key) > 1}):
            self.problem(step.name, f"uses key {key} for more than one option")
        digits = step.gather.num_digits
        for key in keys:
            if digits is not None and len(key) > digits:
                self.problem(step.name, f"has key {key}, but listens for only {digits} digit(s)")

    # -- hand-offs -----------------------------------------------------------------------------

    def case_step(self, step: CaseStep) -> None:
        for code, language in self.flow.languages.items():
            if not (language.yes_words and language.no_words):
                self.problem(
                    step.name,
                    f'asks a yes-or-no question, but language "{code}" has no "yes_words" and '
                    '"no_words"',
                )
            if step.unknown_reason is None and not language.unknown_reason:
                self.problem(
                    step.name,
                    f'needs "unknown_reason" in "{code}": what it says for {{reason}} when the '
                    "reason is not known",
                )

    def transfer(self, step: TransferStep) -> None:
        if not _is_e164(step.number):
            self.problem(
                step.name,
                f'transfers to "{step.number}", which is not a phone number in E.164 form '
                "such as +18005550199",
            )
        self._hands_back(step, step.on_failure, "on_failure", "if nobody answers")

    def queue(self, step: QueueStep) -> None:
        self._hands_back(step, step.on_leave, "on_leave", "if the queue hands them back")
        try:
            carrier_queue_name(step.queue, step.skills)
        except ValueError as error:
            self.problem(
                step.name, f"the queue and its skills make a name the carrier refuses: {error}"
            )

    def _hands_back(self, step: Step, target: str | None, field: str, when: str) -> None:
        if target is None:
            self.problem(
                step.name,
                f'needs "{field}": where the caller goes {when} (a person or voicemail), or '
                "the flow a voicemail step",
            )
            return
        if passes_through(self.flow, target, step.name):
            self.problem(
                step.name,
                f'{field.replace("_", " ")} goes back to "{step.name}" itself; the caller '
                "would go round for ever",
            )
            return
        self._leads_to_person(step, target, f"sends the caller, {when},", voicemail_will_do=True)

    def _leads_to_person(
        self, step: Step, target: str, what: str, *, voicemail_will_do: bool = False
    ) -> None:
        """A path leads to a person if, without asking the caller anything, it always ends in
        a queue or transfer step; voicemail is accepted where it says so, and on the closed
        branch of an hours step (nobody is there to answer)."""
        if target not in self.flow.steps:
            return  # reported by references()
        ends = [(self.flow.steps[name], closed) for name, closed in endings(self.flow, target)]
        wrong = sorted(
            {
                f'{ending.kind} step "{ending.name}"'
                for ending, closed in ends
                if not isinstance(ending, HUMAN_STEPS)
                and not (isinstance(ending, VoicemailStep) and (voicemail_will_do or closed))
            }
        )
        if wrong:
            wanted = "a person (queue or transfer)" + (" or voicemail" if voicemail_will_do else "")
            self.problem(
                step.name,
                f'{what} to "{target}", which leads to {" or ".join(wrong)}, not to {wanted}',
            )


def _prompts_of(step: Step) -> Iterator[tuple[str, Prompt]]:
    for field in dataclasses.fields(step):
        value = getattr(step, field.name)
        if isinstance(value, Prompt):
            yield field.name, value


def _is_e164(number: str) -> bool:
    if not re.fullmatch(r"\+[1-9]\d{6,14}", number):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False
