"""One set of services per worker process, built before RQ forks its work horses.

Jobs look their dependencies up here instead of building an app per job: the database engine,
the Redis connection and the carrier client are made once (and, for later issues, the Vosk
model is loaded once and shared copy-on-write with every work horse).
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
    from rq import Worker

    built = services()
    wait_for_redis(built)
    # Agents and callbacks into Redis before the first caller is matched, then the sweep
    # keeps itself scheduled every IVR_SWEEP_SECONDS.
    built.dispatcher.sweep()
    built.jobs.sweep_done(built.settings.queue.sweep_seconds)
    worker = Worker([HIGH_QUEUE, DEFAULT_QUEUE], connection=built.redis)
    worker.work(with_scheduler=True, burst=burst)
