"""bench/queue_ops: the waiting line's operations at 10, 1,000 and 10,000 callers waiting.

Each operation a webhook does, through ``RedisWaitingLine`` exactly as the app calls it, over
loopback to a private ``redis-server`` (no persistence): ``join`` (a new caller, at a random
arrival position and at the back), ``place`` (the caller at the front, middle and back),
``remove`` (a caller in the middle hangs up), ``match`` (an agent is freed and the head is
reserved), ``release`` (the reserved agent did not answer: the entry goes back), ``snapshot``
(the manager's view) and "estimate" (``place``, the queue's learned wait model from Redis, and
its estimate for that place). The size stays constant: what an operation adds or takes away is
put back, untimed, before the next one.

The line is filled as ``bench.filled_line`` describes (a few skill sets, callbacks, repeat
callers, every agent busy). Every size lives in the same Redis under its own key prefix, and
the sizes take turns in short batches, so a slow spell on the machine falls on all of them
alike; the garbage collector is off while timing (its pauses are the app's, not the line's).
Prints p50, p99 and mean per operation and size, and the ratio of the 10,000-waiting figure
to the 10-waiting one (target from the issue: at most 1.5, for p50 and p99).

    python -m bench.queue_ops [--quick] [--redis-server PATH]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis
from redis import __version__ as redis_py_version

from bench.filled_line import SEED, FilledLine, WaitEstimator

SIZES = (10, 1_000, 10_000)
TARGET_RATIO = 1.5
"""10,000-waiting latency over 10-waiting latency, p50 and p99 alike (the issue's target)."""


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...] = SIZES
    repetitions: int = 3000
    """Timed calls per operation and size."""
    batch: int = 10
    """Calls in a row for one size before the next size's turn: short, so that a slow spell
    of a few milliseconds on a shared machine lands on every size, not on one size's p99."""
    warmup: int = 2
    """Untimed calls at the start of every batch (and a whole warm-up round before)."""


FULL = Settings()
QUICK = Settings(repetitions=300)


@dataclass
class Timing:
    op: str
    size: int
    samples_ns: list[int] = field(default_factory=list)

    def _us(self) -> list[float]:
        return sorted(s / 1000 for s in self.samples_ns)

    @property
    def p50_us(self) -> float:
        return statistics.median(self._us())

    @property
    def p99_us(self) -> float:
        values = self._us()
        return values[min(len(values) - 1, int(0.99 * len(values)))]

    @property
    def mean_us(self) -> float:
        return statistics.fmean(self._us())


# -- the line at one size ------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str
    call: Callable[[FilledLine], int]
    before: Callable[[FilledLine], None] | None = None
    after: Callable[[FilledLine], None] | None = None


OPERATIONS = (
    Operation("join (random arrival)", FilledLine.join_random),
    Operation("join (at the back)", FilledLine.join_back),
    Operation("place (front)", FilledLine.place_front),
    Operation("place (middle)", FilledLine.place_middle),
    Operation("place (back)", FilledLine.place_back),
    Operation("remove (middle)", FilledLine.remove_middle),
    Operation(
        "match (agent freed)", FilledLine.match, FilledLine.free_agent, FilledLine.busy_agent
    ),
    Operation(
        "release (no answer)", FilledLine.release, FilledLine.free_agent, FilledLine.busy_agent
    ),
    Operation("snapshot", FilledLine.snapshot),
    Operation("estimate (front)", FilledLine.estimate_front),
    Operation("estimate (middle)", FilledLine.estimate_middle),
    Operation("estimate (back)", FilledLine.estimate_back),
)


@contextmanager
def no_gc() -> Iterator[None]:
    """The collector's pauses belong to the app, not to the line: kept out of the samples."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def measure(redis_url: str, settings: Settings = FULL) -> list[Timing]:
    """Fill a line of each size (own key prefixes, same Redis), then time every operation, the
    sizes taking turns batch by batch. Leaves its keys behind; the caller owns the Redis."""
    redis = Redis.from_url(redis_url)
    try:
        lines = [FilledLine(redis, size) for size in settings.sizes]
        order = random.Random(SEED)
        timings = []
        with no_gc():
            for operation in OPERATIONS:
                timings += _time_operation(operation, lines, settings, order)
        for line in lines:  # the size held throughout
            place = line.line.place(line.back, now=line.now)
            if place.waiting != line.size:
                raise RuntimeError(f"line of {line.size} ended with {place.waiting} waiting")
        return timings
    finally:
        redis.close()


def _time_operation(
    operation: Operation, lines: list[FilledLine], settings: Settings, order: random.Random
) -> list[Timing]:
    per_size = {line.size: Timing(operation.name, line.size) for line in lines}
    batches = -(-settings.repetitions // settings.batch)
    for round_ in range(batches + 1):  # round 0 warms every size up, untimed
        turn = list(lines)
        order.shuffle(turn)
        for line in turn:
            if operation.before:
                operation.before(line)
            for _ in range(settings.warmup):
                operation.call(line)
            count = settings.batch if round_ else settings.batch // 2
            samples = [operation.call(line) for _ in range(count)]
            if operation.after:
                operation.after(line)
            if round_:
                per_size[line.size].samples_ns += samples
    for timing in per_size.values():
        timing.samples_ns = timing.samples_ns[: settings.repetitions]
    return list(per_size.values())


# -- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    op: str
    p50_ratio: float
    p99_ratio: float

    @property
    def passed(self) -> bool:
        return self.p50_ratio <= TARGET_RATIO and self.p99_ratio <= TARGET_RATIO


def verdicts(timings: Sequence[Timing]) -> list[Verdict]:
    """The largest size against the smallest, per operation."""
    sizes = sorted({t.size for t in timings})
    smallest, largest = sizes[0], sizes[-1]
    by_key = {(t.op, t.size): t for t in timings}
    ops = list(dict.fromkeys(t.op for t in timings))
    return [
        Verdict(
            op,
            by_key[op, largest].p50_us / by_key[op, smallest].p50_us,
            by_key[op, largest].p99_us / by_key[op, smallest].p99_us,
        )
        for op in ops
    ]


def report(timings: Sequence[Timing], environment: str) -> str:
    sizes = sorted({t.size for t in timings})
    ratio_head = f"{sizes[-1]}/{sizes[0]}"
    lines = [
        environment,
        f"{'op':<24}{'size':>7}{'p50 µs':>9}{'p99 µs':>9}{'mean µs':>9}"
        f"{ratio_head + ' p50':>14}{ratio_head + ' p99':>14}",
    ]
    verdict_of = {v.op: v for v in verdicts(timings)}
    for timing in timings:
        row = (
            f"{timing.op:<24}{timing.size:>7}{timing.p50_us:>9.0f}{timing.p99_us:>9.0f}"
            f"{timing.mean_us:>9.0f}"
        )
        if timing.size == sizes[-1]:
            verdict = verdict_of[timing.op]
            row += (
                f"{verdict.p50_ratio:>14.2f}{verdict.p99_ratio:>14.2f}"
                f"  {'PASS' if verdict.passed else 'FAIL'}"
            )
        lines.append(row)
    failed = [v.op for v in verdict_of.values() if not v.passed]
    lines.append(
        f"target: {ratio_head} ratio <= {TARGET_RATIO} at p50 and p99: "
        + ("all PASS" if not failed else "FAIL for " + ", ".join(failed))
    )
    if WaitEstimator is None:
        lines.append(
            "(no ivr.core.waits on this branch: 'estimate' is place + estimator_state only)"
        )
    return "\n".join(lines)


def machine() -> str:
    model = ""
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores {model}".rstrip()
        + f", Python {platform.python_version()}, redis-py {redis_py_version}"
    )


# -- a private Redis -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def private_redis(binary: str) -> Iterator[str]:
    """A ``redis-server`` of our own on a free loopback port, nothing saved to disk."""
    workdir = tempfile.mkdtemp(prefix="ivr-bench-redis-")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{binary} did not start on port {port}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK.repetitions} calls per figure"
    )
    parser.add_argument("--redis-server", default=shutil.which("redis-server") or "redis-server")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    with private_redis(args.redis_server) as url:
        server = Redis.from_url(url).info("server")
        started, load_before = time.monotonic(), os.getloadavg()[0]
        timings = measure(url, settings)
        seconds, load_after = time.monotonic() - started, os.getloadavg()[0]
    environment = (
        f"bench/queue_ops: {settings.repetitions} calls per figure, batches of {settings.batch}"
        f" (+{settings.warmup} warm-up), {seconds:.0f} s; Redis {server['redis_version']} over"
        f" loopback, no persistence\n{machine()}; load average {load_before:.1f} before,"
        f" {load_after:.1f} after"
    )
    print(report(timings, environment))
    return 0 if all(v.passed for v in verdicts(timings)) else 1


if __name__ == "__main__":
    sys.exit(main())
