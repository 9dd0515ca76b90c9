"""Fixtures shared by the whole suite: real Redis, real databases, the app, signed webhooks.

Redis is a ``redis-server`` the suite starts on a free port; PostgreSQL is the machine's server
on 127.0.0.1:5432, in a database the suite creates and drops. Neither touches data it did not
create. In CI (``CI=true``) a missing part fails the run instead of skipping.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from ivr.adapters.sql.migrate import upgrade
from ivr.adapters.sql.models import Base
from ivr.config import Settings
from tests.helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BUSINESS_NUMBER,
    CALLFLOWS,
    OPEN_HOURS,
    POSTGRES_ADMIN_URL,
    PUBLIC_BASE_URL,
    Carrier,
    FixedClock,
    free_port,
    need,
)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        need("redis-server is not installed")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="ivr-test-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)
    client.close()
    yield url
    process.terminate()
    process.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    client = Redis.from_url(redis_server)
    client.flushall()
    yield redis_server
    client.flushall()
    client.close()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'ivr.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[str]:
    name = f"ivr_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        need(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that uses the records runs on both back ends, on empty tables."""
    url = request.getfixturevalue(f"{request.param}_database")
    empty_tables(url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(OPEN_HOURS)


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    return Settings(
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_phone_number=BUSINESS_NUMBER,
        public_base_url=PUBLIC_BASE_URL,
        twilio_api_base_url="http://127.0.0.1:9",  # nothing listens: no test reaches a carrier
        redis_url=redis_url,
        database_url=database_url,
        secret_key="test-secret-key-" + "0" * 16,
        callflows_dir=CALLFLOWS,
    )


@pytest.fixture
def app(settings: Settings, clock: FixedClock):
    from ivr import create_app
    from ivr.adapters.passwords import fast_passwords_for_tests

    application = create_app(settings)
    application.config["TESTING"] = True
    application.extensions["ivr"].clock = clock
    application.extensions["ivr"].passwords = fast_passwords_for_tests()
    yield application
    application.extensions["ivr"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def carrier(client, settings: Settings) -> Carrier:
    return Carrier(client, settings)
