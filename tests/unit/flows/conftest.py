"""Fixtures for call-flow tests: the demo flow, a small valid flow to break, and a simulated
caller who plays the carrier's part (press, say, stay silent...) against the interpreter."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from ivr.core.flows import interpreter
from ivr.core.flows.context import CallContext, CallerInput, OpenCase
from ivr.core.flows.instructions import (
    Continue,
    Dial,
    Enqueue,
    FlowState,
    Gather,
    Play,
    Record,
    Say,
    Turn,
)
from ivr.core.flows.loader import load_flow
from ivr.core.flows.model import Flow
from ivr.core.flows.validate import check_directory

T = TypeVar("T")

REPOSITORY = Path(__file__).resolve().parents[3]
DEMO = REPOSITORY / "callflows" / "demo.yaml"

TUESDAY_NOON = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
"""12:00 in New York (EDT): the demo business is open."""

MINIMAL_FLOW = """\
languages: [en, es]
default_language: en
start: menu
fallback: desk
voicemail: voicemail
steps:
  menu:
    type: menu
    prompt: {en: "Press 1 for news.", es: "Oprima 1 para noticias."}
    options:
      - key: 1
        words: {en: [news], es: [noticias]}
        next: news
    human: desk
  news:
    type: say
    prompt: {en: "No news.", es: "Sin noticias."}
    next: bye
  desk:
    type: queue
    queue: support
    on_leave: voicemail
  voicemail:
    type: voicemail
    prompt: {en: "Leave a message.", es: "Deje un mensaje."}
    next: bye
  bye:
    type: hangup
"""
"""A flow that passes every check; tests change one thing and expect one problem."""


@pytest.fixture(scope="session")
def demo_flow() -> Flow:
    return load_flow(DEMO)


@pytest.fixture
def write_flow(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML (dedented) to ``flows/<file>`` and return the file's path."""

    def write(text: str, file: str = "flow.yaml") -> Path:
        directory = tmp_path / "flows"
        directory.mkdir(exist_ok=True)
        path = directory / file
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def problems_in(write_flow: Callable[..., Path]) -> Callable[[str], list[str]]:
    """The problems ``ivr callflows check`` would print for a one-file directory."""

    def check(text: str) -> list[str]:
        path = write_flow(text)
        return [str(problem) for problem in check_directory(path.parent)]

    return check


@pytest.fixture
def minimal_flow_text() -> str:
    return MINIMAL_FLOW


def context(
    *,
    at: datetime = TUESDAY_NOON,
    name: str | None = None,
    language: str | None = None,
    case_lookup: Callable[[], OpenCase | None] | None = None,
) -> CallContext:
    return CallContext(
        call_sid="CA0123456789abcdef0123456789abcdef",
        now=at,
        caller_number="+12125550123",
        customer_name=name,
        customer_language=language,
        case_lookup=case_lookup,
    )


class Caller:
    """Plays the carrier: places a call, then answers the last turn as Twilio would."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.ctx = context()
        self.turns: list[Turn] = []

    @property
    def turn(self) -> Turn:
        return self.turns[-1]

    def calls(
        self,
        *,
        at: datetime = TUESDAY_NOON,
        name: str | None = None,
        language: str | None = None,
        case_lookup: Callable[[], OpenCase | None] | None = None,
    ) -> Turn:
        """``case_lookup`` stands in for the store that finds the caller's open case."""
        self.ctx = context(at=at, name=name, language=language, case_lookup=case_lookup)
        return self._record(interpreter.start(self.flow, self.ctx))

    def press(self, digits: str) -> Turn:
        return self._answer(CallerInput(digits=digits))

    def says(self, speech: str) -> Turn:
        return self._answer(CallerInput(speech=speech, confidence=0.9))

    def stays_silent(self) -> Turn:
        """The gather timed out: Twilio runs the ``Continue`` that follows it."""
        follow_up = self.instruction(Continue)
        return self._answer(CallerInput(event=follow_up.event), state=follow_up.resume)

    def dial_ends(self, status: str) -> Turn:
        return self._answer(CallerInput(dial_status=status))

    def queue_ends(self, result: str) -> Turn:
        return self._answer(CallerInput(queue_result=result))

    def leaves_message(self, *, finished_with: str | None = None) -> Turn:
        """The Record action: Twilio reports the key that ended the recording as ``Digits``
        (``#``), or ``hangup``; none when the recording ended by silence or length."""
        return self._answer(
            CallerInput(
                digits=finished_with,
                recording_url="https://api.twilio.com/recordings/RE1",
                recording_duration_seconds=12,
            )
        )

    def instruction(self, kind: type[T]) -> T:
        found = [i for i in self.turn.instructions if isinstance(i, kind)]
        assert found, f"no {kind.__name__} in {self.turn.instructions}"
        return found[0]

    @property
    def heard(self) -> list[str]:
        """What the caller hears in the last turn, gather prompts included."""
        return [
            said.text if isinstance(said, Say) else f"<{said.url}>"
            for said in _audible(self.turn.instructions)
        ]

    @property
    def heard_on_the_call(self) -> list[str]:
        """Everything the caller heard, every turn so far."""
        return [
            said.text if isinstance(said, Say) else f"<{said.url}>"
            for turn in self.turns
            for said in _audible(turn.instructions)
        ]

    @property
    def voices(self) -> list[tuple[str, str | None]]:
        return [
            (s.language, s.voice) for s in _audible(self.turn.instructions) if isinstance(s, Say)
        ]

    @property
    def waiting_at(self) -> FlowState:
        """The state the carrier will come back with."""
        for instruction in self.turn.instructions:
            if isinstance(instruction, Gather | Record | Dial | Enqueue):
                return instruction.resume
        raise AssertionError(f"the call waits for nothing: {self.turn.instructions}")

    def _answer(self, given: CallerInput, state: FlowState | None = None) -> Turn:
        state = state or self.waiting_at
        return self._record(interpreter.resume(self.flow, state, self.ctx, given))

    def _record(self, turn: Turn) -> Turn:
        self.turns.append(turn)
        return turn


def _audible(instructions: tuple) -> list[Say | Play]:
    heard: list[Say | Play] = []
    for instruction in instructions:
        if isinstance(instruction, Gather):
            heard.extend(p for p in instruction.prompts if isinstance(p, Say | Play))
        elif isinstance(instruction, Say | Play):
            heard.append(instruction)
    return heard


@pytest.fixture
def caller(demo_flow: Flow) -> Caller:
    return Caller(demo_flow)
