"""bench/webhooks: the app's webhooks against a bare Flask route, same server, same load.

64 concurrent connections of signed requests (wrk, replaying pre-signed requests) against
``/voice/incoming`` (a new call: caller lookup, call record, greeting and first menu) and a menu
step (key 1 pressed in the main menu), then, with the same gunicorn settings, against a bare
Flask route that returns a fixed TwiML document. Prints requests/s, p50 and p99 for each and the
ratio to the baseline, and the CPU the server's processes spent per request (from /proc: less
disturbed by the machine's other load than the rates). Targets (issue 3): ratio >= 0.5 and
p99 < 50 ms on a 2-core machine.

Every server runs with the production settings, ``gunicorn.conf.py`` (the Procfile's web
process: 2 processes, of 1 thread on SQLite and 4 on PostgreSQL, access log on;
``IVR_BENCH_GUNICORN`` adds options after it). Each request comes on a new connection, as from
a proxy without upstream keep-alive (nginx's default, and all a sync worker serves);
``--keep-alive`` keeps wrk's connections open instead.

Each round runs every target once, seconds apart, with all servers up; the figures are medians
over the rounds and each ratio is taken within its round, because this machine's other load
drifts by more than the differences measured.

    python -m bench.webhooks [--seconds 10] [--rounds 3] [--database sqlite|postgresql]
                             [--keep-alive] [--no-breakdown]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import requests
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.migrate import upgrade
from ivr.seed import DEMO_BUSINESS_NUMBER, DEMO_CUSTOMERS, seed_demo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ACCOUNT_SID = "AC" + "be" * 16
AUTH_TOKEN = secrets.token_hex(16)
CONCURRENCY = 64
GUNICORN = [
    "--config",
    str(ROOT / "gunicorn.conf.py"),
    *os.environ.get("IVR_BENCH_GUNICORN", "").split(),
]
"""The production settings for every server, then any options given to the bench."""


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    server_cpu_us: float = 0.0
    """CPU seconds the server's processes spent during the run, per request, in µs."""


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, seconds: float = 20) -> None:
    """Until the server answers at all (any status: the bare app has no /healthz)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start_gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, *GUNICORN, "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log: written, as in production, then dropped
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz")
    return process


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a gunicorn master and its live workers (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(c) for c in children.read_text().split())] if children.exists() else [pid]
    total = 0.0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that just exited
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def load_average() -> float:
    return os.getloadavg()[0]


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


def signed_line(validator: RequestValidator, base: str, path: str, params: dict[str, str]) -> str:
    signature = validator.compute_signature(base + path, params)
    return f"{path}\t{urlencode(params)}\t{signature}\n"


def call_params(n: int, call_sid: str) -> dict[str, str]:
    known = DEMO_CUSTOMERS[n % len(DEMO_CUSTOMERS)].number
    caller = known if n % 4 == 0 else f"+1415555{n % 10000:04d}"
    return {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT_SID,
        "From": caller,
        "To": DEMO_BUSINESS_NUMBER,
        "CallStatus": "ringing",
        "ApiVersion": "2010-04-01",
        "Direction": "inbound",
    }


def first_menu_path(base: str, port: int, validator: RequestValidator) -> str:
    """Ask the app itself where its first menu's answers go (its Gather action)."""
    params = call_params(1, "CA" + "f" * 32)
    response = requests.post(
        f"http://127.0.0.1:{port}/voice/incoming",
        data=params,
        headers={
            "X-Twilio-Signature": validator.compute_signature(base + "/voice/incoming", params)
        },
        timeout=5,
    )
    response.raise_for_status()
    for gather in ElementTree.fromstring(response.text).iter("Gather"):
        action = urlsplit(gather.attrib["action"])
        return action.path + "?" + action.query
    raise RuntimeError("the flow's first answer has no Gather")


def write_requests(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines))


def run_wrk(
    name: str,
    port: int,
    requests_file: Path,
    seconds: int,
    *,
    keep_alive: bool = False,
    server: int | None = None,
) -> Result:
    """wrk's figures for one target, and the CPU per request of the ``server`` process tree
    (if given). Each request comes on a new connection unless ``keep_alive``."""
    threads = 2
    cpu_before = cpu_seconds(server) if server else 0.0
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{CONCURRENCY}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(HERE / "webhooks.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(requests_file),
            str(threads),
            "keep-alive" if keep_alive else "close",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = parse_wrk(name, output)
    if server and result.requests_per_second:
        spent = cpu_seconds(server) - cpu_before
        requests_served = result.requests_per_second * seconds
        result = replace(result, server_cpu_us=spent / requests_served * 1e6)
    return result


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    if not match:
        raise RuntimeError(f"no {percentile}% latency in wrk output:\n{output}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(name: str, output: str) -> Result:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if rps is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return Result(
        name=name,
        requests_per_second=float(rps.group(1)),
        p50_ms=_latency(output, "50"),
        p99_ms=_latency(output, "99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(g) for g in errors.groups()) if errors else 0,
    )


_DESCRIBE_SETTINGS = """
import runpy, sys
from gunicorn.config import Config
namespace = runpy.run_path(sys.argv[1])
config = Config()
for name, value in namespace.items():
    if name in config.settings and not callable(value):
        config.set(name, value)
options = config.parser().parse_args([*sys.argv[2:], "app:app"])
for name, value in vars(options).items():
    if value is not None and name in config.settings:
        config.set(name, value)
access = "on" if config.accesslog else "off"
print(f"{config.workers} processes x {config.threads} threads, {config.worker_class_str}, "
      f"access log {access}")
"""


def gunicorn_settings(env: dict[str, str]) -> str:
    """What gunicorn.conf.py, and the options after it, make of the web processes run with
    ``env``: the file read as gunicorn reads it, in a process of its own (reading it imports
    prometheus-client, which settles its metrics' mode at import), its metrics directory given,
    so that it makes none."""
    return subprocess.run(
        [sys.executable, "-c", _DESCRIBE_SETTINGS, GUNICORN[1], *GUNICORN[2:]],
        env={**env, "PROMETHEUS_MULTIPROC_DIR": tempfile.gettempdir()},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def postgres_database() -> tuple[str, callable]:
    admin_url = os.environ.get(
        "IVR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"ivr_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + f"/{name}", drop


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    requests: str
    """"incoming" or "step": which of a round's request files wrk replays."""
    server: int
    """The pid of the gunicorn serving it."""


def summarise(runs: list[Result], baselines: list[Result]) -> dict[str, float]:
    """Medians over the rounds; the ratio is taken round by round (to that round's baseline,
    measured seconds apart), then its median and spread."""
    pairs = zip(runs, baselines, strict=True)
    ratios = [r.requests_per_second / b.requests_per_second for r, b in pairs]
    return {
        "rps": statistics.median(r.requests_per_second for r in runs),
        "rps_min": min(r.requests_per_second for r in runs),
        "rps_max": max(r.requests_per_second for r in runs),
        "p50": statistics.median(r.p50_ms for r in runs),
        "p99": statistics.median(r.p99_ms for r in runs),
        "p99_max": max(r.p99_ms for r in runs),
        "cpu": statistics.median(r.server_cpu_us for r in runs),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "errors": sum(r.non_2xx + r.errors for r in runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the app with records in memory"
    )
    parser.add_argument(
        "--keep-alive", action="store_true", help="keep wrk's connections open between requests"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench/webhooks needs wrk (apt-get install wrk; `make bench` installs it)")
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="ivr-bench-"))
    redis_port = free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(scratch),
        ],
        stdout=subprocess.DEVNULL,
    )
    drop_database = None
    if args.database == "postgresql":
        database_url, drop_database = postgres_database()
    else:
        database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    base = "https://ivr.bench.example"
    env = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": DEMO_BUSINESS_NUMBER,
        "PUBLIC_BASE_URL": base,
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(16),
        "PYTHONPATH": str(ROOT),
    }
    processes: list[subprocess.Popen[bytes]] = [redis]
    results: dict[str, list[Result]] = {}
    try:
        upgrade(database_url)
        database = Database(database_url)
        seed_demo(database)
        database.dispose()
        validator = RequestValidator(AUTH_TOKEN)

        # All three servers up at once (an idle one costs nothing), so that each round
        # measures every target seconds apart: the machine's other load drifts, and a ratio
        # is only fair between runs made under the same load.
        servers = {"app": "ivr:create_app()", "bare": "bench.bare_app:create_app()"}
        if not args.no_breakdown:
            servers["no SQL"] = "bench.no_sql_app:create_app()"
        ports = {name: free_port() for name in servers}
        pids = {}
        for name, app in servers.items():
            processes.append(start_gunicorn(app, ports[name], env))
            pids[name] = processes[-1].pid
        menu = first_menu_path(base, ports["app"], validator)
        targets = [
            Target("/voice/incoming", ports["app"], "incoming", pids["app"]),
            Target("menu step", ports["app"], "step", pids["app"]),
        ]
        if not args.no_breakdown:
            targets += [
                Target("incoming, no SQL", ports["no SQL"], "incoming", pids["no SQL"]),
                Target("step, no SQL", ports["no SQL"], "step", pids["no SQL"]),
            ]
        targets.append(Target("bare Flask", ports["bare"], "step", pids["bare"]))
        loads = [load_average()]
        print(f"load average before: {loads[0]:.2f}", flush=True)

        per_round = 60_000  # new calls per round: more than 10 s of the fastest target
        for round_number in range(args.rounds):
            sids = [
                f"CA{n:032x}"
                for n in range(1 + round_number * per_round, 1 + (round_number + 1) * per_round)
            ]
            files = {"incoming": scratch / "incoming.tsv", "step": scratch / "step.tsv"}
            write_requests(
                files["incoming"],
                [
                    signed_line(validator, base, "/voice/incoming", call_params(n, sid))
                    for n, sid in enumerate(sids)
                ],
            )
            write_requests(
                files["step"],
                [
                    signed_line(
                        validator,
                        base,
                        menu,
                        {**call_params(n, sid), "Digits": "1", "CallStatus": "in-progress"},
                    )
                    for n, sid in enumerate(sids)
                ],
            )
            if round_number == 0:
                for name in servers:
                    run_wrk("warm-up", ports[name], files["step"], 2, keep_alive=args.keep_alive)
            for target in targets:
                # A round's steps continue the calls its incoming run opened (wrk replays
                # the same CallSids in the same order); no-SQL and bare keep nothing.
                result = run_wrk(
                    target.name,
                    target.port,
                    files[target.requests],
                    args.seconds,
                    keep_alive=args.keep_alive,
                    server=target.server,
                )
                results.setdefault(target.name, []).append(result)
                print(
                    f"round {round_number + 1}: {target.name:<18}"
                    f"{result.requests_per_second:>8.0f} req/s  p99 {result.p99_ms:.1f} ms  "
                    f"server CPU {result.server_cpu_us:.0f} µs/request",
                    flush=True,
                )
            loads.append(load_average())
            print(f"load average after round {round_number + 1}: {loads[-1]:.2f}", flush=True)
    finally:
        for process in processes:
            stop(process)
        if drop_database:
            drop_database()
        shutil.rmtree(scratch, ignore_errors=True)

    baselines = results["bare Flask"]
    connections = "kept open" if args.keep_alive else "a new connection per request"
    print(
        f"\nbench/webhooks: {CONCURRENCY} concurrent, {connections}, {args.rounds} rounds of "
        f"{args.seconds} s per target, gunicorn {' '.join(GUNICORN[2:]) or 'as configured'} "
        f"({gunicorn_settings(env)}), {args.database}, {os.cpu_count()} cores, load average "
        f"{min(loads):.2f}-{max(loads):.2f}; medians over the rounds [min-max]"
    )
    print(
        f"{'target':<18}{'req/s':>8}{'[min-max]':>14}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'ratio':>7}{'[min-max]':>12}{'CPU µs':>8}{'errors':>8}"
    )
    summaries = {name: summarise(runs, baselines) for name, runs in results.items()}
    for name, m in summaries.items():
        rps_range = f"[{m['rps_min']:.0f}-{m['rps_max']:.0f}]"
        ratio_range = f"[{m['ratio_min']:.2f}-{m['ratio_max']:.2f}]"
        print(
            f"{name:<18}{m['rps']:>8.0f}{rps_range:>14}{m['p50']:>8.1f}{m['p99']:>8.1f}"
            f"{m['ratio']:>7.2f}{ratio_range:>12}{m['cpu']:>8.0f}{m['errors']:>8.0f}"
        )
    print("(the 'no SQL' rows keep records in process memory: the database's share, measured;")
    print(" CPU µs: the server's processes, per request, user and system)")
    verdicts = []
    for name in ("/voice/incoming", "menu step"):
        m = summaries[name]
        ok = m["ratio"] >= 0.5 and m["p99"] < 50 and m["errors"] == 0
        verdicts.append(ok)
        print(
            f"{name}: ratio {m['ratio']:.2f} (target >= 0.5), p99 {m['p99']:.1f} ms "
            f"(target < 50): {'met' if ok else 'NOT met'}"
        )
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
