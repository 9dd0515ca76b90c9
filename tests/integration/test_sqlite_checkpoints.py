"""SQLite's write-ahead log is checkpointed by one process per file, and started over while
webhooks keep writing, without holding the writers up for the slow part."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.adapters.sql.database import Database, _Checkpointer

ROW = "x" * 3000  # about a page per row: the log grows by a frame or so per write


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'checkpoints.sqlite3'}")
    with database.driver() as connection:
        connection.dbapi.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    yield database
    database.dispose()


def write(database: Database, count: int) -> None:
    """``count`` commits, each queued on the writers' lock, as the webhooks' writes are."""
    with database.driver() as connection:
        for _ in range(count):
            with connection.writing():
                connection.dbapi.execute("INSERT INTO notes (body) VALUES (?)", (ROW,))


def log_frames(database: Database) -> int:
    """The log's length in frames (a PASSIVE checkpoint reports it, and only copies)."""
    with database.driver() as connection:
        return connection.dbapi.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def checkpointer(database: Database, **options: int) -> _Checkpointer:
    """A checkpointer whose turns the test takes (no thread)."""
    return _Checkpointer(database.engine, start=False, **options)


def test_only_one_process_checkpoints_a_file_and_another_takes_over_when_it_stops(
    database: Database,
) -> None:
    # A Database starts its own checkpointer with its first connection; it is elected first.
    first, second = checkpointer(database), checkpointer(database)
    try:
        assert first.checkpoint() == "elsewhere"
        database.dispose()  # the Database's own checkpointer stops: its flock goes
        assert first.checkpoint() == "copied"
        assert second.checkpoint() == "elsewhere"

        first.stop()

        assert second.checkpoint() == "copied"
    finally:
        first.stop()
        second.stop()


def test_a_short_log_is_copied_while_a_writer_holds_the_writers_lock(database: Database) -> None:
    database.dispose()
    turns = checkpointer(database, restart_after_frames=1000)
    writers = open(database.url.removeprefix("sqlite:///") + "-writers", "a+b")
    done: list[str] = []
    try:
        write(database, 20)
        fcntl.flock(writers, fcntl.LOCK_EX)  # a webhook mid-write
        try:
            turn = threading.Thread(target=lambda: done.append(turns.checkpoint()))
            turn.start()
            turn.join(10)
        finally:
            fcntl.flock(writers, fcntl.LOCK_UN)
        turn.join(10)

        assert done == ["copied"], "the checkpoint waited for the writer"
    finally:
        writers.close()
        turns.stop()


def test_a_long_log_is_started_over_by_the_next_writer_after_a_completed_checkpoint(
    database: Database,
) -> None:
    database.dispose()
    turns = checkpointer(database, restart_after_frames=50)
    try:
        write(database, 80)
        assert log_frames(database) >= 80

        assert turns.checkpoint() == "completed"
        write(database, 1)

        assert log_frames(database) < 10
        with database.driver() as connection:
            assert connection.dbapi.execute("SELECT count(*) FROM notes").fetchone() == (81,)
    finally:
        turns.stop()
