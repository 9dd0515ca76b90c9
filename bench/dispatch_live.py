"""The live system bench/dispatch measures, and the people on its phones.

``running`` starts a private redis-server, a SQLite database (migrated, the demo seed, agents
offline), the sandbox carrier in real time, the app and the baseline app under gunicorn, and
an ``ivr worker``; ``queue_callers`` fills the line in a known order; an ``AgentPhone`` plays
one agent (answer at the first ring, 1 as the whisper starts, the caller hung up once bridged).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from bench.webhooks import free_port, wait_until_up
from ivr.adapters.sql.database import Database
from ivr.adapters.sql.migrate import upgrade
from ivr.adapters.sql.models import Agent
from ivr.bootstrap import Services, build_services
from ivr.config import load_settings
from ivr.sandbox import Sandbox
from ivr.sandbox.handles import CallHandle, DeviceHandle, SandboxTimeout
from ivr.seed import DEMO_AGENTS, DEMO_BUSINESS_NUMBER, seed_demo

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_SID = "AC" + "d1" * 16
AUTH_TOKEN = secrets.token_hex(16)
BARE_NUMBER = "+12025550199"
GUNICORN = ["--workers", "2", "--threads", "4"]
"""The Procfile's web process on PostgreSQL (WEB_CONCURRENCY=2); on SQLite, which this bench
uses, gunicorn.conf.py now gives 1 thread per process, and these figures were measured with 4."""

MAX_CALLS = 190
"""The sandbox carries 200 live calls; the agents' legs need a few."""


def agent_phones(count: int) -> list[str]:
    """The demo's two agents, then more made up for the run."""
    demo = [a.phone for a in DEMO_AGENTS]
    return (demo + [f"+1202555{200 + n:04d}" for n in range(max(0, count - len(demo)))])[:count]


# -- the system under test -----------------------------------------------------------------


@dataclass
class System:
    sandbox: Sandbox
    services: Services
    database: Database
    env: dict[str, str]
    app_url: str
    bare_url: str
    logs: Path
    agent_ids: dict[str, int] = field(default_factory=dict)
    matched: list[tuple[float, list[str]]] = field(default_factory=list)
    """Dispatches run by the bench itself (setting agents available): (epoch, entries)."""

    def clock_seconds(self) -> float:
        return self.sandbox.engine.clock.seconds()

    def at_seconds(self, when: datetime | None) -> float | None:
        """A sandbox calendar datetime on its monotonic clock (exact to the microsecond)."""
        if when is None:
            return None
        clock = self.sandbox.engine.clock
        return (when - (clock.now() - timedelta(seconds=clock.seconds()))).total_seconds()

    def wall_to_seconds(self, when: datetime) -> float:
        """A wall-clock (UTC) datetime, such as RQ's, on the sandbox's clock."""
        clock = self.sandbox.engine.clock
        return clock.seconds() - (datetime.now(UTC) - when).total_seconds()


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _prepare_database(url: str, phones: list[str]) -> Database:
    upgrade(url)
    database = Database(url)
    seed_demo(database)
    with database.unit_of_work() as session:
        known = set(session.scalars(select(Agent.phone)))
        for n, phone in enumerate(phones):
            if phone not in known:
                session.add(Agent(name=f"Bench Agent {n}", phone=phone, skills=["general"]))
    with database.unit_of_work() as session:
        # Everyone offline while the line fills; only the agents of this run exist.
        session.execute(update(Agent).values(status="offline"))
        session.execute(update(Agent).where(Agent.phone.not_in(phones)).values(active=False))
    return database


@contextmanager
def running(*, agents: int) -> Iterator[System]:
    scratch = Path(tempfile.mkdtemp(prefix="ivr-bench-dispatch-"))
    logs = scratch / "logs.txt"
    processes: list[subprocess.Popen[bytes]] = []
    sandbox: Sandbox | None = None
    services: Services | None = None
    database: Database | None = None
    try:
        redis_port = free_port()
        processes.append(
            _start(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""]
                + ["--appendonly", "no", "--dir", str(scratch)],
                dict(os.environ),
                logs,
            )
        )
        phones = agent_phones(agents)
        database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
        database = _prepare_database(database_url, phones)

        sandbox = Sandbox(ACCOUNT_SID, AUTH_TOKEN, time_scale=1.0)
        sandbox_url = sandbox.serve()
        for phone in phones:
            sandbox.set_policy(phone, "manual")
        app_port, bare_port = free_port(), free_port()
        app_url, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        env = {
            **os.environ,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_PHONE_NUMBER": DEMO_BUSINESS_NUMBER,
            "PUBLIC_BASE_URL": app_url,
            "TWILIO_API_BASE_URL": sandbox_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(16),
            "IVR_WRAP_UP_SECONDS": "0",
            "IVR_STICKY_DAYS": "0",
            "IVR_SWEEP_SECONDS": "300",  # the repair sweep stays out of the measured path
            "PYTHONPATH": str(ROOT),
            "PROMETHEUS_MULTIPROC_DIR": str(scratch / "metrics"),
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        for port, app in (
            (app_port, "bench.dispatch_app:create_app()"),
            (bare_port, "bench.dispatch_app:create_bare_app()"),
        ):
            processes.append(
                _start(
                    [gunicorn, *GUNICORN, "--bind", f"127.0.0.1:{port}"]
                    + ["--log-level", "warning", app],
                    env,
                    logs,
                )
            )
        wait_until_up(f"{app_url}/healthz")
        wait_until_up(f"{bare_url}/healthz")
        sandbox.add_number(
            DEMO_BUSINESS_NUMBER,
            voice_url=f"{app_url}/voice/incoming",
            status_callback=f"{app_url}/voice/status",
        )
        sandbox.add_number(BARE_NUMBER, voice_url=f"{bare_url}/bare/incoming")
        processes.append(_start([str(Path(sys.executable).parent / "ivr"), "worker"], env, logs))

        services = build_services(load_settings(env, instance_path=scratch))
        _wait_for_worker(services, processes[-1])
        with database.unit_of_work() as session:
            ids = {phone: id_ for phone, id_ in session.execute(select(Agent.phone, Agent.id))}
        yield System(
            sandbox=sandbox,
            services=services,
            database=database,
            env=env,
            app_url=app_url,
            bare_url=bare_url,
            logs=logs,
            agent_ids={phone: ids[phone] for phone in phones},
        )
    except BaseException:
        if logs.exists():
            tail = logs.read_text(errors="replace").splitlines()[-40:]
            print("--- last lines of the processes' logs ---", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        if sandbox is not None:
            sandbox.close()
        for process in reversed(processes):
            _stop(process)
        if services is not None:
            services.close()
        if database is not None:
            database.dispose()
        shutil.rmtree(scratch, ignore_errors=True)


def _wait_for_worker(services: Services, worker: subprocess.Popen[bytes]) -> None:
    """Until the worker has swept once (its startup) and listens on its queues."""
    from rq import Worker

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"ivr worker exited with {worker.returncode}")
        if services.redis.exists("ivr:sweep-claimed") and Worker.all(connection=services.redis):
            return
        time.sleep(0.05)
    raise RuntimeError("ivr worker did not come up within 30 s")


# -- the people ------------------------------------------------------------------------------


def _press_when_listening(call: CallHandle, keys: str, *, timeout: float = 30.0) -> None:
    """Press as soon as a Gather listens (barging in on its prompt)."""
    call.wait_until(lambda c: c.listening == "gather" or c.status == "completed", timeout)
    if not call.press(keys):
        raise RuntimeError(f"{call.sid}: nothing listened for {keys!r}")


def queue_callers(system: System, count: int) -> list[CallHandle]:
    """``count`` new callers ask for a person; each presses 0 only once the one before them
    is in the line, so the order they joined in is known. Returns them in that order."""
    line = system.services.line
    joined = [threading.Event() for _ in range(count)]
    calls: list[CallHandle | None] = [None] * count
    failures: list[BaseException] = []

    def caller(n: int) -> None:
        try:
            call = system.sandbox.dial(DEMO_BUSINESS_NUMBER, from_=f"+1415555{1000 + n:04d}")
            calls[n] = call
            _press_when_listening(call, "1")  # English
            # Asked why they call (the demo's reason step): 0 skips it for a person.
            call.wait_until(lambda c: any("why you are calling" in s for s in c.said), 30)
            if n and not joined[n - 1].wait(60):
                raise RuntimeError(f"caller {n - 1} never joined the line")
            _press_when_listening(call, "0")  # a person
            system.sandbox.wait_until(
                lambda: line.entry(call.sid) is not None, timeout=30, what=f"{call.sid} in line"
            )
            joined[n].set()
            call.wait_for_queue(timeout=30)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            joined[n].set()

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(0.01)
    for thread in threads:
        thread.join(120)
    if failures:
        raise failures[0]
    return [c for c in calls if c is not None]


@dataclass
class Served:
    """One caller served by one agent, on the sandbox's clock (seconds)."""

    agent: str
    caller_sid: str
    leg_sid: str
    dialled: float
    rang: float
    bridged: float
    hung_up: float


class AgentPhone:
    """A thread playing one agent: answer at the first ring, press 1 as the whisper starts,
    and, once bridged, hang the caller up at once (which frees the agent)."""

    def __init__(self, system: System, number: str) -> None:
        self.system = system
        self.number = number
        self.device: DeviceHandle = system.sandbox.device(number)
        self.served: list[Served] = []
        self.errors: list[str] = []
        self.on_free: Callable[[AgentPhone], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_free: Callable[[AgentPhone], None] | None = None) -> None:
        self.on_free = on_free
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"agent-{self.number}")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                leg = self.device.wait_for_call(timeout=0.2)
            except SandboxTimeout:
                continue
            try:
                self._take(leg)
            except Exception as error:  # counted, reported, and the bench fails
                self.errors.append(f"{leg.sid}: {error!r}")

    def _take(self, leg: CallHandle) -> None:
        system = self.system
        leg.answer()
        leg.wait_until(
            lambda c: c.listening == "gather" and any("Press 1" in s for s in c.said), 15
        )
        leg.press("1")
        caller = leg.wait_for_bridge(timeout=15)
        engine = system.sandbox.engine
        with engine.lock:
            call = engine.calls[leg.sid]
            bridged = call.bridge.started_at_seconds if call.bridge else system.clock_seconds()
            dialled, rang = system.at_seconds(call.created_at), system.at_seconds(call.started_at)
        hung_up = system.clock_seconds()
        caller.hang_up()
        self.served.append(
            Served(self.number, caller.sid, leg.sid, dialled or 0, rang or 0, bridged, hung_up)
        )
        if self.on_free is not None:
            self.on_free(self)
