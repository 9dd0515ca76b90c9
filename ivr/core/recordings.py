"""Recordings: what was recorded, why, and where its audio is.

A recording is reported by the carrier (``recordingStatusCallback``), downloaded once into our
own storage with its checksum, transcribed, and after the retention period its audio is deleted
while the transcript stays. Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
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
    ABSENT = "absent"
    """The carrier made no audio (too short, or silent): there is nothing to download."""


CHANNEL_SPEAKERS: dict[RecordingKind, tuple[str, ...]] = {
    RecordingKind.CALL: ("customer", "agent"),
    RecordingKind.VOICEMAIL: ("customer",),
    RecordingKind.REASON: ("customer",),
}
"""Who speaks on each channel. In a dual-channel ``<Dial>`` recording Twilio puts the parent
call on the first channel and the child call (the one ``<Dial>`` placed) on the second (the
Recording resource's ``channels``: "the first channel ... contains the parent call and the
second channel contains the child call"). Here the parent is always the customer: the
caller's own call dials the agent (``/voice/queue/connect``), and so does the customer's leg
of a callback (``/voice/callback/answer``)."""


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
    error_code: str | None = None
    """Twilio's ErrorCode with ``absent`` or ``failed`` (16101 too short, 16102 silent, ...)."""


CARRIER_STATUSES = frozenset({"in-progress", "completed", "absent", "failed"})
"""Twilio's RecordingStatus values in a recordingStatusCallback."""

_RECORDING_SID = re.compile(r"^RE[0-9a-fA-F]{32}$")


class BadRecordingReport(ValueError):
    """A recording callback we cannot use; the message says which parameter and why."""


def check_recording_sid(sid: str) -> str:
    """RecordingSid becomes a file name: only Twilio's shape (``RE`` + 32 hex) is accepted, so
    no callback can name a path outside the recordings directory."""
    if not _RECORDING_SID.match(sid):
        raise BadRecordingReport(f"RecordingSid {sid[:40]!r} is not RE followed by 32 hex digits")
    return sid


def kind_of(requested: str | None, source: str | None) -> RecordingKind:
    """The ``?kind=`` our own TwiML put on the callback URL wins (it is signed with the URL);
    without one, a ``<Dial>`` recording is a conversation and anything else a message."""
    if requested:
        try:
            return RecordingKind(requested)
        except ValueError:
            raise BadRecordingReport(
                f"kind {requested[:20]!r} is not one of "
                + ", ".join(k.value for k in RecordingKind)
            ) from None
    return RecordingKind.CALL if source == "DialVerb" else RecordingKind.VOICEMAIL


def storage_path(recording_sid: str, reported_at: datetime) -> str:
    """``<YYYY>/<MM>/<RecordingSid>.wav``, relative to the recordings directory: a month per
    folder keeps folders small and makes pruning by age cheap to reason about."""
    check_recording_sid(recording_sid)
    return f"{reported_at:%Y}/{reported_at:%m}/{recording_sid}.wav"


def prune_before(now: datetime, days: int) -> datetime:
    """Audio recorded before this moment is past its retention period."""
    if days < 1:
        raise ValueError(f"a retention of {days} days would prune everything; use 1 or more")
    return now - timedelta(days=days)


def is_wav_header(head: bytes) -> bool:
    """RIFF/WAVE: what the carrier must send for ``.wav``; an error page saved as a recording
    would pass every other check."""
    return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE"
