"""Work handed to RQ: the web process enqueues, the worker runs ``workers.*``.

Jobs are named by dotted path so the web process never imports worker code, and every job that
talks to the outside world is retried (RQ ``Retry``) rather than lost.
"""

from __future__ import annotations

from datetime import timedelta

from redis import Redis
from rq import Queue, Retry

from ivr.core.calls import CallStatus

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

    def agent_leg_ended(self, call_sid: str, agent_id: int, status: CallStatus) -> None:
        self.high.enqueue(
            "workers.dispatch.agent_leg_ended", call_sid, agent_id, str(status), retry=_RETRY
        )

    # LookAgainLater port (worker side): needs `rq worker --with-scheduler`.
    def look_again(self, after: timedelta) -> None:
        self.high.enqueue_in(after, "workers.dispatch.dispatch", retry=_RETRY)
