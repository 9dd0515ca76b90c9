"""Recordings: what was recorded, why, and where its audio is.

A recording is reported by the carrier (``recordingStatusCallback``), downloaded once into our
own storage with its checksum, transcribed, and after the retention period its audio is deleted
while the transcript stays. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class RecordingKind(StrEnum):
    CALL = "call"
    """A conversation with an agent, two channels: the caller and the agent apart."""
    VOICEMAIL = "voicemail"
    REASON = "reason"
    """The caller's few words on why they call: transcribed first, for the agent who answers."""


class RecordingStatus(StrEnum):
    REPORTED = "reported"
    """The carrier said it exists; not downloaded yet (or a download is being retried)."""
    STORED = "stored"
    """Our copy is on disk, checksum recorded."""
    FAILED = "failed"
    """Every download attempt failed; the carrier still has it (``ivr recordings fetch``)."""
    PRUNED = "pruned"
    """Audio deleted after the retention period; the transcript is kept."""


CHANNEL_SPEAKERS: dict[RecordingKind, tuple[str, ...]] = {
    RecordingKind.CALL: ("customer", "agent"),
    RecordingKind.VOICEMAIL: ("customer",),
    RecordingKind.REASON: ("customer",),
}
"""Who speaks on each channel. In a dual-channel ``<Dial>`` recording Twilio puts the parent
call (the caller) on the first channel and the dialled party (the agent) on the second."""


@dataclass(frozen=True)
class RecordingReport:
    """One ``recordingStatusCallback``, parsed."""

    recording_sid: str
    call_sid: str
    url: str
    status: str
    """Twilio's RecordingStatus: in-progress, completed, absent, failed."""
    duration_seconds: int | None
    channels: int
    source: str | None
    """Twilio's RecordingSource: DialVerb, RecordVerb, ..."""
    kind: RecordingKind
    at: datetime
