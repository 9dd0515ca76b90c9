"""What the interpreter is told about a call and about what the caller just did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
