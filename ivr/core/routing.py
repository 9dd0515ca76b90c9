"""The name of the carrier queue a caller holds in.

A flow's queue step names a queue and the skills its callers need (``support`` with
``billing``). The order they are served in is the Redis line's (``ivr.core.queueing``); the
carrier's queue only holds the call, named ``support+billing`` so a hold webhook says which
queue and skills it is for.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_CARRIER_QUEUE_NAME = 64
"""Twilio's limit on a queue's name."""


def carrier_queue_name(queue: str, skills: Iterable[str]) -> str:
    """``support`` for no skills, ``support+billing+tech`` for several (sorted, so stable)."""
    name = "+".join([queue, *sorted(set(skills))])
    if len(name) > MAX_CARRIER_QUEUE_NAME:
        raise ValueError(f"queue {name!r} is longer than {MAX_CARRIER_QUEUE_NAME} characters")
    return name
