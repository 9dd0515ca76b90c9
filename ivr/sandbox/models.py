"""The sandbox's records: numbers, queues, recordings and the two logs tests read.

Calls live in :mod:`ivr.sandbox.call`; everything here is plain data guarded by the engine's
lock. Values handed to tests (prompts, log entries) are frozen so a test cannot change what the
engine saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ivr.sandbox.ids import new_sid


@dataclass(frozen=True)
class Prompt:
    """Something the person on a call heard, in order."""

    kind: str
    """``say``, ``play``, ``beep``, ``dtmf`` (tones sent by <Play digits>) or ``music``."""
    text: str = ""
    language: str | None = None
    voice: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return self.text if self.kind == "say" else f"[{self.kind} {self.url or self.text}]"


@dataclass(frozen=True)
class WebhookRequest:
    """One HTTP request the sandbox made to the application, and what came back."""

    kind: str
    """``voice`` (a number's VoiceUrl or a call's Url), ``fallback``, ``action``, ``redirect``,
    ``wait`` (waitUrl), ``whisper`` (Number url), ``dequeue`` (Queue url), ``status``,
    ``recording-status``, ``amd-status``."""
    method: str
    url: str
    """The URL requested; for GET it carries the parameters in its query string."""
    params: dict[str, str]
    call_sid: str | None
    at: datetime
    signature: str
    status_code: int | None = None
    content_type: str = ""
    response_body: str = ""
    error_code: int | None = None
    """The debugger code this request produced, if it failed."""


@dataclass(frozen=True)
class Notification:
    """A debugger entry, as Twilio's Notifications resource shows them."""

    sid: str
    call_sid: str | None
    error_code: int
    level: str
    """``error`` or ``warning``."""
    message: str
    request_url: str | None
    at: datetime

    @property
    def more_info(self) -> str:
        return f"https://www.twilio.com/docs/errors/{self.error_code}"


@dataclass
class PhoneNumber:
    """A business number (IncomingPhoneNumber): calls to it run the application."""

    phone_number: str
    voice_url: str | None = None
    voice_method: str = "POST"
    voice_fallback_url: str | None = None
    voice_fallback_method: str = "POST"
    status_callback: str | None = None
    status_callback_method: str = "POST"
    friendly_name: str | None = None
    sid: str = field(default_factory=lambda: new_sid("PN"))
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class Recording:
    """A finished recording; ``wav`` holds the whole file."""

    sid: str
    call_sid: str
    source: str
    """``RecordVerb`` or ``DialVerb``."""
    duration_seconds: int
    channels: int
    wav: bytes
    started_at: datetime
    created_at: datetime
    status: str = "completed"
    spoken_text: str = ""
    """What the caller said into it (the sandbox's speech is typed text)."""


@dataclass
class Member:
    """A call waiting in a queue."""

    call_sid: str
    enqueued_at_seconds: float
    """Call-seconds clock reading when the call joined."""
    enqueued_at: datetime
    claimed_by: str | None = None
    """The dequeuing call (or ``"rest"``) once someone has taken this member."""


@dataclass
class Queue:
    """A call queue, created by <Enqueue> or the REST API."""

    friendly_name: str
    max_size: int
    sid: str = field(default_factory=lambda: new_sid("QU"))
    members: list[Member] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def waiting(self) -> list[Member]:
        """Members not yet taken by a dequeuer, in queue order."""
        return [m for m in self.members if m.claimed_by is None]

    def position(self, call_sid: str) -> int | None:
        """1-based position among the members still waiting."""
        for index, member in enumerate(self.waiting(), start=1):
            if member.call_sid == call_sid:
                return index
        return None

    def member(self, call_sid: str) -> Member | None:
        return next((m for m in self.members if m.call_sid == call_sid), None)
