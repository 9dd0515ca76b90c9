"""bench/dispatch: an agent frees up, the next caller is bridged; p50/p99 in the sandbox.

The whole product, as production runs it: a private redis-server, SQLite (migrated, demo
seed), the sandbox carrier in real time (time_scale=1), the app under gunicorn (2 workers,
4 threads, the Procfile's settings on PostgreSQL) and an ``ivr worker`` (RQ, with its
scheduler), with IVR_WRAP_UP_SECONDS=0. N callers queue while every agent is offline (a new
caller presses 1 for English, then 0 for a person; they join in a known order); then the K
agents go available.
Each agent's phone ("manual" policy) is played by a thread that answers the moment it rings
and presses 1 the moment the whisper starts (barging in, as the Gather allows): no human
reaction time and no listening to the whole whisper. Each time a caller is bridged, the thread
hangs that caller up at once; that hang-up (t0) frees the agent, and for the agent's next
caller the bench measures

    t0 -> the agent's phone rings   the app's dispatch latency (Dial action, RQ job, match in
                                    Redis, REST redirect, connect document)
    t0 -> the caller is bridged     plus the sandbox's ring, answer, whisper and keypress

from the sandbox's own records (call creation, ringing and bridge times on its monotonic
clock, microsecond resolution; the hang-up is stamped on the same clock just before it is
asked for). The baseline, in the same run and with the same sandbox and agent threads: a bare
Flask app under the same gunicorn settings serving the same TwiML shapes (hold, connect with
the same words and a <Dial><Number url>, whisper, take) while the bench itself REST-redirects
the next caller the moment an agent hangs up: the carrier's own minimum turnaround.

Checked while measuring: every caller bridged exactly once, in the order they joined the line,
and no agent phone ever on two calls. Target (issue): p99 of agent free -> bridged < 1 s.

    python -m bench.dispatch [--callers 40] [--agents 2] [--quick]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC

from bench.dispatch_live import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BARE_NUMBER,
    GUNICORN,
    MAX_CALLS,
    AgentPhone,
    System,
    agent_phones,
    queue_callers,
    running,
)
from ivr.adapters.twilio_rest import make_client
from ivr.core.queueing import AgentState
from ivr.sandbox.handles import CallHandle

TARGET_SECONDS = 1.0
"""What the connect document says before it dials the agent, and how long the sandbox takes
to say it (its fixed rate, 0.4 s a word): part of every connection, the app's and the
baseline's alike."""


# -- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnaround:
    """From an agent's hang-up (t0) to that agent's next caller."""

    agent: str
    t0: float
    dialled: float
    rang: float
    bridged: float
    caller_sid: str


def turnarounds(phones: list[AgentPhone]) -> list[Turnaround]:
    found = []
    for phone in phones:
        for before, after in zip(phone.served, phone.served[1:], strict=False):
            found.append(
                Turnaround(
                    phone.number,
                    before.hung_up,
                    after.dialled,
                    after.rang,
                    after.bridged,
                    after.caller_sid,
                )
            )
    return sorted(found, key=lambda t: t.t0)


def connect_asked(system: System, samples: list[Turnaround]) -> list[float]:
    """t0 -> the caller's connect document requested: the app's part of the ring latency
    (what follows is that document: its words to the caller, then the agent is dialled)."""
    requests = system.sandbox.requests
    found = []
    for t in samples:
        asked = next(
            (
                at
                for r in requests
                if r.call_sid == t.caller_sid
                and r.kind == "redirect"
                and "/connect" in r.url
                and (at := system.at_seconds(r.at)) is not None
            ),
            None,
        )
        if asked is not None:
            found.append(asked - t.t0)
    return found


def _wait_served(phones: list[AgentPhone], count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while sum(len(p.served) for p in phones) < count:
        errors = [e for p in phones for e in p.errors]
        if errors:
            raise RuntimeError("an agent's phone went wrong: " + "; ".join(errors[:3]))
        if time.monotonic() > deadline:
            done = sum(len(p.served) for p in phones)
            raise RuntimeError(f"only {done} of {count} callers were served in {seconds:g} s")
        time.sleep(0.05)


def run_product(system: System, phones: list[AgentPhone], callers: int) -> list[CallHandle]:
    queued = queue_callers(system, callers)
    for phone in phones:
        phone.start()
    dispatcher = system.services.dispatcher
    plain_dispatch = dispatcher.dispatch

    def dispatch() -> list[str]:  # what the bench's own dispatches matched, and when
        at = time.time()
        acted = plain_dispatch()
        system.matched.append((at, acted))
        return acted

    dispatcher.dispatch = dispatch  # type: ignore[method-assign]
    dispatcher.sync_agents()
    for phone in phones:  # as the API or the agents' consoles would (then a dispatch)
        dispatcher.set_agent_status(system.agent_ids[phone.number], AgentState.AVAILABLE)
    dispatcher.dispatch()
    _wait_served(phones, callers, seconds=30 + 10 * callers)
    for call in queued:
        call.wait_for_status(timeout=15)
    for phone in phones:
        phone.stop()
    return queued


def run_baseline(system: System, phones: list[AgentPhone], callers: int) -> None:
    """The same carrier steps with nothing behind them: the bench redirects the next caller
    itself, over the same REST API, the moment an agent hangs up."""
    calls = []
    for n in range(callers):
        call = system.sandbox.dial(BARE_NUMBER, from_=f"+1415556{1000 + n:04d}")
        call.wait_for_queue(timeout=30)
        calls.append(call)
    waiting = deque(calls)
    lock = threading.Lock()
    client = make_client(ACCOUNT_SID, AUTH_TOKEN, system.sandbox.base_url)

    def connect_next(phone: AgentPhone) -> None:
        with lock:
            if not waiting:
                return
            call = waiting.popleft()
        url = f"{system.bare_url}/bare/connect?agent={phone.number.replace('+', '%2B')}"
        client.calls(call.sid).update(url=url, method="POST")

    for phone in phones:
        phone.served.clear()
        phone.start(on_free=connect_next)
    for phone in phones:
        connect_next(phone)
    _wait_served(phones, callers, seconds=30 + 10 * callers)
    for phone in phones:
        phone.stop()


# -- checking --------------------------------------------------------------------------------


def match_order(system: System) -> list[str]:
    """The entries the dispatcher matched, in order: each dispatch returns the entries it
    acted on; the worker's are kept by RQ with their start times, the bench's own (agents
    going available) were noted as they ran."""
    from rq import Queue
    from rq.job import Job

    high = Queue("high", connection=system.services.redis)
    jobs = Job.fetch_many(high.finished_job_registry.get_job_ids(), connection=high.connection)
    runs = list(system.matched)
    for job in jobs:
        if job is not None and job.func_name == "workers.dispatch.dispatch" and job.started_at:
            runs.append((job.started_at.replace(tzinfo=UTC).timestamp(), job.return_value() or []))
    return [entry for _, acted in sorted(runs, key=lambda run: run[0]) for entry in acted]


def check_product(system: System, phones: list[AgentPhone], queued: list[CallHandle]) -> list[str]:
    """Every caller bridged exactly once, in the order they joined, no agent on two calls."""
    problems = []
    served = [s for p in phones for s in p.served]
    counts = Counter(s.caller_sid for s in served)
    twice = [sid for sid, n in counts.items() if n > 1]
    never = [c.sid for c in queued if counts[c.sid] == 0]
    if twice or never:
        problems.append(f"bridged twice: {twice}; never bridged: {never}")
    arrival = [c.sid for c in queued]
    matched = match_order(system)
    if matched != arrival:
        first = next(
            (i for i, (a, b) in enumerate(zip(arrival, matched, strict=False)) if a != b),
            min(len(arrival), len(matched)),
        )
        problems.append(f"not in arrival order: caller {first} of the line was not matched {first}")
    engine = system.sandbox.engine
    for phone in phones:
        with engine.lock:
            legs = sorted(
                (engine.calls[sid] for sid in engine.device(phone.number).rung),
                key=lambda c: c.created_at,
            )
            spans = [(system.at_seconds(c.created_at), c.ended_at_seconds, c.sid) for c in legs]
        for (_, ended, sid), (started, _, next_sid) in zip(spans, spans[1:], strict=False):
            if ended is None or started is None or started < ended:
                problems.append(f"{phone.number} on two calls at once: {sid} and {next_sid}")
    return problems


# -- reporting -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the value at or below which p % of the samples lie."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> tuple[float, float, float, float, int]:
    return (
        percentile(values, 50),
        percentile(values, 90),
        percentile(values, 99),
        max(values),
        len(values),
    )


def print_table(rows: list[tuple[str, list[float], list[float]]]) -> None:
    print(f"{'ms':<34}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}{'n':>5}   ratio p50, p99")
    for name, ours, base in rows:
        if not ours:
            continue
        p50, p90, p99, top, n = summary(ours)
        cells = f"{name:<34}{p50 * 1e3:>8.0f}{p90 * 1e3:>8.0f}{p99 * 1e3:>8.0f}{top * 1e3:>8.0f}"
        ratio = ""
        if base:
            b50, _, b99, _, _ = summary(base)
            ratio = f"   {p50 / b50:.2f}, {p99 / b99:.2f}"
        print(f"{cells}{n:>5}{ratio}")


def breakdown(system: System, samples: list[Turnaround]) -> list[tuple[str, list[float]]]:
    """Where the time goes, from the sandbox's request log (each request's start) and RQ's
    job records (wall clock, mapped onto the sandbox's clock)."""
    from rq import Queue
    from rq.job import Job

    requests = system.sandbox.requests
    high = Queue("high", connection=system.services.redis)
    jobs = Job.fetch_many(high.finished_job_registry.get_job_ids(), connection=high.connection)
    job_times = sorted(
        (
            system.wall_to_seconds(j.enqueued_at.replace(tzinfo=UTC)),
            system.wall_to_seconds(j.started_at.replace(tzinfo=UTC)),
            system.wall_to_seconds(j.ended_at.replace(tzinfo=UTC)),
        )
        for j in jobs
        if j is not None and j.func_name == "workers.dispatch.dispatch" and j.ended_at
    )
    steps: dict[str, list[float]] = {}

    def add(name: str, value: float | None) -> None:
        if value is not None:
            steps.setdefault(name, []).append(value)

    for s in samples:
        mine = [r for r in requests if r.call_sid == s.caller_sid]
        dialed = next(
            (
                system.at_seconds(r.at)
                for r in requests
                if "/voice/queue/dialed" in r.url and (system.at_seconds(r.at) or 0) >= s.t0
            ),
            None,
        )
        redirected = next(
            (system.at_seconds(r.at) for r in mine if r.params.get("QueueResult") == "redirected"),
            None,
        )
        connect = next(
            (system.at_seconds(r.at) for r in mine if "/voice/queue/connect" in r.url), None
        )
        job = next((j for j in job_times if dialed is not None and j[0] >= dialed), None)
        add("hang-up -> Dial action request", dialed - s.t0 if dialed else None)
        if job and dialed is not None:
            add("  action -> dispatch job enqueued", job[0] - dialed)
            add("  enqueued -> job started (pickup)", job[1] - job[0])
            add("  job started -> ended", job[2] - job[1])
        if dialed is not None and redirected is not None:
            add("action -> REST redirect seen", redirected - dialed)
        if redirected is not None and connect is not None:
            add("  queue-done -> connect request", connect - redirected)
        if connect is not None:
            add("connect request -> agent dialled", s.dialled - connect)
        add("agent dialled -> phone rings", s.rang - s.dialled)
        add("phone rings -> bridged", s.bridged - s.rang)
    return list(steps.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=40)
    parser.add_argument("--agents", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="10 callers, a shorter baseline")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the sandbox's request log
    callers = 10 if args.quick and args.callers == 40 else args.callers
    if not 1 <= args.agents < callers or callers + args.agents > MAX_CALLS:
        parser.error(f"need 1 <= agents < callers and callers + agents <= {MAX_CALLS}")
    if shutil.which("redis-server") is None:
        print("bench/dispatch needs redis-server (apt-get install redis-server)")
        return 2
    baseline_callers = max(args.agents + 1, min(callers, 10 if args.quick else 20))

    started = time.monotonic()
    with running(agents=args.agents) as system:
        phones = [AgentPhone(system, number) for number in agent_phones(args.agents)]
        queued = run_product(system, phones, callers)
        ours = turnarounds(phones)
        problems = check_product(system, phones, queued)
        steps = breakdown(system, ours)
        ours_asked = connect_asked(system, ours)
        run_baseline(system, phones, baseline_callers)
        base = turnarounds(phones)
        base_asked = connect_asked(system, base)

    print(
        f"\nbench/dispatch: {callers} callers, {args.agents} agents, sandbox time_scale=1, "
        f"gunicorn {' '.join(GUNICORN)}, ivr worker (RQ), SQLite, wrap-up 0 s, "
        f"{os.cpu_count()} cores, {time.monotonic() - started:.0f} s"
    )
    print("agents answer at the first ring and press 1 as the whisper starts (no reaction time)")

    def rings(samples: list[Turnaround]) -> list[float]:
        return [t.rang - t.t0 for t in samples]

    def bridged(samples: list[Turnaround]) -> list[float]:
        return [t.bridged - t.t0 for t in samples]

    print_table(
        [
            ("agent free -> connect asked", ours_asked, base_asked),
            ("agent free -> phone rings", rings(ours), rings(base)),
            ("agent free -> caller bridged", bridged(ours), bridged(base)),
        ]
    )
    print(f"baseline: bare Flask app, same TwiML shapes, the bench redirecting ({len(base)} runs)")
    print("\nwhere the time goes (ms):")
    print_table([(name, values, []) for name, values in steps])
    print(
        f"\ncorrectness: {len(queued)} callers, each bridged exactly once, in arrival order, "
        f"no agent on two calls: {'yes' if not problems else 'NO'}"
    )
    for problem in problems:
        print("  " + problem)
    p99 = percentile(bridged(ours), 99)
    met = p99 < TARGET_SECONDS and not problems
    print(
        f"agent free -> bridged p99 {p99 * 1e3:.0f} ms (target < {TARGET_SECONDS * 1e3:.0f} ms): "
        f"{'PASS' if met else 'FAIL'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
