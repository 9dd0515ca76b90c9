"""Recordings: from the carrier's callback to our own copy of the audio, and its retention.

The callback only writes a row and queues a download (the carrier waits on the webhook); the
download job streams the WAV from the REST API into the recordings directory with its
checksum, then queues the transcription. Each step is idempotent: the same callback twice is
one row and one download, a job run again finds its work done, and a download that keeps
failing ends ``failed`` with its error, for ``ivr recordings fetch`` to try again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ivr.adapters.recording_media import MediaError
from ivr.adapters.recording_store import RecordingStore, StorageError, Written
from ivr.adapters.sql.recordings import StoredRecording
from ivr.core.recordings import (
    BadRecordingReport,
    RecordingKind,
    RecordingReport,
    RecordingStatus,
    prune_before,
    storage_path,
)

log = logging.getLogger(__name__)

MAX_RECORDING_BYTES = 1024**3
"""Four hours of dual-channel 8 kHz 16-bit audio is 230 MB; anything past 1 GB is refused."""


class RecordingRows(Protocol):
    def add(
        self, report: RecordingReport, status: RecordingStatus, *, error: str | None = None
    ) -> int | None: ...
    def get(self, recording_id: int) -> StoredRecording | None: ...
    def by_sid(self, recording_sid: str) -> StoredRecording | None: ...
    def listed(
        self, *, statuses: tuple[RecordingStatus, ...] = (), limit: int = 100
    ) -> list[StoredRecording]: ...
    def attempt_failed(self, recording_id: int, error: str, *, final: bool) -> None: ...
    def stored(
        self, recording_id: int, *, path: str, sha256: str, size_bytes: int, at: datetime
    ) -> bool: ...
    def unstore(self, recording_id: int, error: str) -> None: ...
    def retry(self, recording_id: int) -> bool: ...
    def stored_before(self, moment: datetime, *, limit: int = 500) -> list[StoredRecording]: ...
    def pruned(self, recording_id: int, at: datetime) -> bool: ...


class Media(Protocol):
    def wav(self, recording_sid: str) -> Iterator[bytes]: ...


class RecordingJobs(Protocol):
    def download_recording(self, recording_id: int) -> None: ...
    def transcribe(self, recording_id: int, *, urgent: bool) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class DownloadFailed(Exception):
    """This attempt failed; RQ retries the job (the row counts the attempt and its error)."""


@dataclass(frozen=True)
class Reported:
    """What a recording callback did."""

    outcome: str
    """``queued`` (new, download queued), ``recorded`` (new, nothing to download: absent or
    failed at the carrier), ``not-queued`` (new, but Redis refused the job: ``ivr recordings
    fetch`` queues it), ``duplicate`` (known RecordingSid: nothing changed), ``started``
    (in-progress: nothing to keep yet)."""
    recording_id: int | None = None


@dataclass
class Pruned:
    pruned: list[str] = field(default_factory=list)
    """RecordingSids whose audio was deleted."""
    missing: list[str] = field(default_factory=list)
    """Of those, the ones whose file was already gone (marked pruned all the same)."""
    errors: list[str] = field(default_factory=list)
    """Files that could not be deleted: still ``stored``, tried again next time."""
    cutoff: datetime | None = None


class Recordings:
    def __init__(
        self,
        *,
        rows: RecordingRows,
        store: RecordingStore,
        media: Media,
        jobs: RecordingJobs,
        clock: Clock,
        retention_days: int = 0,
        max_bytes: int = MAX_RECORDING_BYTES,
    ) -> None:
        self.rows = rows
        self.store = store
        self._media = media
        self._jobs = jobs
        self._clock = clock
        self.retention_days = retention_days
        self._max_bytes = max_bytes

    # -- the callback (web) --------------------------------------------------------------

    def reported(self, report: RecordingReport) -> Reported:
        """Keep the recording once per RecordingSid and queue its download when there is
        audio. ``in-progress`` carries nothing to keep; ``absent`` (too short or silent) and
        ``failed`` (Twilio could not process it) are recorded, with why, and not downloaded."""
        if report.status == "in-progress":
            return Reported("started")
        if report.status == "completed":
            recording_id = self.rows.add(report, RecordingStatus.REPORTED)
            if recording_id is None:
                return Reported("duplicate")
            try:
                self._jobs.download_recording(recording_id)
            except Exception:
                # The carrier does not retry this callback: the row stays ``reported`` and
                # ``ivr recordings fetch`` queues what Redis lost.
                log.exception(
                    "could not queue the download of %s; run `ivr recordings fetch`",
                    report.recording_sid,
                )
                return Reported("not-queued", recording_id)
            return Reported("queued", recording_id)
        if report.status in ("absent", "failed"):
            status = RecordingStatus.ABSENT if report.status == "absent" else RecordingStatus.FAILED
            why = (
                "the carrier made no audio (too short, or silent)"
                if report.status == "absent"
                else "the carrier reported the recording failed"
            )
            recording_id = self.rows.add(report, status, error=why + _error_code(report))
            return Reported("recorded" if recording_id else "duplicate", recording_id)
        raise BadRecordingReport(
            f"RecordingStatus {report.status[:20]!r} is not in-progress, completed, absent or "
            "failed"
        )

    # -- the download (worker) -----------------------------------------------------------

    def download(self, recording_id: int, *, final_attempt: bool) -> str:
        """Fetch the WAV into the recordings directory, then queue the transcription.

        Raises DownloadFailed on failure so RQ retries; ``final_attempt`` marks the recording
        ``failed`` instead of ``reported`` when this was the last try."""
        recording = self.rows.get(recording_id)
        if recording is None:
            return f"recording {recording_id}: not in the records, nothing to download"
        if recording.status == RecordingStatus.STORED:
            if recording.path and self.store.matches(
                recording.path, recording.sha256, recording.size_bytes
            ):
                return f"{recording.recording_sid}: already stored as {recording.path}"
            log.warning(
                "%s is stored but its file %s is missing or differs: downloading it again",
                recording.recording_sid,
                recording.path,
            )
            self.rows.unstore(recording_id, "the stored file was missing or differed")
        elif recording.status not in (RecordingStatus.REPORTED, RecordingStatus.FAILED):
            return f"{recording.recording_sid}: {recording.status}, nothing to download"

        path = storage_path(recording.recording_sid, recording.reported_at)
        try:
            written = self.store.write(
                path, self._media.wav(recording.recording_sid), max_bytes=self._max_bytes
            )
        except (MediaError, StorageError, OSError) as error:
            message = f"{type(error).__name__}: {error}"
            self.rows.attempt_failed(recording_id, message, final=final_attempt)
            log.warning(
                "download of %s failed%s: %s",
                recording.recording_sid,
                " for the last time" if final_attempt else ", will retry",
                message,
            )
            raise DownloadFailed(f"{recording.recording_sid}: {message}") from error
        return self._stored(recording, written)

    def _stored(self, recording: StoredRecording, written: Written) -> str:
        if not self.rows.stored(
            recording.id,
            path=written.path,
            sha256=written.sha256,
            size_bytes=written.size_bytes,
            at=self._clock.now(),
        ):
            return f"{recording.recording_sid}: stored meanwhile by another job"
        try:
            self._jobs.transcribe(recording.id, urgent=recording.kind == RecordingKind.REASON)
        except Exception as error:
            # Not stored until its transcription is queued: the retried job does both again.
            self.rows.unstore(recording.id, f"could not queue the transcription: {error}")
            raise
        return f"{recording.recording_sid}: stored {written.path} sha256={written.sha256}"

    def fetch_again(self, recording_sids: Iterable[str] = ()) -> list[StoredRecording]:
        """Queue the download of the named recordings, or of every ``failed`` one and every
        ``reported`` one (its job may have been lost with Redis); stored ones are left alone."""
        wanted = list(recording_sids)
        if wanted:
            found = [self.rows.by_sid(sid) for sid in wanted]
            missing = [sid for sid, row in zip(wanted, found, strict=True) if row is None]
            if missing:
                raise LookupError("no recording " + ", ".join(missing))
            candidates = [row for row in found if row is not None]
        else:
            candidates = self.rows.listed(
                statuses=(RecordingStatus.FAILED, RecordingStatus.REPORTED), limit=10_000
            )
        queued = []
        for row in candidates:
            if row.status not in (RecordingStatus.FAILED, RecordingStatus.REPORTED):
                continue
            self.rows.retry(row.id)
            self._jobs.download_recording(row.id)
            queued.append(row)
        return queued

    # -- retention -----------------------------------------------------------------------

    def prune(self, *, days: int | None = None, now: datetime | None = None) -> Pruned:
        """Delete the audio of recordings made more than ``days`` ago (default the retention
        setting), keeping their rows and transcripts. Safe to run twice: what is pruned is
        no longer ``stored``."""
        days = self.retention_days if days is None else days
        now = now or self._clock.now()
        result = Pruned(cutoff=prune_before(now, days))
        failed: set[int] = set()
        while True:
            batch = [r for r in self.rows.stored_before(result.cutoff) if r.id not in failed]
            if not batch:
                return result
            for recording in batch:
                try:
                    deleted = self.store.delete(recording.path) if recording.path else False
                except (OSError, StorageError) as error:
                    failed.add(recording.id)
                    result.errors.append(f"{recording.recording_sid}: {error}")
                    continue
                if self.rows.pruned(recording.id, now):
                    result.pruned.append(recording.recording_sid)
                    if not deleted:
                        result.missing.append(recording.recording_sid)


def _error_code(report: RecordingReport) -> str:
    return f" (ErrorCode {report.error_code})" if report.error_code else ""
