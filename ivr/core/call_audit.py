"""One call as a manager audits it: what happened, what was recorded, what was said.

A read model (plain values an adapter fills), the transcript turned into lines a person reads
while the audio plays, and the plain words a page shows when there is nothing to play or to
read: audio pruned after the retention period, not downloaded yet, a transcript still pending
or without a speech model. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ivr.core.console import SpokenEstimate
from ivr.core.exports import TranscriptExportRow
from ivr.core.notes import CallNote
from ivr.core.recordings import RecordingKind, RecordingStatus
from ivr.core.search import SearchHit
from ivr.core.transcripts import Segment, TranscriptStatus, Word

MERGE_GAP_SECONDS = 1.5
"""Two stretches of one speaker's speech closer than this are one turn, one line: the
recogniser cuts at every breath, people do not."""


@dataclass(frozen=True)
class TranscriptLine:
    """A speaker's turn: consecutive segments of the same speaker, in time order."""

    speaker: str
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def transcript_lines(
    segments: Iterable[Segment], *, merge_gap_seconds: float = MERGE_GAP_SECONDS
) -> tuple[TranscriptLine, ...]:
    """Both channels interleaved by time, a line per turn; empty segments dropped.

    Word times are kept as the recogniser gave them (seconds from the start of the
    recording): they are where a click on the word seeks the audio."""
    lines: list[TranscriptLine] = []
    for segment in sorted(segments, key=lambda s: (s.start, s.speaker)):
        if not segment.words:
            continue
        last = lines[-1] if lines else None
        if (
            last is not None
            and last.speaker == segment.speaker
            and segment.start - last.end <= merge_gap_seconds
        ):
            lines[-1] = TranscriptLine(
                last.speaker,
                last.start,
                max(last.end, segment.end),
                last.words + segment.words,
            )
        else:
            lines.append(TranscriptLine(segment.speaker, segment.start, segment.end, segment.words))
    return tuple(lines)


def clock_time(seconds: float) -> str:
    """``1:05`` for 65.3 s: where a line starts, as a player shows it."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class RecordedAudio:
    """A recording of the call, its audio's state, and its transcript."""

    recording_sid: str
    kind: str
    status: str
    duration_seconds: int | None
    stored: bool
    """Our copy of the audio is on disk (the adapter checked the file)."""
    pruned_at: datetime | None
    transcript_status: str
    """pending, done, no-model or failed (``TranscriptStatus``)."""
    transcript_error: str | None = None
    language: str | None = None
    segments: tuple[Segment, ...] = ()

    @property
    def playable(self) -> bool:
        return self.stored and self.audio_problem is None

    @property
    def audio_problem(self) -> str | None:
        """Why there is nothing to play, in words; None when there is."""
        if self.status == RecordingStatus.PRUNED or self.pruned_at is not None:
            when = f" on {self.pruned_at:%Y-%m-%d}" if self.pruned_at else ""
            return (
                f"The audio was deleted{when} after the retention period; the transcript is kept."
            )
        if self.status == RecordingStatus.REPORTED:
            return "The audio is not downloaded yet: the worker fetches it from the carrier."
        if self.status == RecordingStatus.FAILED:
            return (
                "The audio could not be downloaded from the carrier "
                "(`ivr recordings fetch` tries again)."
            )
        if self.status == RecordingStatus.ABSENT:
            return "The carrier made no audio for this recording (too short or silent)."
        if not self.stored:
            return "The audio file is missing from the recordings folder."
        return None

    @property
    def lines(self) -> tuple[TranscriptLine, ...]:
        if self.transcript_status != TranscriptStatus.DONE:
            return ()
        return transcript_lines(self.segments)

    @property
    def transcript_problem(self) -> str | None:
        """Why there is no transcript to read, in words; None when there is one."""
        status = self.transcript_status
        if status == TranscriptStatus.PENDING:
            return "The transcript is pending: it appears here once the transcriber has run."
        if status == TranscriptStatus.NO_MODEL:
            language = self.language or "this language"
            return (
                f"No speech model for {language} is installed, so this recording is not "
                f"transcribed (`ivr models download {self.language or '<lang>'}`; it is "
                "transcribed once one is)."
            )
        if status == TranscriptStatus.FAILED:
            why = f": {self.transcript_error}" if self.transcript_error else "."
            return f"Transcription failed{why}"
        if status == TranscriptStatus.DONE and not self.lines:
            return "The transcript is empty: the recogniser heard no words."
        return None


_KIND_ORDER: dict[str, int] = {
    RecordingKind.CALL: 0,
    RecordingKind.VOICEMAIL: 1,
    RecordingKind.REASON: 2,
}


def in_audit_order(recordings: Iterable[RecordedAudio]) -> tuple[RecordedAudio, ...]:
    """The conversation first, then a message left, then the reason clip."""
    return tuple(sorted(recordings, key=lambda r: _KIND_ORDER.get(r.kind, len(_KIND_ORDER))))


@dataclass(frozen=True)
class TransferRecord:
    requested_at: datetime
    to: str
    """The agent's name or the queue handed to."""
    note: str
    status: str


@dataclass(frozen=True)
class CaseInfo:
    id: int
    status: str
    reason: str | None
    opened_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class CallDetail:
    call_sid: str
    direction: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    number: str | None
    """The customer's number: the caller's for an inbound call, the one dialled otherwise."""
    customer_id: int | None
    customer_name: str | None
    language: str | None
    queue: str | None
    wait_seconds: int | None
    outcome: str | None
    reason: str | None
    disposition: str | None
    category: str | None
    agent_id: int | None
    agent_name: str | None
    estimates: tuple[SpokenEstimate, ...] = ()
    notes: tuple[CallNote, ...] = ()
    transfers: tuple[TransferRecord, ...] = ()
    case: CaseInfo | None = None
    recordings: tuple[RecordedAudio, ...] = ()


class CallAudit(Protocol):
    def call(self, call_sid: str) -> CallDetail | None: ...

    def export_rows(self, hits: Iterable[SearchHit]) -> list[TranscriptExportRow]:
        """Each hit with the whole text it was found in, in the hits' order."""
        ...
