"""Managers find calls by what was said: transcripts and reasons, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, delete, inspect, text, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.migrate import downgrade, upgrade
from ivr.adapters.sql.models import Call, Customer, Recording, TranscriptRecord
from ivr.adapters.sql.search import SqlTranscriptSearch
from ivr.core.search import SearchQuery

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(database_url: str):
    db = Database(database_url)
    yield db
    db.dispose()


def add_call(
    db: Database,
    call_sid: str,
    *,
    transcript: str | None = None,
    reason: str | None = None,
    customer: str | None = None,
    minutes: int = 0,
) -> None:
    with db.unit_of_work() as session:
        customer_row = Customer(name=customer) if customer else None
        if customer_row:
            session.add(customer_row)
            session.flush()
        session.add(
            Call(
                call_sid=call_sid,
                customer_id=customer_row.id if customer_row else None,
                started_at=T0 + timedelta(minutes=minutes),
                reason=reason,
            )
        )
        if transcript is not None:
            recording = Recording(
                recording_sid="RE" + call_sid, call_sid=call_sid, kind="call", source_url="x"
            )
            session.add(recording)
            session.flush()
            session.add(
                TranscriptRecord(
                    recording_id=recording.id, call_sid=call_sid, status="done", text=transcript
                )
            )


def found(db: Database, q: str, *, limit: int = 20, offset: int = 0) -> list[str]:
    hits = SqlTranscriptSearch(db).search(SearchQuery.parse(q), limit=limit, offset=offset)
    return [f"{hit.source}:{hit.call_sid}" for hit in hits]


def test_a_word_finds_the_transcripts_that_contain_it(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: my invoice is wrong\nagent: let me check")
    add_call(database, "CA2", transcript="customer: the internet is down")
    assert found(database, "invoice") == ["transcript:CA1"]
    assert found(database, "INVOICE wrong") == ["transcript:CA1"]
    assert found(database, "invoice down") == []


def test_a_hit_names_the_call_its_customer_and_shows_who_said_it(database: Database) -> None:
    add_call(
        database,
        "CA1",
        transcript="customer: hello\nagent: how can I help\ncustomer: my invoice is <b>wrong</b>",
        customer="Ana García",
    )
    (hit,) = SqlTranscriptSearch(database).search(SearchQuery.parse("invoice"), limit=5, offset=0)
    assert (hit.call_sid, hit.recording_sid, hit.customer_name) == ("CA1", "RECA1", "Ana García")
    assert hit.customer_id is not None and hit.started_at == T0
    assert hit.snippet.speaker == "customer"
    assert hit.snippet.text == "customer: my invoice is <b>wrong</b>"
    start, end = hit.snippet.highlights[0]
    assert hit.snippet.text[start:end] == "invoice"
    assert hit.snippet.html == "customer: my <mark>invoice</mark> is &lt;b&gt;wrong&lt;/b&gt;"
    assert hit.rank > 0


def test_reasons_for_calling_are_found_too(database: Database) -> None:
    add_call(database, "CA1", reason="Question about billing")
    add_call(database, "CA2", transcript="customer: billing again")
    assert sorted(found(database, "billing")) == ["reason:CA1", "transcript:CA2"]


def test_the_index_follows_updates_and_deletes(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: old words", reason="first reason")
    with database.unit_of_work() as session:
        session.execute(update(TranscriptRecord).values(text="customer: new words"))
        session.execute(update(Call).values(reason="second reason"))
    assert found(database, "old") == [] and found(database, "first") == []
    assert found(database, "new") == ["transcript:CA1"]
    assert found(database, "second") == ["reason:CA1"]
    with database.unit_of_work() as session:
        session.execute(delete(TranscriptRecord))
        session.execute(update(Call).values(reason=None))
    assert found(database, "new") == [] and found(database, "second") == []


def test_a_pending_transcript_has_no_text_and_is_not_found(database: Database) -> None:
    add_call(database, "CA1", transcript=None)
    with database.unit_of_work() as session:
        recording = Recording(recording_sid="RE1", call_sid="CA1", kind="call", source_url="x")
        session.add(recording)
        session.flush()
        session.add(TranscriptRecord(recording_id=recording.id, call_sid="CA1"))
    assert found(database, "customer") == []


def test_phrases_exclusions_and_alternatives(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: the late fee was waived")
    add_call(database, "CA2", transcript="customer: a fee that was late")
    add_call(database, "CA3", transcript="customer: cancel my contract")
    assert found(database, '"late fee"') == ["transcript:CA1"]
    assert found(database, "fee -waived") == ["transcript:CA2"]
    assert sorted(found(database, "waived or contract")) == ["transcript:CA1", "transcript:CA3"]


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "a\"b'c",
        "(fee",
        "fee)",
        "fee*",
        "*",
        "NEAR(fee late)",
        "fee NEAR late",
        "- fee",
        "--fee",
        "text:fee",
        "fee AND OR NOT",
        "^fee",
        "fee + late",
        "'; DROP TABLE calls; --",
        "요금 💳 ñandú",
        "\x00fee",
    ],
)
def test_nothing_a_user_types_breaks_the_query(database: Database, q: str) -> None:
    add_call(database, "CA1", transcript="customer: the late fee was waived")
    assert isinstance(found(database, q), list)
    assert found(database, "fee") == ["transcript:CA1"]  # and the tables are still there


def test_a_query_with_nothing_to_look_for_finds_nothing(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: the late fee")
    assert found(database, "***") == []
    assert found(database, "-fee") == []


def test_words_in_any_script_are_found(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: 요금 청구서가 잘못 됐어요")
    add_call(database, "CA2", transcript="customer: Quiero hablar con Ana García")
    assert found(database, "청구서가") == ["transcript:CA1"]
    assert found(database, "garcía") == ["transcript:CA2"]


def test_masked_pii_is_found_by_its_mask_word_not_by_its_digits(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: my card is [card]")
    assert found(database, "card") == ["transcript:CA1"]
    assert found(database, "4111111111111111") == []


def test_results_come_a_page_at_a_time_best_first(database: Database) -> None:
    add_call(database, "CA1", transcript="customer: fee", minutes=1)
    add_call(database, "CA2", transcript="customer: fee fee fee fee about the fee", minutes=2)
    add_call(database, "CA3", transcript="customer: " + "other words " * 20 + "fee", minutes=3)
    everything = found(database, "fee")
    assert len(everything) == 3
    assert everything[0] == "transcript:CA2"
    assert found(database, "fee", limit=2) + found(database, "fee", limit=2, offset=2) == (
        everything
    )


def test_a_long_transcript_gives_a_short_snippet_around_the_match(database: Database) -> None:
    words = " ".join(f"w{i}" for i in range(100))
    add_call(database, "CA1", transcript=f"agent: {words} refund {words}")
    (hit,) = SqlTranscriptSearch(database).search(SearchQuery.parse("refund"), limit=1, offset=0)
    assert hit.snippet.text.startswith("agent: … w92")
    assert hit.snippet.text.endswith(" …")
    assert len(hit.snippet.text.split()) < 30


def test_the_migration_creates_the_index_and_its_downgrade_removes_it(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'search.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    assert {"transcripts_fts", "call_reasons_fts"} <= names
    downgrade(url, "0006")
    names = set(inspect(engine).get_table_names())
    assert not any("fts" in name for name in names)
    with engine.connect() as connection:
        triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        assert triggers.all() == []
    upgrade(url)
    assert {"transcripts_fts", "call_reasons_fts"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_upgrading_a_database_with_transcripts_indexes_them(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0006")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO recordings (recording_sid, call_sid, kind, source_url, channels,"
                " status, attempts, reported_at) VALUES ('RE1', 'CA1', 'call', 'x', 1,"
                " 'stored', 0, '2026-11-30 09:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO transcripts (recording_id, call_sid, status, text, attempts,"
                " created_at) VALUES (1, 'CA1', 'done', 'customer: refund please', 0,"
                " '2026-11-30 09:00:00')"
            )
        )
    engine.dispose()
    upgrade(url)
    db = Database(url)
    assert found(db, "refund") == ["transcript:CA1"]
    db.dispose()


def test_the_postgresql_search_uses_the_gin_index(postgresql_database: str) -> None:
    engine = create_engine(postgresql_database)
    with engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        plan = connection.execute(
            text(
                "EXPLAIN SELECT id FROM transcripts WHERE to_tsvector('simple',"
                " coalesce(transcripts.text, '')) @@ websearch_to_tsquery('simple', 'fee')"
            )
        )
        assert "ix_transcripts_text_search" in "\n".join(row[0] for row in plan)
    engine.dispose()
