"""A waiting line filled to a size for bench/queue_ops, and one call of each operation on it.

The line is realistic rather than uniform: callers with no skills, ``billing`` or ``tech``
(one in twenty a callback, one in twenty a repeat caller waiting for their own agent), and a
dozen agents on shift, all on calls, so nothing matches until an agent is freed. Each size lives
under its own key prefix, so several share one Redis without seeing each other.
"""

from __future__ import annotations

import random
import time

from redis import Redis

from ivr.adapters.redis_line import RedisWaitingLine
from ivr.core.queueing import AgentOnShift, AgentState, EntryKind, LineEntry

try:  # the learned wait model (branch ``ewt``); the bench says so when it is not there
    from ivr.core.waits import WaitEstimator
except ImportError:  # pragma: no cover - depends on the branch merged
    WaitEstimator = None

QUEUE = "support"
T0 = 1_800_000_000.0
"""Epoch seconds of the bench's "now": callers arrived in the hour before."""
SKILL_SETS = ((frozenset(), 5), (frozenset({"billing"}), 3), (frozenset({"tech"}), 2))
"""Skill sets of the callers, with their weights."""
BUSY_AGENTS = (
    frozenset(),
    frozenset({"billing"}),
    frozenset({"tech"}),
    frozenset({"billing", "tech"}),
) * 3
FREED_AGENT_ID = 100
"""The agent freed for ``match``: able to take anyone, offline between those measurements."""
SEED = 20261201


class FilledLine:
    """One size of line, under its own prefix, and one call of each operation on it."""

    def __init__(self, redis: Redis, size: int, *, seed: int = SEED) -> None:
        self.size = size
        self.line = RedisWaitingLine(redis, prefix=f"qb{size}:")
        self.random = random.Random(seed + size)
        self.now = T0
        self._serial = 0
        self._busy_agents()
        self.ids = self._fill()
        self.front, self.middle, self.back = self.ids[0], self.ids[size // 2], self.ids[-1]
        self.earliest = self.line.entry(self.front).arrived_at
        self.latest = self.line.entry(self.back).arrived_at
        self._seed_estimator()
        self.freed = AgentOnShift(
            id=FREED_AGENT_ID,
            name="Freed agent",
            dial_target="client:freed",
            skills=frozenset({"billing", "tech"}),
        )
        self.line.put_agent(
            self.freed, chosen=AgentState.OFFLINE, idle_since=T0 - 3600, now=self.now
        )

    def _new_id(self) -> str:
        self._serial += 1
        return f"CA{self.size:08d}{self._serial:024x}"

    def _busy_agents(self) -> None:
        """Agents on shift and on calls: what a queue with callers waiting looks like."""
        for n, skills in enumerate(BUSY_AGENTS, start=1):
            agent = AgentOnShift(
                id=n, name=f"Agent {n}", dial_target=f"client:agent{n}", skills=skills
            )
            self.line.put_agent(
                agent, chosen=AgentState.AVAILABLE, idle_since=T0 - 7200 + n, now=T0 - 7200
            )
            call = LineEntry(
                id=self._new_id(),
                queue="intake",
                kind=EntryKind.CALLER,
                arrived_at=T0 - 7200 + n,
                skills=skills,
            )
            self.line.join(call, now=T0 - 7200 + n)
            match = self.line.match(now=T0 - 7200 + n)
            if match is None or match.agent.id != n:
                raise RuntimeError(f"could not put agent {n} on a call: matched {match!r}")
            self.line.connect(match.entry.id, n, now=T0 - 7200 + n)
        states = self.line.agent_states()
        if any(state is not AgentState.ON_CALL for state, _, _ in states.values()):
            raise RuntimeError(f"agents should all be on calls: {states}")

    def _caller(self, arrived_at: float) -> LineEntry:
        skills = self.random.choices(
            [s for s, _ in SKILL_SETS], weights=[w for _, w in SKILL_SETS]
        )[0]
        roll = self.random.random()
        extra: dict = {}
        kind = EntryKind.CALLER
        entry_id = self._new_id()
        if roll < 0.05:
            kind = EntryKind.CALLBACK
            entry_id = "cb-" + entry_id
        elif roll < 0.10:  # a repeat caller waiting a while for the (busy) agent they know
            extra = {"preferred_agent": self.random.randrange(1, len(BUSY_AGENTS) + 1)}
            extra["preferred_until"] = T0 + 3600
        return LineEntry(
            id=entry_id,
            queue=QUEUE,
            kind=kind,
            arrived_at=arrived_at,
            skills=skills,
            number=f"+1415555{self.random.randrange(10000):04d}",
            customer_id=self.random.randrange(1, 5000) if roll < 0.5 else None,
            language="en",
            flow="main",
            leg=entry_id if kind is EntryKind.CALLER else None,
            **extra,
        )

    def _fill(self) -> list[str]:
        """``size`` callers who arrived over the last hour, returned front to back."""
        arrivals = sorted(
            round(T0 - 3600 + self.random.random() * 3500, 3) for _ in range(self.size)
        )
        ids = []
        for arrived_at in arrivals:
            entry = self._caller(arrived_at)
            self.line.join(entry, now=arrived_at)
            ids.append(entry.id)
        place = self.line.place(ids[-1], now=self.now)
        if place is None or (place.position, place.waiting) != (self.size, self.size):
            raise RuntimeError(f"the line of {self.size} filled wrong: {place!r}")
        return ids

    def _seed_estimator(self) -> None:
        """A queue's learned wait model, as the app stores it, after a day of calls."""
        if WaitEstimator is None:  # the same eleven numbers' shape, for the GET and the parse
            state = {
                "version": 1,
                "prior": {"handle_seconds": 300.0, "patience_seconds": 600.0, "weight": 3.0},
                "memory_events": 4000.0,
                "calls_handled": 812.4,
                "handle_seconds_total": 231_530.2,
                "callers_abandoned": 96.3,
                "wait_seconds_total": 143_208.9,
                "agents": len(BUSY_AGENTS),
                "updated_at": T0,
            }
        else:
            estimator = WaitEstimator.new()
            for n in range(1000):
                at = T0 - 86400 + n * 80
                estimator.handled(self.random.expovariate(1 / 280), at=at)
                if self.random.random() < 0.1:
                    estimator.abandoned(self.random.expovariate(1 / 200), at=at)
                else:
                    estimator.answered(self.random.expovariate(1 / 150), at=at)
            estimator.staffed(len(BUSY_AGENTS), at=T0)
            state = estimator.to_dict()
        self.line.update_estimator(QUEUE, lambda _old: state)

    # -- one call of each operation: returns the nanoseconds of the timed part -----------------

    def _timed_join(self, arrived_at: float) -> int:
        entry = self._caller(arrived_at)
        start = time.perf_counter_ns()
        self.line.join(entry, now=self.now)
        elapsed = time.perf_counter_ns() - start
        self.line.remove(entry.id, now=self.now)
        return elapsed

    def join_random(self) -> int:
        return self._timed_join(self.random.uniform(self.earliest, self.latest))

    def join_back(self) -> int:
        return self._timed_join(self.now)

    def _timed_place(self, entry_id: str) -> int:
        start = time.perf_counter_ns()
        self.line.place(entry_id, now=self.now)
        return time.perf_counter_ns() - start

    def place_front(self) -> int:
        return self._timed_place(self.front)

    def place_middle(self) -> int:
        return self._timed_place(self.middle)

    def place_back(self) -> int:
        return self._timed_place(self.back)

    def remove_middle(self) -> int:
        start = time.perf_counter_ns()
        entry = self.line.remove(self.middle, now=self.now)
        elapsed = time.perf_counter_ns() - start
        self.line.join(entry, now=self.now)  # same arrival: back at the same place
        return elapsed

    def free_agent(self) -> None:
        self.line.put_agent(
            self.freed, chosen=AgentState.AVAILABLE, idle_since=T0 - 3600, now=self.now
        )

    def busy_agent(self) -> None:
        self.line.put_agent(
            self.freed, chosen=AgentState.OFFLINE, idle_since=T0 - 3600, now=self.now
        )

    def match(self) -> int:
        start = time.perf_counter_ns()
        match = self.line.match(now=self.now)
        elapsed = time.perf_counter_ns() - start
        if match is None:
            raise RuntimeError(f"line of {self.size}: the freed agent was matched to nobody")
        self.line.release(match.entry.id, agent_id=match.agent.id, now=self.now)
        return elapsed

    def release(self) -> int:
        match = self.line.match(now=self.now)
        if match is None:
            raise RuntimeError(f"line of {self.size}: the freed agent was matched to nobody")
        start = time.perf_counter_ns()
        self.line.release(match.entry.id, agent_id=match.agent.id, now=self.now)
        return time.perf_counter_ns() - start

    def snapshot(self) -> int:
        start = time.perf_counter_ns()
        self.line.snapshot(QUEUE, now=self.now)
        return time.perf_counter_ns() - start

    def _timed_estimate(self, entry_id: str) -> int:
        start = time.perf_counter_ns()
        place = self.line.place(entry_id, now=self.now)
        state = self.line.estimator_state(QUEUE)
        if WaitEstimator is not None:
            WaitEstimator.from_dict(state).estimate(
                ahead=place.position - 1, at=self.now, agents=place.agents
            )
        return time.perf_counter_ns() - start

    def estimate_front(self) -> int:
        return self._timed_estimate(self.front)

    def estimate_middle(self) -> int:
        return self._timed_estimate(self.middle)

    def estimate_back(self) -> int:
        return self._timed_estimate(self.back)
