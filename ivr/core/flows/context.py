"""What the interpreter is told about a call and about what the caller just did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property


@dataclass(frozen=True)
class OpenCase:
    """The caller's most recent unresolved case, fresh enough to ask about."""

    id: int
    reason: str | None
    """Their words for it (redacted), or None when nobody knows them yet."""
    opened_at: datetime
    agent_id: int | None


@dataclass(frozen=True)
class CallContext:
    """Facts about the call the flow may use: who is calling and when."""

    call_sid: str
    now: datetime
    """Aware UTC datetime; business hours are evaluated from it in the flow's timezone."""
    caller_number: str | None = None
    """E.164, or None for anonymous, withheld, client: or unparseable caller IDs."""
    customer_name: str | None = None
    customer_language: str | None = None
    case_lookup: Callable[[], OpenCase | None] | None = field(default=None, compare=False)
    """Finds the caller's open case; asked only by a step that asks about it, so the other
    webhooks pay no query for it."""

    @cached_property
    def open_case(self) -> OpenCase | None:
        return self.case_lookup() if self.case_lookup is not None else None


@dataclass(frozen=True)
class CallerInput:
    """What the carrier reported on this webhook; every field is optional."""

    event: str | None = None
    """Set by the web layer from a ``Continue`` (e.g. ``"no-input"``)."""
    digits: str | None = None
    speech: str | None = None
    confidence: float | None = None
    dial_status: str | None = None
    queue_result: str | None = None
    recording_url: str | None = None
    recording_duration_seconds: int | None = None
