"""The whole product over HTTP: the sandbox carrier, the web app, an RQ worker process.

The app is served by a real WSGI server on a free port, the sandbox calls its webhooks (signed)
and the app's REST client calls the sandbox (``TWILIO_API_BASE_URL``); agents are rung by a
``ivr worker`` process, as in production.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from ivr import create_app
from ivr.adapters.passwords import fast_passwords_for_tests
from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Call, Callback, Voicemail
from ivr.bootstrap import Services
from ivr.config import QueueSettings, RecordingSettings, Settings, VoiceSdkSettings
from ivr.core.queueing import AgentState
from ivr.sandbox import Sandbox
from ivr.seed import seed_demo
from tests.e2e.browser import browser, page, second_page  # noqa: F401  (the page tests' fixtures)
from tests.helpers import (
    ACCOUNT_SID,
    API_KEY_SECRET,
    API_KEY_SID,
    AUTH_TOKEN,
    BUSINESS_NUMBER,
    CALLFLOWS,
    ROOT,
    TWIML_APP_SID,
    VOICE_SDK_ENV,
    FixedClock,
    free_port,
)

TIME_SCALE = 0.05
ARTIFACTS = ROOT / "tests" / "artifacts"
AGENT_PHONES = ("+12025550111", "+12025550112")


@dataclass
class Live:
    sandbox: Sandbox
    settings: Settings
    clock: FixedClock
    database: Database
    services: Services

    def agent_status(self, phone: str, status: str) -> None:
        """An agent goes available or offline (as the API or their console would)."""
        with self.database.unit_of_work() as session:
            agent_id = session.scalar(select(Agent.id).where(Agent.phone == phone))
        self.services.dispatcher.sync_agents()
        self.services.dispatcher.set_agent_status(agent_id, AgentState(status))
        self.services.jobs.caller_waiting()

    def callbacks(self) -> list[Callback]:
        with self.database.unit_of_work() as session:
            return list(session.scalars(select(Callback).order_by(Callback.id)))

    def call(self, from_: str, *, scripted: bool = True):
        return self.sandbox.dial(BUSINESS_NUMBER, from_=from_, scripted=scripted)

    def ringing_agent_legs(self) -> list:
        return [
            c
            for c in self.sandbox.calls()
            if c.direction in ("outbound-api", "outbound-dial") and c.status == "ringing"
        ]

    def agent_answers(self, *, timeout: float = 20.0):
        """The first agent phone to ring is picked up; returns the leg, at its whisper."""
        self.sandbox.wait_until(
            lambda: bool(self.ringing_agent_legs()), timeout=timeout, what="an agent's phone"
        )
        leg = self.ringing_agent_legs()[0]
        leg.answer()
        leg.wait_for_prompt(timeout=timeout)
        return leg

    def agent_takes_call(self, *, timeout: float = 20.0):
        """An agent picks up, hears where the call is from and presses 1."""
        leg = self.agent_answers(timeout=timeout)
        leg.press("1")
        return leg

    def call_record(self, call_sid: str) -> Call:
        with self.database.unit_of_work() as session:
            return session.scalars(select(Call).where(Call.call_sid == call_sid)).one()

    def voicemails(self) -> list[Voicemail]:
        with self.database.unit_of_work() as session:
            return list(session.scalars(select(Voicemail)))


def _serve(app, port: int):
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    return server, thread


@pytest.fixture
def live(sqlite_database: str, redis_url: str, clock: FixedClock) -> Iterator[Live]:
    yield from running(sqlite_database, redis_url, clock, time_scale=TIME_SCALE)


def running(
    sqlite_database: str,
    redis_url: str,
    clock: FixedClock,
    *,
    time_scale: float,
    callflows_dir: Path = CALLFLOWS,
    recordings_dir: Path | None = None,
    transcriber: bool = False,
) -> Iterator[Live]:
    from tests.conftest import empty_tables

    empty_tables(sqlite_database)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    database = Database(sqlite_database)
    seed_demo(database)

    sandbox = Sandbox(
        ACCOUNT_SID, AUTH_TOKEN, time_scale=time_scale, api_keys={API_KEY_SID: API_KEY_SECRET}
    )
    sandbox_url = sandbox.serve()
    for agent_phone in AGENT_PHONES:
        sandbox.set_policy(agent_phone, "manual")  # the tests play the agents
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = Settings(
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_phone_number=BUSINESS_NUMBER,
        public_base_url=public,
        twilio_api_base_url=sandbox_url,
        redis_url=redis_url,
        database_url=sqlite_database,
        secret_key="e2e-secret-key-" + "0" * 16,
        callflows_dir=callflows_dir,
        agent_ring_timeout_seconds=60,  # 3 s of wall clock at the sandbox's time scale
        queue=QueueSettings(wrap_up_seconds=1, not_ready_seconds=30, sticky_days=0),
        voice_sdk=VoiceSdkSettings(API_KEY_SID, API_KEY_SECRET, TWIML_APP_SID),
    )
    if recordings_dir is not None:
        settings = replace(settings, recording=RecordingSettings(directory=recordings_dir))
    app = create_app(settings)
    app.extensions["ivr"].clock = clock
    app.extensions["ivr"].passwords = fast_passwords_for_tests()
    server, thread = _serve(app, port)
    sandbox.add_number(
        BUSINESS_NUMBER, f"{public}/voice/incoming", status_callback=f"{public}/voice/status"
    )
    env = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": BUSINESS_NUMBER,
        "PUBLIC_BASE_URL": public,
        "TWILIO_API_BASE_URL": sandbox_url,
        "REDIS_URL": redis_url,
        "DATABASE_URL": sqlite_database,
        "SECRET_KEY": settings.secret_key,
        "IVR_AGENT_RING_TIMEOUT": "60",
        "IVR_WRAP_UP_SECONDS": "1",
        "IVR_NOT_READY_SECONDS": "30",
        "IVR_STICKY_DAYS": "0",
        "IVR_SWEEP_SECONDS": "2",
        "IVR_CALLFLOWS_DIR": str(callflows_dir),
        **VOICE_SDK_ENV,
    }
    if recordings_dir is not None:
        env["IVR_RECORDINGS_DIR"] = str(recordings_dir)
    # The worker's log, for when a test says an agent's phone never rang.
    worker_log = (ARTIFACTS / "e2e-worker.log").open("ab")
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "ivr"), "worker"],
        env=env,
        cwd=ROOT,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    processes = [worker]
    if transcriber:  # `ivr transcriber`, as the Procfile runs it: Vosk, a work horse per job
        processes.append(
            subprocess.Popen(
                [str(Path(sys.executable).parent / "ivr"), "transcriber"],
                env=env,
                cwd=ROOT,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield Live(
            sandbox=sandbox,
            settings=settings,
            clock=clock,
            database=database,
            services=app.extensions["ivr"],
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        worker_log.close()
        sandbox.close()
        server.shutdown()
        thread.join(5)
        app.extensions["ivr"].close()
        database.dispose()
