"""``make run``: the whole contact centre on one machine with nothing but defaults.

A Redis server started for the purpose (no persistence, its own port), SQLite in the instance
folder, the sandbox carrier, the web app under gunicorn, an RQ worker with the scheduler and
the transcriber (Vosk), supervised by honcho so Ctrl-C stops every one of them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

from ivr import instance_path
from ivr.adapters.sql.database import Database
from ivr.adapters.sql.migrate import upgrade
from ivr.config import default_database_url
from ivr.seed import (
    DEMO_AGENTS,
    DEMO_BUSINESS_NUMBER,
    DEMO_CUSTOMERS,
    seed_demo,
    seed_demo_users,
)

DEMO_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
VOICE_SDK_VARIABLES = ("TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_TWIML_APP_SID")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def demo_environment(web_port: int, sandbox_port: int, redis_port: int) -> dict[str, str]:
    """The settings the demo runs on; anything already set in the environment wins."""
    defaults = {
        "TWILIO_ACCOUNT_SID": DEMO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_PHONE_NUMBER": DEMO_BUSINESS_NUMBER,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "TWILIO_API_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DATABASE_URL": default_database_url(instance_path()),
        "SECRET_KEY": secrets.token_hex(32),
    }
    env = dict(os.environ)
    for name, value in defaults.items():
        env.setdefault(name, value)
    if not any(env.get(name) for name in VOICE_SDK_VARIABLES):
        # Browser phones: the sandbox process knows this key (`ivr sandbox` reads the same
        # variables), so the tokens the app mints register there. All three or none: a key
        # of the user's own is never paired with a secret made up here.
        env.update(
            TWILIO_API_KEY="SK" + secrets.token_hex(16),
            TWILIO_API_SECRET=secrets.token_hex(16),
            TWILIO_TWIML_APP_SID="AP" + secrets.token_hex(16),
        )
    return env


def _announce_when_ready(health_url: str, phone_url: str, banner: str) -> None:
    """Print the URLs once the web app and the sandbox answer, after their start-up logs."""
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(health_url, timeout=1).ok and requests.get(phone_url, timeout=1).ok:
                click.echo(banner)
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    click.echo("the demo did not become healthy within 60 s; see the log above", err=True)


def run_demo(*, web_port: int, sandbox_port: int) -> int:
    from honcho.manager import Manager

    for port in (web_port, sandbox_port):
        if not port_is_free(port):
            raise click.ClickException(f"port {port} is in use; pass --port/--sandbox-port")
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise click.ClickException("redis-server is not installed (make install installs it)")
    redis_port = free_port()
    env = demo_environment(web_port, sandbox_port, redis_port)
    bin_dir = Path(sys.executable).parent
    scratch = Path(tempfile.mkdtemp(prefix="ivr-demo-"))
    env["PROMETHEUS_MULTIPROC_DIR"] = str(scratch / "metrics")
    (scratch / "metrics").mkdir()

    instance_path().mkdir(parents=True, exist_ok=True)
    upgrade(env["DATABASE_URL"])
    database = Database(env["DATABASE_URL"])
    seed_demo(database)
    logins = seed_demo_users(database, instance_path() / "demo-logins.json")
    database.dispose()

    # Redis runs outside the supervisor so that it stops last: the worker and the web app
    # shut down cleanly while it is still there.
    redis = subprocess.Popen(
        [
            redis_server,
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--loglevel",
            "warning",
            "--dir",
            str(scratch),
        ],
        start_new_session=True,
    )
    manager = Manager()
    manager.add_process("sandbox", f"{bin_dir / 'ivr'} sandbox --port {sandbox_port}", env=env)
    manager.add_process(
        "web",
        f"{bin_dir / 'gunicorn'} --bind 127.0.0.1:{web_port} --workers 2 --threads 4 "
        "--access-logfile - 'ivr:create_app()'",
        env=env,
    )
    manager.add_process("worker", f"{bin_dir / 'ivr'} worker", env=env)
    manager.add_process("transcriber", f"{bin_dir / 'ivr'} transcriber", env=env)

    agents = ", ".join(f"{a.name} {a.phone or 'client:' + str(a.client)}" for a in DEMO_AGENTS)
    console_logins = "".join(
        f"      {user.role:<8} {user.email}  password {password}\n" for user, password in logins
    )
    customers = ", ".join(f"{c.name} {c.number}" for c in DEMO_CUSTOMERS)
    banner = (
        "\n"
        f"  Sandbox phone page: http://127.0.0.1:{sandbox_port}/\n"
        f"  Business number:    {env['TWILIO_PHONE_NUMBER']}\n"
        f"  Agents' phones:     {agents}\n"
        f"  Known customers:    {customers}\n"
        f"  Web app:            {env['PUBLIC_BASE_URL']}  (/healthz, /metrics)\n"
        f"  Click-to-call demo: {env['PUBLIC_BASE_URL']}/click-to-call/demo\n"
        f"  Browser phones:     API key {env['TWILIO_API_KEY']}, "
        f"sandbox endpoints http://127.0.0.1:{sandbox_port}/sandbox/voice/\n"
        f"  Consoles:           {env['PUBLIC_BASE_URL']}/console/  (sign in as:)\n"
        f"{console_logins}"
        "  Ctrl-C stops everything.\n"
    )
    threading.Thread(
        target=_announce_when_ready,
        args=(f"{env['PUBLIC_BASE_URL']}/healthz", f"http://127.0.0.1:{sandbox_port}/", banner),
        daemon=True,
    ).start()
    try:
        manager.loop()
    finally:
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)
    return manager.returncode or 0
