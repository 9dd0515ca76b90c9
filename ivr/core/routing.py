"""Which carrier queue a caller holds in, and which agents may take them.

A flow's queue step names a queue and the skills its callers need (``support`` with
``billing``). The carrier's ``<Dial><Queue>`` always takes the head of a queue, so callers who
need different skills hold in different carrier queues (``support+billing``): an agent rung for
a billing caller then takes the oldest billing caller, never a caller they cannot help. The
queue issue replaces this with one Redis order across skills.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

MAX_CARRIER_QUEUE_NAME = 64
"""Twilio's limit on a queue's name."""


def carrier_queue_name(queue: str, skills: Iterable[str]) -> str:
    """``support`` for no skills, ``support+billing+tech`` for several (sorted, so stable)."""
    name = "+".join([queue, *sorted(set(skills))])
    if len(name) > MAX_CARRIER_QUEUE_NAME:
        raise ValueError(f"queue {name!r} is longer than {MAX_CARRIER_QUEUE_NAME} characters")
    return name


@dataclass(frozen=True)
class WaitingCaller:
    call_sid: str
    queue: str
    """The carrier queue they hold in."""
    skills: frozenset[str]
    since: datetime


@dataclass(frozen=True)
class FreeAgent:
    id: int
    name: str
    dial_target: str
    """E.164 number or ``client:<identity>``."""
    skills: frozenset[str]

    def can_take(self, caller: WaitingCaller) -> bool:
        return caller.skills <= self.skills


@dataclass(frozen=True)
class Assignment:
    agent: FreeAgent
    queue: str


def assign(
    waiting: list[WaitingCaller], ringing: dict[str, int], free: list[FreeAgent]
) -> tuple[list[Assignment], list[WaitingCaller]]:
    """Ring the longest-idle capable agent for each caller nobody is ringing for yet.

    ``waiting`` is oldest first, ``free`` longest idle first, ``ringing`` counts the agent legs
    already ringing for each carrier queue (each covers that queue's oldest caller). Returns
    the assignments and the callers left without an agent.
    """
    covered = dict(ringing)
    available = list(free)
    assignments: list[Assignment] = []
    unserved: list[WaitingCaller] = []
    for caller in waiting:
        if covered.get(caller.queue, 0) > 0:
            covered[caller.queue] -= 1
            continue
        agent = next((a for a in available if a.can_take(caller)), None)
        if agent is None:
            unserved.append(caller)
            continue
        available.remove(agent)
        assignments.append(Assignment(agent=agent, queue=caller.queue))
    return assignments, unserved
