"""Work handed to RQ: the web process enqueues, the worker runs ``workers.*``.

Jobs are named by dotted path so the web process never imports worker code, and every job that
talks to the outside world is retried (RQ ``Retry``) rather than lost.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue, Retry

DEFAULT_QUEUE = "default"
HIGH_QUEUE = "high"
"""Work a caller is waiting on (ringing an agent) goes ahead of the backlog."""

_RETRY = Retry(max=3, interval=[1, 5, 15])


class RqJobs:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.high = Queue(HIGH_QUEUE, connection=redis)
        self.default = Queue(DEFAULT_QUEUE, connection=redis)

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

    def sweep_every(self, seconds: int) -> None:
        """Keep one sweep scheduled (the sweep schedules its successor)."""
        if self.redis.set("ivr:sweep-scheduled", "1", nx=True, ex=seconds * 3):
            self.default.enqueue_in(timedelta(seconds=seconds), "workers.dispatch.sweep")

    def sweep_done(self, seconds: int) -> None:
        self.redis.delete("ivr:sweep-scheduled")
        self.sweep_every(seconds)
