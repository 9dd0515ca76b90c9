"""bench/webhooks: the app's webhooks against a bare Flask route, same server, same load.

64 concurrent connections of signed requests (wrk, replaying pre-signed requests) against
``/voice/incoming`` (a new call: caller lookup, call record, greeting and first menu) and a menu
step (key 1 pressed in the main menu), then, with the same gunicorn settings, against a bare
Flask route that returns a fixed TwiML document. Prints requests/s, p50 and p99 for each and the
ratio to the baseline. Targets (issue 3): ratio >= 0.5 and p99 < 50 ms on a 2-core machine.

    python -m bench.webhooks [--seconds 10] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
GUNICORN = os.environ.get("IVR_BENCH_GUNICORN", "--workers 2 --backlog 2048").split()


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


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
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz")
    return process


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


def run_wrk(name: str, port: int, requests_file: Path, seconds: int) -> Result:
    threads = 2
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
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(name, output)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench/webhooks needs wrk (apt-get install wrk; `make bench` installs it)")
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="ivr-bench-"))
    redis_port, app_port, bare_port = free_port(), free_port(), free_port()
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
    try:
        upgrade(database_url)
        database = Database(database_url)
        seed_demo(database)
        database.dispose()
        validator = RequestValidator(AUTH_TOKEN)

        app = start_gunicorn("ivr:create_app()", app_port, env)
        processes.append(app)
        menu = first_menu_path(base, app_port, validator)
        sids = [f"CA{n:032x}" for n in range(1, 200_001)]
        incoming_file, step_file = scratch / "incoming.tsv", scratch / "step.tsv"
        write_requests(
            incoming_file,
            [
                signed_line(validator, base, "/voice/incoming", call_params(n, sid))
                for n, sid in enumerate(sids)
            ],
        )
        write_requests(
            step_file,
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
        run_wrk("warm-up", app_port, step_file, 2)
        results = [
            run_wrk("/voice/incoming", app_port, incoming_file, args.seconds),
            run_wrk("menu step", app_port, step_file, args.seconds),
        ]
        stop(app)
        processes.remove(app)

        no_sql = start_gunicorn("bench.no_sql_app:create_app()", app_port, env)
        processes.append(no_sql)
        run_wrk("warm-up", app_port, step_file, 2)
        breakdown = [
            run_wrk("incoming, no SQL", app_port, incoming_file, args.seconds),
            run_wrk("step, no SQL", app_port, step_file, args.seconds),
        ]
        stop(no_sql)
        processes.remove(no_sql)

        bare = start_gunicorn("bench.bare_app:create_app()", bare_port, env)
        processes.append(bare)
        run_wrk("warm-up", bare_port, step_file, 2)
        baseline = run_wrk("bare Flask", bare_port, step_file, args.seconds)
    finally:
        for process in processes:
            stop(process)
        if drop_database:
            drop_database()
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"\nbench/webhooks: {CONCURRENCY} concurrent, {args.seconds} s each, gunicorn "
        f"{' '.join(GUNICORN)}, {args.database}, {os.cpu_count()} cores"
    )
    print(f"{'target':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'ratio':>8}{'errors':>8}")
    for result in [*results, *breakdown, baseline]:
        ratio = result.requests_per_second / baseline.requests_per_second
        print(
            f"{result.name:<18}{result.requests_per_second:>10.0f}{result.p50_ms:>10.1f}"
            f"{result.p99_ms:>10.1f}{ratio:>8.2f}{result.non_2xx + result.errors:>8}"
        )
    print("(the 'no SQL' rows keep records in process memory: the database's share, measured)")
    verdicts = []
    for result in results:
        ratio = result.requests_per_second / baseline.requests_per_second
        ok = ratio >= 0.5 and result.p99_ms < 50 and result.non_2xx + result.errors == 0
        verdicts.append(ok)
        print(
            f"{result.name}: ratio {ratio:.2f} (target >= 0.5), p99 {result.p99_ms:.1f} ms "
            f"(target < 50): {'met' if ok else 'NOT met'}"
        )
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
