"""Work handed to RQ: the web process enqueues, the worker runs ``workers.*``.

Jobs are named by dotted path so the web process never imports worker code, and every job that
talks to the outside world is retried (RQ ``Retry``) rather than lost.
"""

from __future__ import annotations

from datetime import UTC, datetime

from redis import Redis
from rq import Queue, Retry

DEFAULT_QUEUE = "default"
HIGH_QUEUE = "high"
"""Work a caller is waiting on (ringing an agent) goes ahead of the backlog."""

TRANSCRIBE_HIGH_QUEUE = "transcribe-high"
"""Reason clips: an agent is about to answer the caller and needs to know why they call."""
TRANSCRIBE_QUEUE = "transcribe"
TRANSCRIBE_QUEUES = (TRANSCRIBE_HIGH_QUEUE, TRANSCRIBE_QUEUE)
"""What ``ivr transcriber`` listens on, in this order."""

_RETRY = Retry(max=3, interval=[1, 5, 15])
_TRANSCRIBE_RETRY = Retry(max=3, interval=[10, 60, 300])
"""A recording not downloaded yet, a crashed work horse: later, not never."""
_TRANSCRIBE_TIMEOUT_SECONDS = 3600
"""A piece is at most ~10 minutes of audio (``PIECE_SECONDS`` plus the last piece's stretch:
up to 15 minutes, 900 s). It costs about 0.2 s of CPU per audio second on an idle core, and
was measured at 1.7 s of wall time per audio second on a machine loaded ten-fold (bench/README,
transcribe), so 900 s of audio may take ~1,500 s under that load; 3,600 s leaves room for worse
and still frees a stuck work horse within the hour. A piece ended early (urgent work waiting)
is shorter, never longer."""

DOWNLOAD_RETRY_SECONDS = (5, 30, 120, 600, 1800)
"""A download is tried 1 + 5 times over about 45 minutes: Twilio may answer 404 for a moment
after ``completed``, and a carrier or disk outage is usually shorter than that. After the last
try the recording is ``failed`` (``ivr recordings fetch`` tries again)."""


class RqJobs:
    def __init__(
        self,
        redis: Redis,
        *,
        download_retry_seconds: tuple[int, ...] = DOWNLOAD_RETRY_SECONDS,
    ) -> None:
        self.redis = redis
        self.high = Queue(HIGH_QUEUE, connection=redis)
        self.default = Queue(DEFAULT_QUEUE, connection=redis)
        self.transcribe_high = Queue(TRANSCRIBE_HIGH_QUEUE, connection=redis)
        self.transcribe_normal = Queue(TRANSCRIBE_QUEUE, connection=redis)
        self._download_retry = Retry(
            max=len(download_retry_seconds), interval=list(download_retry_seconds)
        )

    # AgentDispatch port (web side)
    def caller_waiting(self) -> None:
        self.high.enqueue("workers.dispatch.dispatch", retry=_RETRY)

    # The dispatcher's timers (worker side): need `rq worker --with-scheduler`.
    def dispatch_at(self, at: datetime) -> None:
        """Dispatch again when a timer ends (wrap-up, rest, a callback's time). One scheduled
        wake-up per moment: an earlier one already pending covers a later one."""
        key = "ivr:wake-at"
        pending = self.redis.get(key)
        now = datetime.now(UTC)
        if pending is not None and now.timestamp() < float(pending) <= at.timestamp():
            return
        self.redis.set(key, repr(at.timestamp()), ex=max(1, int((at - now).total_seconds()) + 5))
        self.high.enqueue_at(at, "workers.dispatch.dispatch", retry=_RETRY)

    def claim_sweep(self, seconds: int) -> bool:
        """One sweep per period across every worker: the first to claim it enqueues it.

        Claimed here rather than scheduled with ``enqueue_in``: RQ's scheduler runs in one
        worker at a time, dies with that worker (its lock outlives it by a minute, and another
        worker only tries to take it over every ten) or with a Redis restart, and a restarted
        Redis has forgotten every scheduled job. The repair must not depend on either.
        """
        return bool(self.redis.set("ivr:sweep-claimed", "1", nx=True, ex=seconds))

    def sweep_now(self) -> None:
        self.default.enqueue("workers.dispatch.sweep")

    # Recordings (ivr.services.recordings)
    def download_recording(self, recording_id: int) -> None:
        """Fetch a reported recording's audio into our storage (``workers.recordings``)."""
        self.default.enqueue(
            "workers.recordings.download", recording_id, retry=self._download_retry
        )

    # Transcription (``workers.transcribe``): a job per piece of a recording.
    def transcribe(self, recording_id: int, *, urgent: bool) -> None:
        self._transcription_queue(urgent).enqueue(
            "workers.transcribe.transcribe",
            recording_id,
            retry=_TRANSCRIBE_RETRY,
            job_timeout=_TRANSCRIBE_TIMEOUT_SECONDS,
        )

    def continue_transcription(self, recording_id: int, *, urgent: bool) -> None:
        """The next piece goes to the front of its queue: a call being transcribed finishes
        before the next one starts, and the high queue is still looked at between pieces."""
        self._transcription_queue(urgent).enqueue(
            "workers.transcribe.transcribe",
            recording_id,
            retry=_TRANSCRIBE_RETRY,
            job_timeout=_TRANSCRIBE_TIMEOUT_SECONDS,
            at_front=True,
        )

    def urgent_waiting(self) -> bool:
        """One ``LLEN`` of the high queue: cheap enough to ask every few seconds of audio."""
        return self.transcribe_high.count > 0

    def _transcription_queue(self, urgent: bool) -> Queue:
        return self.transcribe_high if urgent else self.transcribe_normal
