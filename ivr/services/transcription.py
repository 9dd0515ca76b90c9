"""Transcribing recordings: a piece per job, redacted before it is stored, never lost.

One job run handles one piece of a recording (``Transcriber``): the reason clip (at most
~15 s) is one piece, a long call one piece per ``piece_seconds`` (10 minutes) of audio, each
job enqueueing the next at the front of its queue. A long piece ends early when urgent work
waits: every few seconds of audio (at a quiet moment) it asks ``TranscriptionJobs.urgent_waiting``
and, if a job waits on the high-priority queue (a caller's reason, which an agent is about to
need), stops there; the worker takes that job, then the rest of the long call.

States (``TranscriptStatus``) and how each is left:

- pending: running, or waiting to (a retry after a failure keeps it pending with the error);
- no-model: no model for the call's language ("no model for 'en'"); ``requeue_waiting``
  (``ivr transcripts retry``, ``ivr models download``, a transcriber's start) queues it again
  once one is installed, so it is transcribed then, not lost;
- failed: the last attempt failed too; the error says why (``ivr transcripts retry``);
- done: the whole transcript, redacted; a rerun changes nothing.

A recording not downloaded yet raises ``AudioNotReady``: RQ retries the job later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ivr.core.recordings import CHANNEL_SPEAKERS, RecordingKind, RecordingStatus
from ivr.core.transcription import (
    AudioNotReady,
    Transcriber,
    TranscriptionError,
    TranscriptionJobs,
    TranscriptRecords,
    primary_language,
)
from ivr.core.transcripts import Transcript, TranscriptStatus

log = logging.getLogger(__name__)

PIECE_SECONDS = 600.0
"""Audio per job when nothing urgent waits. Long, because every piece pays for a fresh
recogniser per channel, 1.5-2 s of CPU each on the Korean model (measured: a 60 s two-channel
call cost 10.5 s of CPU in one piece, 18 s in three 20 s pieces); the reason clip's wait is
bounded by the yield between windows (``WINDOW_SECONDS`` of audio, a second or two of CPU),
not by the piece. Not unbounded: a piece is also the unit of retry after a crash, and its job
has a timeout (``ivr.adapters.jobs``), so a two-hour call is still twelve jobs, not one."""

Redact = Callable[[Transcript], Transcript]


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"


class Transcription:
    def __init__(
        self,
        *,
        records: TranscriptRecords,
        transcriber: Transcriber,
        redact: Redact,
        jobs: TranscriptionJobs,
        piece_seconds: float = PIECE_SECONDS,
        reason_heard: Callable[[str, str], None] | None = None,
    ) -> None:
        self.reason_heard = reason_heard
        """Given (CallSid, words) when a reason clip is transcribed: the call's reason, which
        the agent's whisper and console show."""
        self.records = records
        self.transcriber = transcriber
        self.redact = redact
        self.jobs = jobs
        self.piece_seconds = piece_seconds

    def transcribe(self, recording_id: int, *, final_attempt: bool = True) -> Outcome:
        """Transcribe the recording's next piece; ``final_attempt`` False while the job has
        retries left (a failure then leaves the transcript pending, with its error)."""
        recording = self.records.recording(recording_id)
        if recording is None:
            raise LookupError(f"recording {recording_id} does not exist")
        if recording.status == RecordingStatus.REPORTED:
            raise AudioNotReady(
                f"recording {recording_id} ({recording.recording_sid}) is not downloaded yet"
            )
        progress = self.records.begin(recording)
        if progress.status == TranscriptStatus.DONE:
            return Outcome("done", f"recording {recording_id} was already transcribed")
        if recording.status != RecordingStatus.STORED or recording.path is None:
            error = f"recording {recording_id} has no audio to transcribe ({recording.status})"
            self.records.mark(recording_id, TranscriptStatus.FAILED, error=error)
            return Outcome("failed", error)
        language = recording.language or ""
        if self.transcriber.model_for(language) is None:
            error = f"no model for {primary_language(language)!r}"
            self.records.mark(recording_id, TranscriptStatus.NO_MODEL, error=error)
            return Outcome("no-model", error)

        kind = RecordingKind(recording.kind)
        started = time.monotonic()
        try:
            piece = self.transcriber.transcribe(
                recording.path,
                language=language,
                speakers=CHANNEL_SPEAKERS[kind],
                start_seconds=progress.transcribed_seconds,
                piece_seconds=self.piece_seconds,
                # A reason clip is the urgent work: it never stops for another one.
                should_yield=None if kind == RecordingKind.REASON else self.jobs.urgent_waiting,
            )
        except TranscriptionError as error:
            status = TranscriptStatus.FAILED if final_attempt else TranscriptStatus.PENDING
            self.records.mark(recording_id, status, error=str(error))
            raise
        # Redacted before it is written anywhere: the raw words exist only in this process.
        redacted = self.redact(
            Transcript(language, piece.model, piece.duration_seconds, piece.segments)
        )
        stored = self.records.store_piece(
            recording_id,
            expected_seconds=progress.transcribed_seconds,
            piece=replace(piece, segments=redacted.segments),
            processing_seconds=time.monotonic() - started,
        )
        if not stored:
            return Outcome("skipped", f"another run already stored this piece of {recording_id}")
        if piece.is_last:
            whole = self.redact(
                Transcript(
                    language,
                    piece.model,
                    piece.duration_seconds,
                    self.records.segments(recording_id),
                )
            )
            self.records.complete(recording_id, whole)
            said = " ".join(s.text for s in whole.in_order() if s.words).strip()
            if kind == RecordingKind.REASON and said and self.reason_heard is not None:
                self.reason_heard(recording.call_sid, said)
            return Outcome("done", f"{len(whole.segments)} segment(s), {whole.duration_seconds} s")
        self.jobs.continue_transcription(recording_id, urgent=kind == RecordingKind.REASON)
        return Outcome(
            "pending",
            f"transcribed to {piece.end_seconds:.1f} s of {piece.duration_seconds:.1f} s",
        )

    def requeue_waiting(self, *, failed: bool = False) -> list[int]:
        """Queue again every no-model transcript whose language now has a model (and, with
        ``failed``, every failed one); returns their recording ids."""
        statuses: tuple[str, ...] = (TranscriptStatus.NO_MODEL,)
        if failed:
            statuses += (TranscriptStatus.FAILED,)
        queued = []
        for recording_id, language in self.records.waiting(statuses):
            if self.transcriber.model_for(language or "") is None:
                continue
            self.records.mark(recording_id, TranscriptStatus.PENDING, error=None)
            self.jobs.transcribe(recording_id, urgent=False)
            queued.append(recording_id)
        if queued:
            log.info("queued %d transcript(s) again: %s", len(queued), queued)
        return queued
