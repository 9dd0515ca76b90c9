"""``WaitingLine`` on Redis: one atomic Lua script per operation.

Two web workers and two RQ workers share one Redis, so every operation that reads and then
writes (join keeping the first place, reserving an agent for an entry, releasing it) is a single
script: Redis runs scripts one at a time, so no agent or caller is ever reserved twice.

Layout (``ivr:`` prefix): ``e:<id>`` hash per entry; ``line:<queue>|<skills>`` sorted set per
queue and skill set (score: priority, then arrival); ``lines`` and ``lines:<queue>`` sets of
those; ``deferred`` (callbacks not callable yet, by time); ``reserved`` (by reservation time,
for the sweep); ``a:<id>`` hash per agent; ``agents`` set; ``available`` (by idle-since);
``timers`` (wrap-up and not-ready ends). Joining, a place in line and leaving cost O(log n) in
the callers waiting (ZADD, ZCOUNT, ZREM) times the few skill sets of a queue; a match reads each
line's head, not its length. Counting the agents able to take an entry (``place_of``,
``snapshot``) reads every agent's hash: linear in the agents on shift (``bench/README.md``).

What every script keeps true, so a sequence of scripts from several processes can be reasoned
about one script at a time (``tests/line_checks.py`` asserts it after the tests' operations,
and in the end-to-end tests while the processes run):

- an entry's hash ``e:<id>`` exists exactly when its id is in one, and only one, of its line
  (state ``waiting``, at the hash's own ``score``), ``deferred`` (state ``deferred``) or
  ``reserved`` (state ``reserved``, for an agent whose hash is ``reserved`` for it); connecting
  and removing delete the hash and the id together;
- every line is in ``lines`` and in its queue's ``lines:<queue>``;
- one order: score (priority, then arrival in microseconds), then id byte by byte, as a sorted
  set keeps equal scores. The entries waiting in a queue stand at places 1 to n, none shared,
  and of the entries a free agent can take the matcher reserves the first in that order.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from redis import Redis

from ivr.core.console import LiveAgentState
from ivr.core.queueing import (
    AgentOnShift,
    AgentState,
    EntryKind,
    LineEntry,
    LineSnapshot,
    Match,
    Place,
    line_score,
)

SCAN_DEPTH = 50
"""How far into a line the matcher looks past repeat callers waiting for their own agent."""

_OPTIONAL = (
    "number",
    "customer_id",
    "language",
    "flow",
    "step",
    "preferred_agent",
    "preferred_until",
    "leg",
)


@cache
def _source(name: str) -> str:
    folder = resources.files("ivr.adapters") / "lua"
    return (folder / "common.lua").read_text() + "\n" + (folder / f"{name}.lua").read_text()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _fields(flat: list[Any]) -> dict[str, str]:
    return {_text(flat[i]): _text(flat[i + 1]) for i in range(0, len(flat), 2)}


def _skills_csv(skills: frozenset[str]) -> str:
    return ",".join(sorted(skills))


def entry_from(entry_id: str, fields: dict[str, str]) -> LineEntry:
    def number(name: str, kind: type = int) -> Any:
        value = fields.get(name)
        return kind(value) if value not in (None, "") else None

    return LineEntry(
        id=entry_id,
        queue=fields["queue"],
        kind=EntryKind(fields.get("kind", "caller")),
        arrived_at=float(fields["arrived"]),
        skills=frozenset(s for s in fields.get("skills", "").split(",") if s),
        priority=int(fields.get("priority", "0")),
        number=fields.get("number") or None,
        customer_id=number("customer_id"),
        language=fields.get("language") or None,
        flow=fields.get("flow") or None,
        step=fields.get("step") or None,
        preferred_agent=number("preferred_agent"),
        preferred_until=number("preferred_until", float),
        leg=fields.get("leg") or None,
    )


class RedisWaitingLine:
    def __init__(self, redis: Redis, *, prefix: str = "ivr:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._scripts = {
            name: redis.register_script(_source(name))
            for name in (
                "join",
                "place",
                "remove",
                "match",
                "release",
                "connect",
                "agent_done",
                "agent_put",
                "snapshot",
            )
        }
        self._hset_if_exists = redis.register_script(
            "if redis.call('EXISTS', KEYS[1]) == 1 then "
            "return redis.call('HSET', KEYS[1], unpack(ARGV)) end return 0"
        )

    def _run(self, name: str, now: float, *args: Any) -> Any:
        return self._scripts[name](args=[self.prefix, repr(now), *args])

    # -- entries -----------------------------------------------------------------------------

    def join(self, entry: LineEntry, *, now: float, not_before: float | None = None) -> Place:
        """Add an entry at its place (priority, then arrival); joining twice keeps the first."""
        pairs: list[str] = [
            "kind",
            str(entry.kind),
            "arrived",
            repr(entry.arrived_at),
            "priority",
            str(entry.priority),
        ]
        for name in _OPTIONAL:
            value = getattr(entry, name)
            if value is not None:
                pairs += [name, str(value)]
        result = self._run(
            "join",
            now,
            entry.id,
            entry.queue,
            _skills_csv(entry.skills),
            str(line_score(entry.arrived_at, entry.priority)),
            repr(not_before) if not_before is not None else "",
            *pairs,
        )
        return _place(result)

    def place(self, entry_id: str, *, now: float) -> Place | None:
        result = self._run("place", now, entry_id)
        return _place(result) if result else None

    def entry(self, entry_id: str) -> LineEntry | None:
        raw = self.redis.hgetall(self.prefix + "e:" + entry_id)
        fields = {_text(k): _text(v) for k, v in raw.items()}
        return entry_from(entry_id, fields) if fields else None

    def state_of(self, entry_id: str) -> str | None:
        value = self.redis.hget(self.prefix + "e:" + entry_id, "state")
        return _text(value) if value is not None else None

    def note(self, entry_id: str, **fields: str | float | int) -> None:
        """Remember something about an entry that is still in line (when it was last told its
        place, say); nothing when it has left."""
        flat = [x for name, value in fields.items() for x in (name, str(value))]
        self._hset_if_exists(keys=[self.prefix + "e:" + entry_id], args=flat)

    def noted(self, entry_id: str, name: str) -> str | None:
        value = self.redis.hget(self.prefix + "e:" + entry_id, name)
        return _text(value) if value is not None else None

    def remove(self, entry_id: str, *, now: float) -> LineEntry | None:
        """Take an entry out of line (left, hung up, became a callback)."""
        fields = _fields(self._run("remove", now, entry_id))
        return entry_from(entry_id, fields) if fields else None

    # -- matching ----------------------------------------------------------------------------

    def match(self, *, now: float) -> Match | None:
        """Reserve the best entry and agent for each other, or None when nobody can be served."""
        result = self._run("match", now, str(SCAN_DEPTH))
        if not result:
            return None
        entry_id, agent_id = _text(result[0]), _text(result[1])
        entry = self.entry(entry_id)
        agent = self.agent(int(agent_id))
        if entry is None or agent is None:  # cannot happen inside one script; be safe anyway
            self.release(entry_id, agent_id=int(agent_id), now=now)
            return None
        return Match(entry=entry, agent=agent)

    def release(
        self,
        entry_id: str,
        *,
        agent_id: int | None,
        now: float,
        agent_not_ready_until: float | None = None,
        entry_not_before: float | None = None,
    ) -> bool:
        """The reserved agent did not take the entry: the entry goes back to its place (the
        head of its line, as before) and the agent is available, or not ready until a time."""
        after = "not-ready" if agent_not_ready_until is not None else "available"
        released = self._run(
            "release",
            now,
            entry_id,
            str(agent_id) if agent_id is not None else "",
            after,
            repr(agent_not_ready_until or now),
            repr(entry_not_before) if entry_not_before is not None else "",
        )
        return bool(released)

    def connect(self, entry_id: str, agent_id: int, *, now: float) -> LineEntry | None:
        """The agent took the entry; None when it was not (or no longer) reserved for them."""
        fields = _fields(self._run("connect", now, entry_id, str(agent_id)))
        return entry_from(entry_id, fields) if fields else None

    def reserved_since(self, *, before: float) -> list[tuple[str, float]]:
        """Entries reserved before a time (for the sweep: a lost event left them there)."""
        rows = self.redis.zrangebyscore(self.prefix + "reserved", "-inf", before, withscores=True)
        return [(_text(member), float(score)) for member, score in rows]

    def waiting_ids(self) -> list[str]:
        ids: list[str] = []
        for line in self.redis.smembers(self.prefix + "lines"):
            ids += [_text(m) for m in self.redis.zrange(_text(line), 0, -1)]
        ids += [_text(m) for m in self.redis.zrange(self.prefix + "deferred", 0, -1)]
        return ids

    # -- agents ------------------------------------------------------------------------------

    def put_agent(
        self,
        agent: AgentOnShift,
        *,
        chosen: AgentState,
        idle_since: float,
        now: float,
        force: bool = True,
    ) -> AgentState:
        """Register or update an agent; ``chosen`` applies unless they are busy with a call
        (then when it ends). Without ``force`` a known agent keeps their live state."""
        state = self._run(
            "agent_put",
            now,
            str(agent.id),
            agent.name,
            agent.dial_target,
            _skills_csv(agent.skills),
            str(chosen),
            repr(idle_since),
            "1" if force else "0",
        )
        return AgentState(_text(state))

    def forget_agent(self, agent_id: int) -> None:
        key = self.prefix + "a:" + str(agent_id)
        with self.redis.pipeline() as pipe:
            pipe.srem(self.prefix + "agents", str(agent_id))
            pipe.zrem(self.prefix + "available", str(agent_id))
            pipe.zrem(self.prefix + "timers", str(agent_id))
            pipe.delete(key)
            pipe.execute()

    def agent_done(self, agent_id: int, *, wrap_up_seconds: int, now: float) -> None:
        """The agent's call ended: wrap-up (timed), then available; idle from now."""
        self._run("agent_done", now, str(agent_id), str(wrap_up_seconds))

    def agent(self, agent_id: int) -> AgentOnShift | None:
        fields = {
            _text(k): _text(v)
            for k, v in self.redis.hgetall(self.prefix + "a:" + str(agent_id)).items()
        }
        if not fields:
            return None
        return AgentOnShift(
            id=agent_id,
            name=fields.get("name", ""),
            dial_target=fields.get("target", ""),
            skills=frozenset(s for s in fields.get("skills", "").split(",") if s),
        )

    def agent_state(self, agent_id: int) -> LiveAgentState | None:
        """One agent's live state (their console asks every few seconds: one HMGET)."""
        state, entry, since, until, chosen = self.redis.hmget(
            self.prefix + "a:" + str(agent_id), "state", "entry", "since", "until", "chosen"
        )
        if state is None:
            return None
        live = AgentState(_text(state))
        timed = live in (AgentState.WRAP_UP, AgentState.NOT_READY)
        return LiveAgentState(
            state=live,
            since=_moment(since),
            # ``until`` stays behind after a timed state ends; only a timer running counts.
            until=_moment(until)
            if timed and self.redis.zscore(self.prefix + "timers", str(agent_id)) is not None
            else None,
            chosen=AgentState(_text(chosen)) if chosen is not None else None,
            entry_id=_text(entry) if entry is not None else None,
        )

    def agent_states(self) -> dict[int, tuple[AgentState, str | None, float | None]]:
        """Every agent's live state, the entry they are busy with, and the state's start."""
        states: dict[int, tuple[AgentState, str | None, float | None]] = {}
        for raw in self.redis.smembers(self.prefix + "agents"):
            agent_id = _text(raw)
            state, entry, since = self.redis.hmget(
                self.prefix + "a:" + agent_id, "state", "entry", "since"
            )
            if state is None:
                continue
            states[int(agent_id)] = (
                AgentState(_text(state)),
                _text(entry) if entry is not None else None,
                float(_text(since)) if since is not None else None,
            )
        return states

    def next_timer(self) -> float | None:
        """When the next wrap-up or not-ready ends, or the next deferred callback is due."""
        times = []
        for key in ("timers", "deferred"):
            head = self.redis.zrange(self.prefix + key, 0, 0, withscores=True)
            if head:
                times.append(float(head[0][1]))
        return min(times) if times else None

    # -- reporting ---------------------------------------------------------------------------

    def snapshot(self, queue: str, *, now: float) -> LineSnapshot:
        waiting, head_arrived, available, staffed = self._run("snapshot", now, queue)
        longest = 0.0
        if _text(head_arrived):
            longest = max(0.0, now - float(_text(head_arrived)))
        return LineSnapshot(
            name=queue,
            waiting=int(waiting),
            agents_available=int(available),
            agents_staffed=int(staffed),
            longest_wait_seconds=longest,
        )

    def queue_names(self) -> list[str]:
        names = {
            _text(line)[len(self.prefix) + 5 :].split("|")[0]
            for line in self.redis.smembers(self.prefix + "lines")
        }
        return sorted(names)

    # -- learned wait model ------------------------------------------------------------------

    def estimator_state(self, queue: str) -> dict | None:
        raw = self.redis.get(self.prefix + "ewt:" + queue)
        return json.loads(raw) if raw else None

    def update_estimator(self, queue: str, change) -> None:
        """Read-modify-write the queue's learned wait model, optimistically (WATCH)."""
        key = self.prefix + "ewt:" + queue

        def transaction(pipe) -> None:
            raw = pipe.get(key)
            state = change(json.loads(raw) if raw else None)
            pipe.multi()
            pipe.set(key, json.dumps(state))

        self.redis.transaction(transaction, key)


def _moment(value: Any) -> datetime | None:
    return datetime.fromtimestamp(float(_text(value)), tz=UTC) if value is not None else None


def _place(result: list[Any]) -> Place:
    position, waiting, staffed, available = (int(x) for x in result[:4])
    return Place(position=position, waiting=waiting, agents=staffed, agents_available=available)
