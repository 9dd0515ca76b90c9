"""``ivr transcriber``: an RQ worker on the transcription queues that loads each speech model
once, in its own process, before it forks a work horse per job.

Why fork here when ``ivr worker`` does not (``workers.runtime``): a transcription job takes
seconds, so a fork's 30-40 ms is noise, and it buys two things. The models (the Korean one is
about 300 MB) are loaded by the parent and shared copy-on-write by every work horse, so each job
starts with them loaded; and a crash inside the recogniser (native code) kills only the work
horse: RQ 3 sees the horse die (``monitor_work_horse``: "Work-horse terminated unexpectedly"),
fails that job and, since it was enqueued with ``Retry``, queues it again; the worker goes on.

The queues are listened on in the order ``transcribe-high`` (callers' reasons), then
``transcribe``; a long recording is a chain of one-piece jobs, so the worker looks at the high
queue again every piece. Before each job the parent looks for models installed since it
started and loads them (then queues the transcripts that were waiting for them), so a new
model is loaded once by the parent, not once per work horse.

Every load is counted in Redis (``MODEL_LOADS_KEY``: ``host:pid:model`` -> loads) so that the
benchmark and an operator can check that each worker process loaded each model exactly once.
"""

from __future__ import annotations

import logging
import os
import socket

from redis import Redis
from rq import Worker

from ivr.adapters.jobs import TRANSCRIBE_QUEUES
from ivr.adapters.speech.models import Load
from workers.runtime import services, wait_for_redis

log = logging.getLogger(__name__)

MODEL_LOADS_KEY = "ivr:transcriber:model-loads"
MODEL_LOADS_TTL_SECONDS = 7 * 24 * 3600


def model_loads(redis: Redis) -> dict[str, int]:
    """``host:pid:model`` -> how many times that process loaded that model."""
    return {k.decode(): int(v) for k, v in redis.hgetall(MODEL_LOADS_KEY).items()}


def _count_loads(redis: Redis):
    def counted(load: Load) -> None:
        field = f"{socket.gethostname()}:{load.pid}:{load.name}"
        with redis.pipeline() as pipe:
            pipe.hincrby(MODEL_LOADS_KEY, field, 1)
            pipe.expire(MODEL_LOADS_KEY, MODEL_LOADS_TTL_SECONDS)
            pipe.execute()

    return counted


class TranscriptionWorker(Worker):
    """A forking worker whose parent keeps the speech models loaded for its work horses."""

    def execute_job(self, job, queue):  # type: ignore[no-untyped-def]
        built = services()
        if built.speech_models.preload():  # a model installed since the last job
            built.transcription.requeue_waiting()
        return super().execute_job(job, queue)


def run_transcriber(*, burst: bool = False) -> None:
    built = services()
    wait_for_redis(built)
    built.speech_models.on_load = _count_loads(built.redis)
    loaded = built.speech_models.preload()
    log.info(
        "transcriber %d: models loaded: %s",
        os.getpid(),
        ", ".join(f"{m.language} ({m.name})" for m in loaded) or "none",
    )
    built.transcription.requeue_waiting()
    worker = TranscriptionWorker(list(TRANSCRIBE_QUEUES), connection=built.redis)
    # With the scheduler: RQ's retries with intervals are scheduled jobs, and a scheduler
    # only serves the queues of the worker that runs it.
    worker.work(with_scheduler=True, burst=burst)
