"""Build a ``Flow`` from a call-flow file's data, reporting every misshapen field.

This module judges shape (types, unknown fields, time ranges, timezones, URLs); whether the
flow makes sense as a call (targets exist, a person is reachable) is ``validate``'s job. Every
problem names the step and the field, so the person editing the YAML finds it without us.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from ivr.core.flows import defaults
from ivr.core.flows.fields import FieldReader, shown
from ivr.core.flows.hours import (
    WEEKDAYS,
    OpeningHours,
    TimeRange,
    parse_holiday,
    parse_time_range,
    parse_timezone,
    parse_weekday,
)
from ivr.core.flows.model import (
    CaseStep,
    Flow,
    HangupStep,
    HoursStep,
    Language,
    LanguageOption,
    LanguageStep,
    MenuOption,
    MenuStep,
    QueueStep,
    ReasonStep,
    RecordingPolicy,
    SayStep,
    Step,
    TransferStep,
    VoicemailStep,
)
from ivr.core.flows.problems import Problem

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
"""Flow and step names: they travel in webhook URLs and logs, so no spaces or punctuation."""
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")

_FLOW_FIELDS = frozenset(
    {"name", "description", "languages", "default_language", "max_retries"}
    | {"start", "fallback", "voicemail", "recording", "steps"}
)
_RECORDING_FIELDS = frozenset({"calls", "consent"})
_LANGUAGE_FIELDS = frozenset(
    {"voice", "speech", "human_words", "yes_words", "no_words", "messages"}
)
_MESSAGE_FIELDS = ("no_input", "not_an_option", "apology", "unknown_reason")


class _Reader(FieldReader):
    """Reads steps and the flow around them."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.voicemail: str | None = None
        """The flow's voicemail step: where a transfer or queue without its own way out goes."""

    # -- steps -----------------------------------------------------------------------------

    def step(self, name: str, raw: Any) -> Step | None:
        if not isinstance(raw, dict):
            self.problem(name, f"should be a set of fields (type, prompt...), not {shown(raw)}")
            return None
        kind = raw.get("type")
        known = ", ".join(_STEP_READERS)
        if kind is None:
            self.problem(name, f"has no type; use one of: {known}")
            return None
        reader = _STEP_READERS.get(str(kind))
        if reader is None:
            self.problem(name, f'has unknown type "{kind}"; use one of: {known}')
            return None
        fields, build = reader
        self.unknown_fields(raw, fields | {"type"}, name)
        return build(self, name, raw)

    def say(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        if (raw.get("prompt") is None) == (raw.get("play") is None):
            self.problem(name, 'needs either "prompt" (words per language) or "play" (a URL)')
            return None
        prompt = self.prompt(raw, "prompt", name) if "prompt" in raw else self.recording(raw, name)
        next_step = self.required_text(raw, "next", name)
        if prompt is None or next_step is None:
            return None
        return SayStep(
            name=name,
            prompt=prompt,
            known_prompt=self.prompt(raw, "known_prompt", name),
            next=next_step,
        )

    def language(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        prompt = self.required_prompt(raw, "prompt", name)
        next_step = self.required_text(raw, "next", name)
        options: list[LanguageOption] = []
        for index, item in enumerate(self.list_of(raw, "options", name), start=1):
            if not isinstance(item, dict):
                self.problem(name, f"option {index} should have key, language and words")
                continue
            self.unknown_fields(item, {"key", "language", "words"}, name, f"option {index} ")
            key = self.key(item, name, index)
            language = self.required_text(item, "language", name)
            if key is not None and language is not None:
                words = self.words(item.get("words"), name, f"option {key} words")
                options.append(LanguageOption(key=key, language=language, words=words))
        if prompt is None or next_step is None or not options:
            return None
        return LanguageStep(
            name=name,
            prompt=prompt,
            options=tuple(options),
            next=next_step,
            gather=self.gather(raw, name, [option.key for option in options]),
        )

    def hours(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        zone_name = self.required_text(raw, "timezone", name)
        zone = None
        if zone_name is not None:
            try:
                zone = parse_timezone(zone_name)
            except ValueError as error:
                self.problem(name, f"has {error}")
        weekly = self.weekly(raw.get("weekly"), name)
        holidays = self.holidays(raw.get("holidays"), name)
        when_open = self.required_text(raw, "open", name)
        when_closed = self.required_text(raw, "closed", name)
        if None in (zone, weekly, holidays, when_open, when_closed):
            return None
        return HoursStep(
            name=name,
            hours=OpeningHours(timezone=zone, weekly=weekly, holidays=holidays),
            open=when_open,
            closed=when_closed,
        )

    def weekly(self, value: Any, step: str) -> tuple[tuple[TimeRange, ...], ...] | None:
        if not isinstance(value, dict):
            self.problem(step, 'needs "weekly": opening times per day, e.g. monday: 08:00-20:00')
            return None
        days: list[tuple[TimeRange, ...]] = [() for _ in WEEKDAYS]
        listed: set[int] = set()
        well_formed = True
        for day, times in value.items():
            try:
                index = parse_weekday(str(day))
            except ValueError as error:
                self.problem(step, f"has {error}")
                well_formed = False
                continue
            if index in listed:
                self.problem(step, f"lists {WEEKDAYS[index]} twice")
                well_formed = False
            listed.add(index)
            ranges = self.time_ranges(times, step, WEEKDAYS[index])
            if ranges is None:
                well_formed = False
            else:
                days[index] = ranges
        return tuple(days) if well_formed else None

    def time_ranges(self, value: Any, step: str, day: str) -> tuple[TimeRange, ...] | None:
        """``08:00-20:00``, ``"08:00-12:00, 13:00-17:00"``, a list of those, or ``closed``."""
        if value is None or (isinstance(value, str) and value.strip().lower() == "closed"):
            return ()
        parts = value if isinstance(value, list) else str(value).split(",")
        ranges: list[TimeRange] = []
        for part in parts:
            try:
                ranges.append(parse_time_range(str(part)))
            except ValueError as error:
                self.problem(step, f"has {day} {error}")
                return None
        return tuple(sorted(ranges, key=lambda r: r.start_minute))

    def holidays(self, value: Any, step: str) -> frozenset[date] | None:
        if value is None:
            return frozenset()
        if not isinstance(value, list):
            self.problem(step, 'has "holidays" that is not a list of dates such as 2025-12-25')
            return None
        dates: set[date] = set()
        well_formed = True
        for item in value:
            try:
                dates.add(parse_holiday(str(item)))
            except ValueError as error:
                self.problem(step, f"has {error}")
                well_formed = False
        return frozenset(dates) if well_formed else None

    def menu(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        prompt = self.required_prompt(raw, "prompt", name)
        options: list[MenuOption] = []
        for index, item in enumerate(self.list_of(raw, "options", name), start=1):
            if not isinstance(item, dict):
                self.problem(name, f"option {index} should have key, words and next")
                continue
            self.unknown_fields(item, {"key", "words", "next"}, name, f"option {index} ")
            key = self.key(item, name, index)
            next_step = self.required_text(item, "next", name)
            words = self.words_per_language(item.get("words"), name, key or str(index))
            if key is not None and next_step is not None and words is not None:
                options.append(MenuOption(key=key, next=next_step, words=words))
        human = self.target(raw, "human", name)
        if prompt is None:
            return None
        return MenuStep(
            name=name,
            prompt=prompt,
            options=tuple(options),
            human=human,
            after_retries=self.target(raw, "after_retries", name) or human,
            gather=self.gather(raw, name, [option.key for option in options] + ["0"]),
        )

    def transfer(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        value = raw.get("to")
        if isinstance(value, int) and not isinstance(value, bool):
            self.problem(name, f'has "to" {value} without quotes; write it as "+{value}"')
            return None
        number = self.required_text(raw, "to", name)
        if number is None:
            return None
        return TransferStep(
            name=name,
            prompt=self.prompt(raw, "prompt", name),
            number=number,
            timeout_seconds=self.number(
                raw, "timeout", name, defaults.TRANSFER_TIMEOUT_SECONDS, range(5, 601)
            ),
            on_failure=self.target(raw, "on_failure", name) or self.voicemail,
        )

    def voicemail_step(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        prompt = self.required_prompt(raw, "prompt", name)
        next_step = self.required_text(raw, "next", name)
        if prompt is None or next_step is None:
            return None
        return VoicemailStep(
            name=name,
            prompt=prompt,
            max_length_seconds=self.number(
                raw, "max_length", name, defaults.VOICEMAIL_MAX_LENGTH_SECONDS, range(1, 3601)
            ),
            next=next_step,
        )

    def reason(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        prompt = self.required_prompt(raw, "prompt", name)
        next_step = self.required_text(raw, "next", name)
        how = self.text(raw, "input", name) or "record"
        if how not in ("record", "speech"):
            self.problem(name, f'has "input" {shown(how)}; use record or speech')
        if prompt is None or next_step is None:
            return None
        return ReasonStep(
            name=name,
            prompt=prompt,
            input=how,
            max_length_seconds=self.number(
                raw,
                "max_length",
                name,
                defaults.REASON_MAX_LENGTH_SECONDS,
                defaults.REASON_MAX_LENGTH_RANGE,
            ),
            next=next_step,
        )

    def case(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        prompt = self.required_prompt(raw, "prompt", name)
        yes = self.required_text(raw, "yes", name)
        no = self.required_text(raw, "no", name)
        if prompt is None or yes is None or no is None:
            return None
        return CaseStep(
            name=name,
            prompt=prompt,
            unknown_reason=self.prompt(raw, "unknown_reason", name),
            yes=yes,
            no=no,
            human=self.target(raw, "human", name),
            gather=self.gather(raw, name, ["1", "2"]),
        )

    def hangup(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        return HangupStep(name=name, prompt=self.prompt(raw, "prompt", name))

    def queue(self, name: str, raw: Mapping[str, Any]) -> Step | None:
        queue = self.required_text(raw, "queue", name)
        skills = self.words(raw.get("skills"), name, "skill")
        if queue is None:
            return None
        return QueueStep(
            name=name,
            prompt=self.prompt(raw, "prompt", name),
            queue=queue,
            skills=skills,
            on_leave=self.target(raw, "on_leave", name) or self.voicemail,
        )

    # -- the flow --------------------------------------------------------------------------

    def flow(self, data: Any, default_name: str) -> Flow | None:
        if not isinstance(data, dict):
            what = "empty" if data is None else f"{shown(data)}"
            self.problem(None, f"should be a call flow (languages, start, steps...), not {what}")
            return None
        self.unknown_fields(data, _FLOW_FIELDS, None)
        name = self.text(data, "name", None) or default_name
        if not NAME_PATTERN.match(name):
            self.problem(None, f'has flow name "{name}"; use letters, digits, "_" and "-"')
        languages = self.language_settings(data.get("languages"))
        default_language = self.text(data, "default_language", None)
        if default_language is None and languages:
            default_language = next(iter(languages))
        self.languages = tuple(languages)
        self.default_language = default_language or ""
        start = self.required_text(data, "start", None)
        fallback = self.required_text(data, "fallback", None)
        self.voicemail = self.text(data, "voicemail", None)
        max_retries = self.number(data, "max_retries", None, defaults.MAX_RETRIES, range(-99, 100))
        recording = self.recording_policy(data.get("recording"))
        steps = self.steps(data.get("steps"))
        if self.problems or start is None or fallback is None or default_language is None:
            return None
        return Flow(
            name=name,
            source=self.file,
            languages=MappingProxyType(languages),
            default_language=default_language,
            max_retries=max_retries,
            start=start,
            fallback=fallback,
            voicemail=self.voicemail,
            recording=recording,
            steps=MappingProxyType(steps),
        )

    def recording_policy(self, value: Any) -> RecordingPolicy:
        """``recording: {calls: true, consent: {en: "This call may be recorded..."}}``."""
        if value is None:
            return RecordingPolicy()
        if not isinstance(value, dict):
            self.problem(None, 'has "recording" that is not a set of settings (calls, consent)')
            return RecordingPolicy()
        self.unknown_fields(value, _RECORDING_FIELDS, None, "recording ")
        calls = value.get("calls", False)
        if not isinstance(calls, bool):
            self.problem(None, f'has recording "calls" {shown(calls)}; it should be true or false')
            calls = False
        return RecordingPolicy(calls=calls, consent=self.prompt(value, "consent", "recording"))

    def language_settings(self, value: Any) -> dict[str, Language]:
        """``[en, es]`` (defaults for each) or ``{en: {voice: ..., speech: ...}, ...}``."""
        if isinstance(value, list):
            if not all(isinstance(code, str) for code in value):
                self.problem(None, 'has "languages" that are not codes, e.g. languages: [en, es]')
                return {}
            value = dict.fromkeys(value)
        if not isinstance(value, dict) or not value:
            self.problem(None, 'needs "languages", e.g. languages: [en, es]')
            return {}
        languages: dict[str, Language] = {}
        for code, settings in value.items():
            code = str(code)
            where = f'language "{code}"'
            if not _LANGUAGE_CODE.match(code):
                self.problem(None, f"has {where}; use a language code such as en or es")
                continue
            settings = {} if settings is None else settings
            if not isinstance(settings, dict):
                self.problem(None, f"has {where} settings that are not voice, speech...")
                continue
            self.unknown_fields(settings, _LANGUAGE_FIELDS, None, f"{where} ")
            languages[code] = self.one_language(code, settings, where)
        return languages

    def one_language(self, code: str, settings: dict[str, Any], where: str) -> Language:
        known = defaults.LANGUAGE_DEFAULTS.get(code, {})
        messages = settings.get("messages") or {}
        if not isinstance(messages, dict):
            self.problem(None, f"has {where} messages that are not {', '.join(_MESSAGE_FIELDS)}")
            messages = {}
        self.unknown_fields(messages, set(_MESSAGE_FIELDS), None, f"{where} message ")
        given_words = settings.get("human_words")
        human_words = (
            self.words(given_words, None, f"{where} human word")
            if given_words is not None
            else tuple(known.get("human_words", ()))
        )

        def message(key: str) -> str:
            return self.text(messages, key, None) or str(known.get(key, ""))

        def answer_words(key: str) -> tuple[str, ...]:
            given = settings.get(key)
            if given is None:
                return tuple(known.get(key, ()))  # type: ignore[call-overload]
            return self.words(given, None, f"{where} {key.removesuffix('_words')} word")

        return Language(
            code=code,
            speech=self.text(settings, "speech", None) or str(known.get("speech", "")),
            voice=self.text(settings, "voice", None),
            human_words=human_words,
            no_input=message("no_input"),
            not_an_option=message("not_an_option"),
            apology=message("apology"),
            yes_words=answer_words("yes_words"),
            no_words=answer_words("no_words"),
            unknown_reason=message("unknown_reason"),
        )

    def steps(self, value: Any) -> dict[str, Step]:
        if not isinstance(value, dict) or not value:
            self.problem(None, 'needs "steps": the named steps of the call')
            return {}
        steps: dict[str, Step] = {}
        for name, raw in value.items():
            name = str(name)
            if not NAME_PATTERN.match(name):
                self.problem(name, 'has a name that is not letters, digits, "_" and "-"')
                continue
            step = self.step(name, raw)
            if step is not None:
                steps[name] = step
        return steps


_StepBuilder = Callable[[_Reader, str, Mapping[str, Any]], Step | None]

_STEP_READERS: dict[str, tuple[frozenset[str], _StepBuilder]] = {
    "say": (frozenset({"prompt", "known_prompt", "play", "next"}), _Reader.say),
    "language": (frozenset({"prompt", "options", "next", "gather"}), _Reader.language),
    "hours": (
        frozenset({"timezone", "weekly", "holidays", "open", "closed"}),
        _Reader.hours,
    ),
    "menu": (
        frozenset({"prompt", "options", "human", "after_retries", "gather"}),
        _Reader.menu,
    ),
    "transfer": (frozenset({"prompt", "to", "timeout", "on_failure"}), _Reader.transfer),
    "voicemail": (frozenset({"prompt", "max_length", "next"}), _Reader.voicemail_step),
    "hangup": (frozenset({"prompt"}), _Reader.hangup),
    "reason": (frozenset({"prompt", "input", "max_length", "next"}), _Reader.reason),
    "case": (
        frozenset({"prompt", "unknown_reason", "yes", "no", "human", "gather"}),
        _Reader.case,
    ),
    "queue": (frozenset({"prompt", "queue", "skills", "on_leave"}), _Reader.queue),
}
"""Each step type: the fields it may have, and how to read it."""

STEP_TYPES: tuple[str, ...] = tuple(_STEP_READERS)


def parse_flow(data: Any, *, file: str, default_name: str) -> tuple[Flow | None, list[Problem]]:
    """The flow described by ``data`` (a YAML document), or None and why not."""
    reader = _Reader(file)
    flow = reader.flow(data, default_name)
    return (flow if not reader.problems else None), reader.problems
