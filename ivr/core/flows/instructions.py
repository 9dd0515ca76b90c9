"""What the interpreter asks the carrier to do next, in words that are not TwiML.

The interpreter returns a list of these; ``ivr.web.twiml`` is the only module that turns them
into TwiML. A ``resume`` is the flow state to continue from when the carrier calls back (the web
layer encodes it into the action URL, which Twilio signs, so a caller cannot tamper with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FlowState:
    """Where a call is in its flow: enough to continue it on the next webhook."""

    flow: str
    step: str
    language: str
    attempt: int = 0
    noticed: bool = False
    """The recording notice has been said on this call: it is said once, before the first
    step that records."""


@dataclass(frozen=True)
class Say:
    text: str
    language: str
    voice: str | None = None


@dataclass(frozen=True)
class Play:
    url: str
    loop: int = 1


@dataclass(frozen=True)
class Pause:
    seconds: int


@dataclass(frozen=True)
class Gather:
    """Collect keys and/or speech; the prompts are spoken inside the gather (barge-in)."""

    resume: FlowState
    prompts: tuple[Say | Play | Pause, ...]
    input: str = "dtmf speech"
    num_digits: int | None = None
    timeout_seconds: int = 5
    finish_on_key: str | None = None
    hints: tuple[str, ...] = ()
    language: str = "en-US"
    speech_timeout: str = "auto"


@dataclass(frozen=True)
class Continue:
    """Go back to the flow at ``resume`` (after a gather got no input: ``event="no-input"``)."""

    resume: FlowState
    event: str | None = None


@dataclass(frozen=True)
class Record:
    """Record the caller (a message, or why they call), then continue at ``resume``."""

    resume: FlowState
    max_length_seconds: int = 120
    timeout_seconds: int = 5
    finish_on_key: str = "#"
    play_beep: bool = True
    kind: str = "voicemail"
    """What the recording is (``RecordingKind``): a reason clip is transcribed first."""


@dataclass(frozen=True)
class Dial:
    """Transfer to a phone number; ``resume`` receives the DialCallStatus."""

    resume: FlowState
    number: str
    timeout_seconds: int = 30
    caller_id: str | None = None


@dataclass(frozen=True)
class Enqueue:
    """Hold the caller in a named queue until an agent takes them."""

    resume: FlowState
    queue: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hangup:
    pass


Instruction = Say | Play | Pause | Gather | Continue | Record | Dial | Enqueue | Hangup


@dataclass(frozen=True)
class Turn:
    """The interpreter's answer to one webhook."""

    instructions: tuple[Instruction, ...]
    visited: tuple[str, ...] = field(default=())
    """Steps entered during this turn, in order: appended to the call's recorded path."""
    outcome: str | None = None
    """Set when the flow hands the call off: queued, transferred, voicemail, hung-up."""
    language: str | None = None
    """The call's language after this turn (a language step may have changed it)."""
    reason: str | None = None
    """Why the caller calls, in their words, when the carrier's speech recognition gave it
    (a reason step with ``input: speech``); a recorded reason arrives by transcription."""
    case_id: int | None = None
    """The open case the caller said this call is about."""
