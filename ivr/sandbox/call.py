"""A call's state, and the exceptions that move a call's thread from one verb to another.

A call is changed by its own thread (which runs its TwiML and alone sets its final status)
and by others: the person (press, speak, hang up), the REST API (redirect, end, dequeue) and
the other leg of a bridge. Those others only *ask*, by setting a field under the engine's
lock and notifying; the call's thread notices at its next wait and raises one of the
exceptions below, which unwind to the verb that knows what to do.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ivr.sandbox.defaults import API_VERSION
from ivr.sandbox.models import Prompt


class CallStatus(StrEnum):
    QUEUED = "queued"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    FAILED = "failed"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"


FINAL_STATUSES = frozenset(
    {
        CallStatus.COMPLETED,
        CallStatus.BUSY,
        CallStatus.FAILED,
        CallStatus.NO_ANSWER,
        CallStatus.CANCELED,
    }
)


class CallEnded(Exception):  # noqa: N818 - control flow, not an error
    """The call is over (someone hung up, <Hangup>, the engine closing)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CallRejected(Exception):  # noqa: N818
    """<Reject> as the first verb: the call ends unanswered, busy or no-answer."""

    def __init__(self, status: CallStatus) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Redirect:
    """Where a REST update (or a REST dequeue) sends a live call."""

    url: str | None
    method: str
    twiml: str | None = None


class Redirected(Exception):  # noqa: N818
    def __init__(self, redirect: Redirect) -> None:
        super().__init__(redirect)
        self.redirect = redirect


@dataclass(frozen=True)
class Dequeue:
    """A <Dial><Queue> taking this call out of its queue."""

    by_call_sid: str
    url: str | None
    method: str


class Dequeued(Exception):  # noqa: N818
    def __init__(self, dequeue: Dequeue) -> None:
        super().__init__(dequeue)
        self.dequeue = dequeue


class LeaveQueue(Exception):  # noqa: N818
    """<Leave> in a waitUrl document."""


@dataclass(frozen=True)
class Input:
    """Something the person did: keys, words, or deliberate silence."""

    kind: str
    """``dtmf``, ``speech`` or ``silence``."""
    text: str = ""
    then_silent: bool = False
    """The person stops after this (a scripted caller): a waiting verb need not time out."""


@dataclass
class Listening:
    """What the call's current verb accepts from the person."""

    kind: str
    """``gather``, ``record`` or ``bridge`` (a <Dial hangupOnStar> listens for ``*``)."""
    dtmf: bool
    speech: bool
    num_digits: int = 0
    finish_keys: str = ""
    language: str = "en-US"


@dataclass(frozen=True)
class Utterance:
    """Something one party said during a bridge (``CallHandle.talk``)."""

    call_sid: str
    text: str
    started_at_seconds: float
    """Call-seconds clock reading when they began to speak."""
    seconds: float
    wav: bytes
    """Mono, 8 kHz: espeak-ng's speech, or silence of the estimated length without it."""


@dataclass
class Bridge:
    """Two connected legs; either leg leaving ends it. What the parties say (``talk``) is
    kept here, for a ``<Dial record>`` recording of the bridge."""

    a_sid: str
    b_sid: str
    kind: str
    """``dial`` (a <Number>/<Client> leg) or ``queue`` (a dequeued caller)."""
    started_at_seconds: float
    ended: bool = False
    ended_by: str | None = None
    ended_at_seconds: float | None = None
    utterances: list[Utterance] = field(default_factory=list)

    def other(self, sid: str) -> str:
        return self.b_sid if sid == self.a_sid else self.a_sid


@dataclass
class StatusCallback:
    url: str
    method: str = "POST"
    events: frozenset[str] = frozenset({"completed"})


@dataclass
class Call:
    """One call leg. Fields are guarded by the engine's lock."""

    sid: str
    account_sid: str
    direction: str
    """``inbound``, ``outbound-api`` or ``outbound-dial``."""
    from_: str
    to: str
    status: CallStatus
    created_at: datetime
    parent_sid: str | None = None
    phone_number_sid: str | None = None
    scripted: bool = False
    """Driven by the Python driver: input waits last until the script acts (see README)."""

    started_at: datetime | None = None
    answered_at: datetime | None = None
    answered_at_seconds: float | None = None
    ended_at: datetime | None = None
    ended_at_seconds: float | None = None
    answered_by: str | None = None

    heard: list[Prompt] = field(default_factory=list)
    inputs: deque[Input] = field(default_factory=deque)
    listening: Listening | None = None
    awaiting_input: bool = False
    """Prompts done, now waiting for the person (what ``wait_for_prompt`` waits for)."""
    input_count: int = 0
    heard_at_last_input: int = 0
    dropped_inputs: list[Input] = field(default_factory=list)
    """Keys pressed while no verb was listening: Twilio drops them too."""

    hangup_reason: str | None = None
    redirect: Redirect | None = None
    dequeue: Dequeue | None = None
    queue_sid: str | None = None
    bridge: Bridge | None = None
    leg_ready: bool = False
    """A dialled leg or a dequeued caller is ready to be bridged."""
    answer_decision: str | None = None
    """``answer`` or ``decline``, given to a ringing "manual" device."""
    ringing_device: str | None = None

    status_callback: StatusCallback | None = None
    sequence_number: int = 0
    documents_fetched: int = 0
    idle_documents: int = 0
    fallback_url: str | None = None
    fallback_method: str = "POST"
    machine_detection: str | None = None
    async_amd: bool = False
    async_amd_callback: str | None = None
    async_amd_callback_method: str = "POST"
    machine_detection_timeout: int = 30
    detached: bool = False
    """A Dial leg redirected by REST out of its bridge: its parent no longer hangs it up."""
    dequeued_by: str | None = None
    """The call whose <Dial><Queue> took this call out of its queue."""
    dequeuing_sid: str | None = None
    """While this call's <Dial><Queue> waits for a dequeued caller: that caller's SID."""
    timeout_seconds: int = 60
    custom_parameters: dict[str, str] = field(default_factory=dict)
    """``<Client><Parameter>`` values, shown to a browser phone as ``customParameters``."""
    """How long an outbound leg rings before it is ``no-answer``."""
    session: Any = None
    """The call's ``requests.Session`` (its cookie jar), closed when the call ends."""
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def duration_seconds(self, now_seconds: float) -> int:
        """Seconds from answer to hang-up (or to now, while the call lasts)."""
        if self.answered_at_seconds is None:
            return 0
        end = self.ended_at_seconds if self.ended_at_seconds is not None else now_seconds
        return max(0, int(round(end - self.answered_at_seconds)))

    def base_params(self, *, status: str | None = None) -> dict[str, str]:
        """Twilio's standard request parameters for this call."""
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": self.sid,
            "CallStatus": status or str(self.status),
            "Direction": self.direction,
            "From": self.from_,
            "To": self.to,
            "Caller": self.from_,
            "Called": self.to,
        }
        for prefix, number in (("From", self.from_), ("Caller", self.from_)):
            params.update(_geo(prefix, number))
        for prefix, number in (("To", self.to), ("Called", self.to)):
            params.update(_geo(prefix, number))
        if self.parent_sid:
            params["ParentCallSid"] = self.parent_sid
        if self.answered_by:
            params["AnsweredBy"] = self.answered_by
        return params


_COUNTRY_PREFIXES = (
    ("+1", "US"),
    ("+44", "GB"),
    ("+33", "FR"),
    ("+49", "DE"),
    ("+34", "ES"),
    ("+39", "IT"),
    ("+31", "NL"),
    ("+32", "BE"),
    ("+41", "CH"),
    ("+46", "SE"),
    ("+61", "AU"),
    ("+81", "JP"),
    ("+91", "IN"),
    ("+55", "BR"),
    ("+52", "MX"),
)


def _geo(prefix: str, number: str) -> dict[str, str]:
    """Geographic parameters; the sandbox knows countries by prefix only (city etc. empty)."""
    country = ""
    if number.startswith("+"):
        for code, name in sorted(_COUNTRY_PREFIXES, key=lambda p: -len(p[0])):
            if number.startswith(code):
                country = name
                break
    return {
        f"{prefix}Country": country,
        f"{prefix}State": "",
        f"{prefix}City": "",
        f"{prefix}Zip": "",
    }
