"""One engine per process, one unit of work per use: committed on success, rolled back otherwise.

The few statements every webhook runs do not go through the engine: SQLAlchemy Core costs about
60 µs per statement here (compiling from cache, the pool's checkout, pre-ping and reset, the
result proxy) against a few µs for the statement itself. They run on ``DriverConnection``s:
driver connections in autocommit mode, kept by ``Database`` for reuse, on which a single
statement is its own committed transaction (one round trip, not BEGIN, statement, COMMIT).
The statements themselves are still SQLAlchemy constructs, compiled once (``Prepared``).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ClauseElement

PING_AFTER_IDLE_SECONDS = 5.0
"""A kept PostgreSQL connection idle longer than this is pinged before use (what the engine's
``pool_pre_ping`` does on every checkout): connections die while idle (a server restart, an
idle timeout), and under load none is idle that long, so the hot path pays no round trip."""

CHECKPOINT_EVERY_SECONDS = 0.5
"""How often the checkpointer moves SQLite's write-ahead log into the database file."""

RESTART_LOG_AFTER_FRAMES = 8192
"""A log this long (pages: 32 MB at SQLite's 4 KB) is started over, briefly holding up the
writers; a shorter one is left to grow while webhooks keep writing (see ``_Checkpointer``)."""


def make_engine(url: str) -> Engine:
    """An engine tuned for webhook traffic: short waits for locks, connections checked."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers run beside the one writer; busy_timeout queues writers instead of
            # failing them, which matters with several web workers on one file; well under the
            # 15 s Twilio waits for a webhook, so a stuck writer still leaves time to apologise.
            # synchronous=NORMAL: a commit is appended to the WAL without an fsync, so it
            # survives the process crashing (the OS has it), not the machine losing power or
            # the kernel crashing, which can lose the last commits (never corrupt the file).
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def driver_time(dialect: str, at: datetime) -> Any:
    """An aware time as the ``UTCDateTime`` column stores it, for a ``Prepared`` statement
    (whose bind processors do not run): UTC, and on SQLite naive text as SQLAlchemy writes it,
    so that comparisons with stored values hold."""
    if at.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    utc = at.astimezone(UTC)
    if dialect == "sqlite":
        return utc.replace(tzinfo=None).isoformat(" ", "microseconds")
    return utc


class Prepared:
    """A Core statement compiled once for a dialect, run with the driver's own paramstyle.

    Values go to the driver as they are: the caller converts what a column type would have
    (times, JSON), because the compiled statement's bind processors are not run."""

    __slots__ = ("sql", "_names", "_defaults")

    def __init__(self, statement: ClauseElement, engine: Engine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self._defaults = dict(compiled.params)
        # positional paramstyles (SQLite's qmark) take a tuple in this order; named ones a dict
        self._names = tuple(compiled.positiontup) if compiled.positiontup is not None else None

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        merged = {**self._defaults, **values} if self._defaults else values
        if self._names is None:
            return dict(merged)
        return tuple(merged[name] for name in self._names)


class DriverConnection:
    """A driver connection in autocommit mode: every statement outside ``transaction()`` is
    committed (durably, as the database's settings say) when it returns."""

    __slots__ = ("dbapi", "dialect", "pid", "used_at", "_fairy", "_writers")

    def __init__(self, engine: Engine) -> None:
        fairy = engine.raw_connection()  # the engine's connect events (the pragmas) run
        fairy.detach()  # ours now: not counted in, nor returned to, the engine's pool
        dbapi = fairy.dbapi_connection
        dbapi.rollback()  # a pre-ping may have left a transaction open
        self._writers = None
        if engine.dialect.name == "sqlite":
            dbapi.isolation_level = None
            # Checkpoints (which fsync) are the checkpointer thread's job, not a webhook's.
            dbapi.execute("PRAGMA wal_autocheckpoint=0")
            path = engine.url.database
            if path and path != ":memory:" and not path.startswith("file:"):
                self._writers = open(f"{path}-writers", "a+b")  # closed in close()
        else:
            dbapi.autocommit = True
        self._fairy = fairy
        self.dbapi = dbapi
        self.dialect = engine.dialect.name
        self.pid = os.getpid()
        self.used_at = time.monotonic()

    def execute(self, statement: Prepared, values: Mapping[str, Any]) -> Any:
        """The driver's cursor, executed."""
        cursor = self.dbapi.cursor()
        cursor.execute(statement.sql, statement.parameters(values))
        return cursor

    def first(self, statement: Prepared, values: Mapping[str, Any]) -> Any:
        """The first row (a tuple) or None; the statement runs to its end either way, so an
        INSERT ... RETURNING is complete (and committed) when this returns."""
        cursor = self.execute(statement, values)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return rows[0] if rows else None

    @contextmanager
    def writing(self) -> Iterator[DriverConnection]:
        """Around a write: SQLite's writers queue on an ``flock`` first, so that two web
        workers writing at once wait in the kernel, woken when the other is done. Left to
        SQLite, the loser's busy handler sleeps in steps of milliseconds (a two-process test:
        the slowest insert 33-84 ms, against 8-16 ms queued). SQLite's lock stays the
        authority; this only orders the webhooks' own writes. Nothing to do on PostgreSQL."""
        if self._writers is None:
            yield self
            return
        fcntl.flock(self._writers, fcntl.LOCK_EX)
        try:
            yield self
        finally:
            fcntl.flock(self._writers, fcntl.LOCK_UN)

    @contextmanager
    def transaction(self) -> Iterator[DriverConnection]:
        """Several statements as one transaction: committed if the block finishes."""
        # IMMEDIATE: take SQLite's write lock now, not halfway (no deadlock on upgrading).
        self.dbapi.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
        try:
            yield self
        except BaseException:
            self.dbapi.rollback()
            raise
        self.dbapi.execute("COMMIT")

    def close(self) -> None:
        if self._writers is not None:
            self._writers.close()
        try:
            self._fairy.close()
        except Exception:  # already broken: nothing left to release
            pass


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._idle: list[DriverConnection] = []
        self._checkpointer: _Checkpointer | None = None

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session whose work is committed only if the block finishes without raising."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def prepare(self, statement: ClauseElement) -> Prepared:
        """``statement`` compiled for this database (connects once, so the dialect knows the
        server's version and features, such as RETURNING)."""
        with self.driver():
            pass
        return Prepared(statement, self.engine)

    @contextmanager
    def driver(self) -> Iterator[DriverConnection]:
        """A kept driver connection for this thread's use until the block ends.

        One whose error says it is broken (a disconnect) is closed, never reused; any other
        goes back for the next use."""
        connection = self._checkout()
        try:
            yield connection
        except BaseException as error:
            if self._is_disconnect(error, connection):
                connection.close()
            else:
                self._checkin(connection)
            raise
        self._checkin(connection)

    def _checkout(self) -> DriverConnection:
        while self._idle:
            try:
                connection = self._idle.pop()
            except IndexError:  # another thread took the last one
                break
            if connection.pid != os.getpid():  # inherited across a fork: the parent's socket
                continue
            if self._alive(connection):
                return connection
            connection.close()
        connection = DriverConnection(self.engine)
        if connection.dialect == "sqlite" and self._checkpointer is None:
            self._checkpointer = _Checkpointer(self.engine)
        return connection

    def _checkin(self, connection: DriverConnection) -> None:
        connection.used_at = time.monotonic()
        self._idle.append(connection)

    def _alive(self, connection: DriverConnection) -> bool:
        if connection.dialect == "sqlite":
            return True
        if time.monotonic() - connection.used_at < PING_AFTER_IDLE_SECONDS:
            return not connection.dbapi.closed
        try:
            return bool(self.engine.dialect.do_ping(connection.dbapi))
        except Exception:
            return False

    def _is_disconnect(self, error: BaseException, connection: DriverConnection) -> bool:
        dbapi = self.engine.dialect.loaded_dbapi
        if not isinstance(error, dbapi.Error):
            return False
        return self.engine.dialect.is_disconnect(error, connection.dbapi, None)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        while self._idle:
            self._idle.pop().close()
        self.engine.dispose()


class _Checkpointer:
    """Moves SQLite's write-ahead log into the database file from a thread of its own, one
    thread per database file on the machine however many processes use it.

    SQLite's automatic checkpoint runs inside whichever commit crosses 1000 pages, and with
    synchronous=NORMAL it fsyncs: a webhook now and then waited 20-70 ms for the disk. Here a
    PASSIVE checkpoint runs every ``CHECKPOINT_EVERY_SECONDS`` beside the webhooks: it copies
    what the log holds into the file and does the fsyncs (8-40 ms each under load, measured)
    while they keep writing. But a checkpoint that webhooks keep writing behind never
    completes, so no writer can start the log over, and it grew by ~24 MB/s under load
    (measured). So once the log is ``RESTART_LOG_AFTER_FRAMES`` long, a second PASSIVE
    checkpoint runs holding the writers' ``flock`` (see ``DriverConnection.writing``): only what
    was written during the first is left to copy, the checkpoint completes, and the next writer
    starts the log over. Holding the lock for every checkpoint, as before, held up every writer
    for its fsyncs four times a second with two web workers (p90 10-14 ms, at most 40-240 ms).

    Every web worker is a process with a ``Database``, and every checkpoint costs its fsyncs
    whether one or five processes asked for it, so the checkpointing is elected: whichever
    process holds the ``-checkpointer`` flock beside the file checkpoints; the others check
    again each interval and take over if it exits (the kernel drops a dead process's flock)."""

    def __init__(
        self,
        engine: Engine,
        *,
        restart_after_frames: int = RESTART_LOG_AFTER_FRAMES,
        start: bool = True,
    ) -> None:
        self._engine = engine
        self._restart_after_frames = restart_after_frames
        path = engine.url.database or ""
        on_disk = path not in ("", ":memory:") and not path.startswith("file:")
        self._writers = open(f"{path}-writers", "a+b") if on_disk else None
        self._elector = open(f"{path}-checkpointer", "a+b") if on_disk else None
        self._elected = self._elector is None or _try_flock(self._elector)
        self._connection: Any = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)
        if start:
            self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(CHECKPOINT_EVERY_SECONDS):
            try:
                self.checkpoint()
            except Exception:  # the file went away, or is busy: try again next time
                if self._connection is not None:
                    self._connection.close()
                self._connection = None
        self._close()

    def checkpoint(self) -> str:
        """One turn: ``"elsewhere"`` (another process checkpoints this file), ``"copied"``
        (the log copied into the file, left to grow) or ``"completed"`` (the log copied with
        the writers held, so that the next writer starts it over)."""
        if not self._elected:
            self._elected = _try_flock(self._elector)
            if not self._elected:
                return "elsewhere"
        if self._connection is None:
            self._connection = self._engine.raw_connection()
            self._connection.detach()
            self._connection.dbapi_connection.execute("PRAGMA journal_size_limit=67108864")
        dbapi = self._connection.dbapi_connection
        _busy, log_frames, _copied = dbapi.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if log_frames < self._restart_after_frames:
            return "copied"
        if self._writers is not None:
            fcntl.flock(self._writers, fcntl.LOCK_EX)
        try:
            dbapi.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            if self._writers is not None:
                fcntl.flock(self._writers, fcntl.LOCK_UN)
        return "completed"

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        for kept in (self._writers, self._elector):
            if kept is not None:
                kept.close()  # the elector's flock goes with it

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stopped.set()
            self._thread.join(5)
        else:
            self._close()


def _try_flock(file: Any) -> bool:
    """Whether this open file now holds the exclusive flock (False at once if another does)."""
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
