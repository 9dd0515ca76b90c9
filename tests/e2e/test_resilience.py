"""Resilience end to end: two web processes (gunicorn ``-w 2``) and two ``ivr worker`` processes
on one private Redis and PostgreSQL, the sandbox carrier in the test. Processes are killed with
SIGKILL mid-flow and Redis restarts empty (no persistence): nobody is booked twice, no caller
loses their place, no callback promise is lost. The database is the source of truth; the
workers' sweep rebuilds the line from it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, Call, Callback
from ivr.bootstrap import Services, build_services
from ivr.config import QueueSettings, Settings
from ivr.core.queueing import AgentState
from ivr.sandbox import Sandbox
from ivr.sandbox.handles import CallHandle, SandboxTimeout
from ivr.seed import seed_demo
from tests.conftest import empty_tables
from tests.e2e.conftest import AGENT_PHONES, ARTIFACTS
from tests.helpers import (
    ACCOUNT_SID,
    API_KEY_SECRET,
    API_KEY_SID,
    AUTH_TOKEN,
    BUSINESS_NUMBER,
    CALLFLOWS,
    ROOT,
    free_port,
)
from tests.line_checks import assert_line_consistent, line_problems

pytestmark = pytest.mark.e2e

ALEX, JORDAN = AGENT_PHONES
SAM = "+14155550124"
TIME_SCALE = 0.05
BIN = Path(sys.executable).parent


def said(call: CallHandle) -> str:
    return " | ".join(p.text for p in call.heard if p.text)


def caller_number(n: int) -> str:
    return f"+1415555{150 + n:04d}"


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (gunicorn's web workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_for(predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(0.05)


class RedisProcess:
    """A private redis-server without persistence: killed, it forgets everything."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.workdir = tempfile.mkdtemp(prefix="ivr-resil-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.workdir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)
        try:
            wait_for(lambda: _pings(client), timeout=10, what="redis-server")
        finally:
            client.close()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


def _pings(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@dataclass
class AgentPlayer:
    """An agent at a manual phone, in a thread: answers each ring, hears the whisper, presses
    1, talks a second, then the caller hangs up. Records every leg it handled."""

    system: System
    phone: str
    talk_seconds: float = 1.0
    before_answer: Callable[[CallHandle], None] | None = None
    legs: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(agent leg, the leg it was dialled from, the leg it was bridged with)."""
    unwhispered: list[str] = field(default_factory=list)
    problems: list[BaseException] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> AgentPlayer:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        device = self.system.sandbox.device(self.phone)
        while not self.stop.is_set():
            try:
                leg = device.wait_for_call(timeout=0.2)
            except SandboxTimeout:
                continue
            try:
                self._take(leg)
            except BaseException as error:  # reported by the test, not lost in a thread
                self.problems.append(error)

    def _take(self, leg: CallHandle) -> None:
        if self.before_answer is not None:
            self.before_answer(leg)
        parent = leg.parent.sid if leg.parent else None
        leg.answer()
        leg.wait_for_prompt(timeout=15)
        if "Press 1 to take it" not in said(leg):
            self.unwhispered.append(leg.sid)  # its whisper request failed: never bridged
            return
        leg.press("1")
        peer = leg.wait_for_bridge(timeout=15)
        self.legs.append((leg.sid, parent, peer.sid))
        time.sleep(self.talk_seconds)
        peer.hang_up()
        leg.wait_for_status(timeout=15)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(20)
        if self.problems:
            raise self.problems[0]


class HoldLoop:
    """Scripted calls wait at a Gather for the script; Twilio's hold Gather times out after a
    second and the waitUrl is requested again. This keeps the callers' hold loops turning."""

    def __init__(self, calls: list[CallHandle], *, every_seconds: float = 0.3) -> None:
        self.calls = calls
        self.every_seconds = every_seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(self.every_seconds):
            for call in list(self.calls):
                try:
                    if call.listening == "gather" and call.queue_position is not None:
                        call.stay_silent()
                except KeyError:
                    continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)


@dataclass
class System:
    sandbox: Sandbox
    services: Services
    redis: RedisProcess
    env: dict[str, str]
    web_port: int
    logs: Path
    web: subprocess.Popen | None = None
    workers: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])

    # -- processes ---------------------------------------------------------------------------

    def _log(self, name: str):
        return (self.logs / f"resilience-{name}.log").open("ab")

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "30",
                "--graceful-timeout",
                "2",
                "--no-control-socket",
                "--preload",
                "tests.e2e.live_app:create()",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self._log("web"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: len(self.web_processes()) == 2 and self._healthy(),
            timeout=30,
            what="two web processes",
        )

    def web_processes(self) -> list[int]:
        return children_of(self.web.pid) if self.web else []

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/healthz", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answers; a 503 names what is down
        except OSError:
            return False

    def start_worker(self, index: int) -> None:
        self.workers[index] = subprocess.Popen(
            [str(BIN / "ivr"), "worker"],
            env=self.env,
            cwd=ROOT,
            stdout=self._log(f"worker-{index}"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for_workers(self, count: int = 2) -> None:
        wait_for(lambda: self._worker_count() >= count, timeout=30, what=f"{count} RQ workers")

    def _worker_count(self) -> int:
        try:
            return Worker.count(connection=self.services.redis)
        except Exception:
            return 0

    def kill_worker(self, index: int) -> None:
        """SIGKILL the worker, its work horse and its scheduler: its whole process group."""
        process = self.workers[index]
        assert process is not None and process.poll() is None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        self.workers[index] = None

    def kill_web_process(self, *, stall_seconds: float = 0.0) -> int:
        """SIGKILL one of gunicorn's two web processes; the master starts another. A stall
        first (SIGSTOP) leaves requests in flight on it: calls keep their connection."""
        victim = self.web_processes()[0]
        if stall_seconds:
            os.kill(victim, signal.SIGSTOP)
            time.sleep(stall_seconds)
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill_all(self) -> None:
        for index, process in enumerate(self.workers):
            if process is not None:
                self.kill_worker(index)
        if self.web is not None:
            os.killpg(self.web.pid, signal.SIGKILL)
            self.web.wait(10)
            self.web = None
        self.redis.kill()

    def stop(self) -> None:
        """Nothing is kept between tests, so no need to be gentle."""
        for process in [*self.workers, self.web]:
            if process is not None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(10)

    # -- people --------------------------------------------------------------------------

    def agent_status(self, phone: str, status: str) -> None:
        database = self.services.database
        with database.unit_of_work() as session:
            agent_id = session.scalar(select(Agent.id).where(Agent.phone == phone))
        self.services.dispatcher.sync_agents()
        self.services.dispatcher.set_agent_status(agent_id, AgentState(status))

    def to_the_queue(self, number: str) -> CallHandle:
        """A caller asks for a person (a new caller picks English first) and holds."""
        call = self.sandbox.dial(BUSINESS_NUMBER, from_=number)
        for key in ("0",) if number == SAM else ("1", "0"):
            call.wait_for_prompt(timeout=15)
            call.press(key)
        call.wait_for_queue(timeout=15)
        return call

    def queue_callers(self, count: int, *, first: int = 0) -> list[CallHandle]:
        """``count`` callers reach the line at about the same time; returned in the order the
        line took them (their arrival, as the database has it)."""
        calls: list[CallHandle] = []
        problems: list[BaseException] = []

        def one(n: int) -> None:
            try:
                calls.append(self.to_the_queue(caller_number(n)))
            except BaseException as error:
                problems.append(error)

        threads = [threading.Thread(target=one, args=(first + n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        if problems:
            raise problems[0]
        return sorted(calls, key=lambda c: self.call_record(c.sid).queued_at)

    def call_record(self, call_sid: str) -> Call:
        with self.services.database.unit_of_work() as session:
            return session.scalars(select(Call).where(Call.call_sid == call_sid)).one()

    def callbacks(self) -> list[Callback]:
        with self.services.database.unit_of_work() as session:
            return list(session.scalars(select(Callback).order_by(Callback.id)))

    def errors(self) -> list[str]:
        return [
            f"{n.error_code} {n.message} ({n.request_url})"
            for n in self.sandbox.errors
            if n.level == "error"
        ]


@pytest.fixture
def system(postgresql_database: str) -> Iterator[System]:
    empty_tables(postgresql_database)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    redis = RedisProcess(free_port())
    redis.start()
    sandbox = Sandbox(
        ACCOUNT_SID, AUTH_TOKEN, time_scale=TIME_SCALE, api_keys={API_KEY_SID: API_KEY_SECRET}
    )
    sandbox_url = sandbox.serve()
    for phone in AGENT_PHONES:
        sandbox.set_policy(phone, "manual")
    web_port = free_port()
    public = f"http://127.0.0.1:{web_port}"
    sandbox.add_number(
        BUSINESS_NUMBER, f"{public}/voice/incoming", status_callback=f"{public}/voice/status"
    )
    settings = Settings(
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_phone_number=BUSINESS_NUMBER,
        public_base_url=public,
        twilio_api_base_url=sandbox_url,
        redis_url=redis.url,
        database_url=postgresql_database,
        secret_key="e2e-secret-key-" + "0" * 16,
        callflows_dir=CALLFLOWS,
        agent_ring_timeout_seconds=20,
        queue=QueueSettings(wrap_up_seconds=1, not_ready_seconds=30, sticky_days=0),
    )
    services = build_services(settings)
    seed_demo(services.database)
    env = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": BUSINESS_NUMBER,
        "PUBLIC_BASE_URL": public,
        "TWILIO_API_BASE_URL": sandbox_url,
        "REDIS_URL": redis.url,
        "DATABASE_URL": postgresql_database,
        "SECRET_KEY": settings.secret_key,
        "IVR_AGENT_RING_TIMEOUT": "20",
        "IVR_WRAP_UP_SECONDS": "1",
        "IVR_NOT_READY_SECONDS": "30",
        "IVR_STICKY_DAYS": "0",
        "IVR_SWEEP_SECONDS": "2",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="ivr-resil-metrics-"),
    }
    system = System(
        sandbox=sandbox,
        services=services,
        redis=redis,
        env=env,
        web_port=web_port,
        logs=ARTIFACTS,
    )
    try:
        system.start_worker(0)
        system.start_worker(1)
        system.start_web()
        system.wait_for_workers(2)
        for phone in AGENT_PHONES:
            system.agent_status(phone, "offline")
        yield system
    finally:
        sandbox.close()
        system.stop()
        redis.kill()
        services.close()


class Racing:
    """Dispatch jobs enqueued all the time, for both workers to race over; meanwhile the line's
    invariant is read (in one script) each time round, and what broke it kept."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.problems: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.05):
            try:
                for _ in range(3):
                    self.system.services.jobs.caller_waiting()
                self.problems += line_problems(self.system.services.redis)
            except Exception:
                continue  # Redis is down for a moment

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)


def served_once_each(system: System, callers: list[CallHandle], players: list[AgentPlayer]):
    """Every caller bridged exactly once, to one agent leg; no agent ever had two callers."""
    arrival = [c.sid for c in callers]
    legs = [leg for player in players for leg in player.legs]
    assert Counter(peer for _, _, peer in legs) == Counter(arrival), "each bridged exactly once"
    assert sorted(parent for _, parent, _ in legs) == sorted(arrival), "one agent leg each"
    assert [leg for player in players for leg in player.unwhispered] == []
    engine = system.sandbox.engine
    for player in players:
        spans = sorted(
            (engine.call(leg).answered_at_seconds, engine.call(leg).ended_at_seconds)
            for leg, _, _ in player.legs
        )
        for (_, ended), (answered, _) in zip(spans, spans[1:], strict=False):
            assert answered >= ended, f"{player.phone} had two callers at once"
    for sid in arrival:
        record = system.call_record(sid)
        assert record.outcome == "answered-by-agent" and record.agent_id is not None, sid
    return [parent for _, parent, _ in sorted(legs, key=lambda leg: engine.call(leg[0]).created_at)]


def test_two_web_and_two_worker_processes_never_book_anyone_twice(system: System) -> None:
    callers = system.queue_callers(8)
    arrival = [c.sid for c in callers]
    hold = HoldLoop(callers)
    players = [AgentPlayer(system, ALEX).start(), AgentPlayer(system, JORDAN).start()]
    racing = Racing(system)
    try:
        system.agent_status(ALEX, "available")
        system.agent_status(JORDAN, "available")
        for call in callers:
            call.wait_for_status("completed", timeout=60)
    finally:
        racing.close()
        hold.close()
        for player in players:
            player.finish()

    rung = served_once_each(system, callers, players)
    for place, sid in enumerate(rung):
        # Two agents: two reservations may be in flight at once, so neighbours may swap.
        assert abs(arrival.index(sid) - place) <= 1, f"served out of order: {rung} vs {arrival}"
    assert racing.problems == [], "the line broke its invariant while both workers raced"
    assert system.errors() == []


def test_a_worker_killed_while_an_agent_rings_loses_no_caller(system: System) -> None:
    callers = system.queue_callers(4)
    arrival = [c.sid for c in callers]
    hold = HoldLoop(callers)
    killed = threading.Event()

    def kill_a_worker(leg: CallHandle) -> None:
        if not killed.is_set():
            killed.set()
            system.kill_worker(0)  # its work horse and scheduler go with it

    alex = AgentPlayer(system, ALEX, talk_seconds=0.5, before_answer=kill_a_worker).start()
    try:
        system.agent_status(ALEX, "available")
        callers[0].wait_for_bridge(timeout=20)
        assert killed.is_set()
        # The other worker alone serves the rest, one after the other.
        for call in callers:
            call.wait_for_status("completed", timeout=40)
    finally:
        hold.close()
        alex.finish()
    rung = served_once_each(system, callers, [alex])
    assert rung == arrival, "served in the order they called"
    assert system.errors() == []


def test_a_web_process_killed_mid_flow_is_replaced_and_no_caller_loses_their_place(
    system: System,
) -> None:
    callers = system.queue_callers(6)
    arrival = [c.sid for c in callers]
    hold = HoldLoop(callers, every_seconds=0.1)  # webhooks in flight all the time
    first_processes = set(system.web_processes())
    # While everyone holds: a web process stalls with requests in flight, then is killed.
    killed = [system.kill_web_process(stall_seconds=0.5)]
    wait_for(lambda: len(system.web_processes()) == 2, timeout=20, what="gunicorn to restart")

    once = threading.Lock()

    def kill_another(leg: CallHandle) -> None:  # and again while an agent's phone rings
        with once:
            if len(killed) == 1:
                killed.append(system.kill_web_process())

    players = [
        AgentPlayer(system, phone, talk_seconds=0.3, before_answer=kill_another).start()
        for phone in (ALEX, JORDAN)
    ]
    try:
        system.agent_status(ALEX, "available")
        system.agent_status(JORDAN, "available")
        for call in callers:
            call.wait_for_status("completed", timeout=60)
    finally:
        hold.close()
        for player in players:
            player.finish()

    assert len(killed) == 2
    wait_for(lambda: len(system.web_processes()) == 2, timeout=20, what="gunicorn to restart")
    assert not set(system.web_processes()) & set(killed) and killed[0] in first_processes
    # A request in flight at the instant of a kill fails (Twilio would not retry it either):
    # connection errors only, at most one per thread of the killed process.
    errors = [n for n in system.sandbox.errors if n.level == "error"]
    assert all(n.error_code == 11205 for n in errors), system.errors()
    assert len(errors) <= 4 * len(killed), system.errors()
    # A failed wait loop costs nobody their place. A failed call document (a caller's connect,
    # an agent's whisper) ends that leg: that, and only that, may be lost.
    dropped = {c.sid for c in callers if "application error" in said(c)}
    unwhispered = [leg for player in players for leg in player.unwhispered]
    assert len(dropped) + len(unwhispered) <= len(errors)
    served = [c for c in callers if c.sid not in dropped]
    legs = [leg for player in players for leg in player.legs]
    assert Counter(peer for _, _, peer in legs) == Counter(c.sid for c in served)
    engine = system.sandbox.engine
    rung = [p for _, p, _ in sorted(legs, key=lambda leg: engine.call(leg[0]).created_at)]
    kept = [sid for sid in arrival if sid in rung]
    for place, sid in enumerate(rung):
        assert abs(kept.index(sid) - place) <= 1, f"served out of order: {rung} vs {kept}"
    for call in served:
        assert system.call_record(call.sid).outcome == "answered-by-agent"
    lost_waits = sum(1 for n in errors if "/voice/hold" in (n.request_url or ""))
    print(
        f"web kills: {len(errors)} lost requests ({lost_waits} wait loops), "
        f"{len(dropped)} callers and {len(unwhispered)} agent legs dropped"
    )


def book_callback(system: System, number: str = SAM) -> tuple[CallHandle, Callback]:
    """A caller holding presses 1 for a callback, confirms their number with 1, hangs up."""
    system.sandbox.set_policy(number, "manual")
    call = system.to_the_queue(number)
    call.wait_until(lambda c: c.listening == "gather", timeout=15)
    call.press("1")  # a callback, keeping my place
    assert "number ending in" in " ".join(p.text for p in call.wait_for_prompt(timeout=15))
    call.press("1")  # yes, this number
    call.wait_until(lambda c: "call you back within" in said(c).lower(), timeout=15)
    call.wait_for_status("completed", timeout=15)
    [callback] = [cb for cb in system.callbacks() if cb.call_sid == call.sid]
    assert callback.status == "pending"
    return call, callback


class Customer:
    """The customer at a manual phone, waiting for our callback: answers it (a person)."""

    def __init__(self, system: System, number: str = SAM) -> None:
        self.device = system.sandbox.device(number)
        self.calls: list[CallHandle] = []
        self.problems: list[BaseException] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                call = self.device.wait_for_call(timeout=0.2)
            except SandboxTimeout:
                continue
            try:
                call.answer()
                self.calls.append(call)
            except BaseException as error:
                self.problems.append(error)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(5)
        if self.problems:
            raise self.problems[0]


def test_redis_restarted_empty_rebuilds_the_line_in_order_from_the_database(
    system: System,
) -> None:
    early = system.queue_callers(2)
    _, callback = book_callback(system)
    late = system.queue_callers(2, first=2)
    hold = HoldLoop(early + late)
    line = system.services.line
    order = [early[0].sid, early[1].sid, f"cb-{callback.id}", late[0].sid, late[1].sid]

    def positions() -> list[int | None]:
        places = [line.place(e, now=time.time()) for e in order]
        return [p.position if p else None for p in places]

    # A hold webhook may still be in flight on a loaded machine: let the line settle first.
    system.sandbox.wait_until(
        lambda: positions() == [1, 2, 3, 4, 5],
        timeout=10,
        what=f"the line in order (now {positions()})",
    )
    assert_line_consistent(system.services.redis)

    system.redis.kill()
    system.redis.start()  # empty: no line, no agents, no jobs, no schedule
    assert line.waiting_ids() == []

    def rebuilt() -> bool:
        try:
            return sorted(line.waiting_ids()) == sorted(order)
        except Exception:
            return False

    wait_for(rebuilt, timeout=20, what="the line rebuilt by the sweep and the hold loops")
    assert [line.place(e, now=time.time()).position for e in order] == [1, 2, 3, 4, 5]
    assert_line_consistent(system.services.redis)

    customer = Customer(system)
    alex = AgentPlayer(system, ALEX, talk_seconds=0.3).start()
    try:
        system.agent_status(ALEX, "available")
        for call in early + late:
            call.wait_for_status("completed", timeout=40)
        system.sandbox.wait_until(
            lambda: system.callbacks()[0].status == "completed", timeout=20, what="callback"
        )
    finally:
        hold.close()
        alex.finish()
        customer.finish()
    [called_back] = customer.calls
    served = [early[0].sid, early[1].sid, called_back.sid, late[0].sid, late[1].sid]
    engine = system.sandbox.engine
    legs = sorted(alex.legs, key=lambda leg: engine.call(leg[0]).created_at)
    assert [parent for _, parent, _ in legs] == served, "everyone in their original order"
    assert [peer for _, _, peer in legs] == served, "each bridged once"
    [kept] = system.callbacks()
    assert kept.status == "completed" and kept.kept is True
    assert system.errors() == []


def test_a_callback_promise_survives_killing_web_workers_and_redis(system: System) -> None:
    _, callback = book_callback(system)
    system.kill_all()  # SIGKILL: gunicorn and its web processes, both workers, Redis
    system.redis.start()
    system.start_worker(0)
    system.start_worker(1)
    system.start_web()
    system.wait_for_workers(2)

    customer = Customer(system)
    alex = AgentPlayer(system, ALEX, talk_seconds=0.3).start()
    try:
        system.agent_status(ALEX, "available")
        system.sandbox.wait_until(
            lambda: system.callbacks()[0].status == "completed", timeout=30, what="callback"
        )
    finally:
        alex.finish()
        customer.finish()
    [called_back] = customer.calls
    assert [(parent, peer) for _, parent, peer in alex.legs] == [
        (called_back.sid, called_back.sid)
    ], "the customer was called back and bridged to the agent"
    [kept] = system.callbacks()
    assert (kept.id, kept.status, kept.kept, kept.attempts) == (callback.id, "completed", True, 1)
    assert system.errors() == []
