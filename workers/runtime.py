"""One set of services per worker process, built once and used by every job.

Jobs look their dependencies up here instead of building an app per job: the database engine,
the Redis connection and the carrier client are made once (and, for later issues, the Vosk
model is loaded once). The worker runs each job in its own process, without forking a work
horse per job: the line's jobs are short and a caller waits on each one, and a fork per job
cost 30-40 ms at the median and over 100 ms at p99 before the job even started, and each work
horse opened its own connections to Redis and the carrier (bench/dispatch measured it). The
price: a job that crashes the interpreter takes the worker with it (the platform restarts it).
"""

from __future__ import annotations

import os
from functools import cache

from ivr import instance_path
from ivr.adapters.jobs import DEFAULT_QUEUE, HIGH_QUEUE
from ivr.bootstrap import Services, build_services
from ivr.config import load_settings


@cache
def services() -> Services:
    built = build_services(load_settings(instance_path=instance_path()))

    def _after_fork() -> None:
        # A pooled connection must never be shared by parent and child (SQLAlchemy's advice).
        if "database" in built.__dict__:
            built.database.engine.dispose(close=False)

    os.register_at_fork(after_in_child=_after_fork)
    return built


def wait_for_redis(built: Services, *, seconds: float = 30.0) -> None:
    """Started beside Redis (``make run``, a platform restart): give it a moment to come up."""
    import time

    from redis.exceptions import ConnectionError as RedisConnectionError

    deadline = time.monotonic() + seconds
    while True:
        try:
            built.redis.ping()
            return
        except RedisConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def run_worker(*, burst: bool = False) -> None:
    from rq import SimpleWorker

    built = services()
    wait_for_redis(built)
    # Agents and callbacks into Redis before the first caller is matched, then the sweep
    # keeps itself scheduled every IVR_SWEEP_SECONDS.
    built.dispatcher.sweep()
    built.jobs.sweep_done(built.settings.queue.sweep_seconds)
    built.carrier.load_resources()  # not while the first caller waits
    # No work horse per job (see the module's docstring); RQ's job timeouts still apply.
    worker = SimpleWorker([HIGH_QUEUE, DEFAULT_QUEUE], connection=built.redis)
    worker.work(with_scheduler=True, burst=burst)
