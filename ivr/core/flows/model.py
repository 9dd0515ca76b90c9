"""A call flow as values: the flow, its languages and its steps.

Built by ``ivr.core.flows.parse`` from YAML, checked by ``ivr.core.flows.validate`` and walked by
``ivr.core.flows.interpreter``; nothing here reads files or knows about Twilio. Step names are the
YAML keys and travel in ``FlowState.step``, so they are plain identifiers.

Fields that point at other steps (``next``, ``on_failure``...) hold step names, not steps: a flow
is a graph with loops (back to the main menu), and names keep the values flat and comparable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from ivr.core.flows.hours import OpeningHours


@dataclass(frozen=True)
class Prompt:
    """What the caller hears, per language: words to speak or a recording to play."""

    text: Mapping[str, str] = field(default_factory=dict)
    audio_url: Mapping[str, str] = field(default_factory=dict)
    """A recording replaces the words for its language."""

    def languages(self) -> frozenset[str]:
        return frozenset(self.text) | frozenset(self.audio_url)


@dataclass(frozen=True)
class Language:
    """How the flow speaks and listens in one language."""

    code: str
    """The flow's own key for it: ``en``, ``es``; what ``FlowState.language`` holds."""
    speech: str
    """Twilio's language code (``en-US``) for ``<Say>`` and speech recognition."""
    voice: str | None
    """Twilio voice (``Polly.Joanna``, ``alice``); None lets Twilio choose."""
    human_words: tuple[str, ...]
    """Words that take the caller from any menu to a person."""
    no_input: str
    """Said before a menu is repeated because the caller said nothing."""

    not_an_option: str
    """Said before a menu is repeated because the answer matched nothing."""
    apology: str
    """Said when something went wrong and the caller is routed to the fallback."""
    yes_words: tuple[str, ...] = ()
    no_words: tuple[str, ...] = ()
    """How a caller says yes or no to a question (a case step)."""
    unknown_reason: str = ""
    """What a case step says for ``{reason}`` when the reason is not known."""


@dataclass(frozen=True)
class GatherSettings:
    timeout_seconds: int = 5
    num_digits: int | None = None
    """None waits for ``#`` or the timeout, for menus whose keys have several digits."""


@dataclass(frozen=True, kw_only=True)
class Step:
    kind: ClassVar[str] = "step"
    """The ``type:`` this step has in YAML."""
    name: str

    def targets(self) -> Iterator[tuple[str, str]]:
        """The steps this one can lead to, as (how, step name), e.g. ("on key 2", "billing")."""
        yield from ()


@dataclass(frozen=True, kw_only=True)
class SayStep(Step):
    """Speak or play something, then carry on; ``known_prompt`` greets a caller we know."""

    kind: ClassVar[str] = "say"

    prompt: Prompt
    known_prompt: Prompt | None = None
    """Used instead of ``prompt`` when the caller's name is known; may say ``{name}``."""
    next: str

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "", self.next


@dataclass(frozen=True)
class LanguageOption:
    key: str
    language: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class LanguageStep(Step):
    """Let the caller choose a language, unless we already know theirs."""

    kind: ClassVar[str] = "language"

    prompt: Prompt
    """Spoken in every language, each in its own voice."""
    options: tuple[LanguageOption, ...]
    next: str
    gather: GatherSettings = GatherSettings()

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "", self.next


@dataclass(frozen=True, kw_only=True)
class HoursStep(Step):
    """Branch on whether the business is open at the moment of the call."""

    kind: ClassVar[str] = "hours"

    hours: OpeningHours
    open: str
    closed: str

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "when open", self.open
        yield "when closed", self.closed


@dataclass(frozen=True)
class MenuOption:
    key: str
    """The DTMF key(s): ``"1"``, ``"*"``, ``"12"``."""
    next: str
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Phrases per language that choose this option by speech."""


@dataclass(frozen=True, kw_only=True)
class MenuStep(Step):
    """Ask the caller to choose; key ``0`` and the human words always go to ``human``."""

    kind: ClassVar[str] = "menu"

    prompt: Prompt
    options: tuple[MenuOption, ...]
    human: str | None
    """Where "0", "agent", "representative"... go; the validator refuses a menu without it."""
    after_retries: str | None
    """Where a caller who never gives a valid answer goes; defaults to ``human``."""
    gather: GatherSettings = GatherSettings()

    def targets(self) -> Iterator[tuple[str, str]]:
        for option in self.options:
            yield f"on key {option.key}", option.next
        if self.human is not None:
            yield "for a person", self.human
        if self.after_retries is not None:
            yield "after retries", self.after_retries


@dataclass(frozen=True, kw_only=True)
class TransferStep(Step):
    """Ring a phone number (E.164); if nobody answers, go to ``on_failure``."""

    kind: ClassVar[str] = "transfer"

    prompt: Prompt | None = None
    number: str
    timeout_seconds: int = 30
    on_failure: str | None
    """Defaults to the flow's voicemail step."""

    def targets(self) -> Iterator[tuple[str, str]]:
        if self.on_failure is not None:
            yield "on failure", self.on_failure


@dataclass(frozen=True, kw_only=True)
class VoicemailStep(Step):
    """Record a message for someone to call back."""

    kind: ClassVar[str] = "voicemail"

    prompt: Prompt
    max_length_seconds: int = 120
    next: str

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "", self.next


@dataclass(frozen=True, kw_only=True)
class ReasonStep(Step):
    """Ask the caller, in a few words, why they call: the agent who answers reads it.

    ``input: record`` (the default) records a short clip, transcribed ahead of any backlog;
    ``input: speech`` takes the carrier's speech recognition instead, with nothing recorded.
    Silence or a hang-up moves on: nobody is kept from a person for want of a reason.
    """

    kind: ClassVar[str] = "reason"

    prompt: Prompt
    input: str = "record"
    max_length_seconds: int = 15
    next: str

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "", self.next


@dataclass(frozen=True, kw_only=True)
class CaseStep(Step):
    """Ask a returning caller whether they call about their open case.

    ``prompt`` may say ``{reason}``: the case's reason in the customer's words, or the
    step's ``unknown_reason`` when nobody knows them yet. Yes (key 1 or a yes word) goes to
    ``yes`` with the case attached, so its agent is offered the call first; no, silence or
    anything else to ``no``; key 0 and the words for a person to ``human``. A caller with no
    open case goes straight to ``no`` without hearing anything.
    """

    kind: ClassVar[str] = "case"

    prompt: Prompt
    unknown_reason: Prompt | None = None
    yes: str
    no: str
    human: str | None
    gather: GatherSettings = GatherSettings()

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "on yes", self.yes
        yield "on no", self.no
        if self.human is not None:
            yield "for a person", self.human


@dataclass(frozen=True, kw_only=True)
class HangupStep(Step):
    """End the call, optionally after a goodbye."""

    kind: ClassVar[str] = "hangup"

    prompt: Prompt | None = None


@dataclass(frozen=True, kw_only=True)
class QueueStep(Step):
    """Hold the caller in a queue for an agent with the given skills."""

    kind: ClassVar[str] = "queue"

    prompt: Prompt | None = None
    queue: str
    skills: tuple[str, ...] = ()
    on_leave: str | None
    """Where the caller goes if the queue hands them back (full, left, or a wait loop that
    keeps failing: one that fails once holds them again); defaults to the flow's voicemail
    step."""

    def targets(self) -> Iterator[tuple[str, str]]:
        if self.on_leave is not None:
            yield "on leave", self.on_leave


@dataclass(frozen=True)
class RecordingPolicy:
    """What the flow records, and the notice callers hear before anything is.

    ``calls`` records conversations with agents in two channels (caller and agent apart).
    Messages left at a voicemail step are recordings by their nature and are always kept. The
    ``consent`` notice is said once per call, in the caller's language, before the first step
    that records (a reason step, a queue when calls are recorded, a voicemail step).
    """

    calls: bool = False
    consent: Prompt | None = None


HUMAN_STEPS: tuple[type[Step], ...] = (QueueStep, TransferStep)
"""Steps where a person answers."""


@dataclass(frozen=True, kw_only=True)
class Flow:
    name: str
    source: str
    """The file it came from, for messages."""
    languages: Mapping[str, Language]
    """In the order the file lists them: the order a language menu speaks them."""
    default_language: str
    max_retries: int = 2
    start: str
    fallback: str
    """A queue or transfer step: where a caller goes whenever anything goes wrong."""
    voicemail: str | None = None
    """A voicemail step for when nobody can answer."""
    recording: RecordingPolicy = RecordingPolicy()
    steps: Mapping[str, Step]

    def business_hours(self) -> HoursStep | None:
        """The hours step the caller meets first from ``start``: the one that says whether the
        business is open, e.g. to send the fallback to voicemail at night."""
        seen: set[str] = set()
        frontier = [self.start]
        while frontier:
            following: list[str] = []
            for name in frontier:
                step = self.steps.get(name)
                if step is None or name in seen:
                    continue
                seen.add(name)
                if isinstance(step, HoursStep):
                    return step
                following.extend(target for _, target in step.targets())
            frontier = following
        return None
