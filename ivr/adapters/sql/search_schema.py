"""The full-text index over transcripts and call reasons, one per back end.

**SQLite**: two FTS5 external-content tables, ``transcripts_fts`` over ``transcripts.text`` and
``call_reasons_fts`` over ``calls.reason``. External content, so the text is stored once (in
its own table) and FTS5 keeps only the index; ``snippet()``/``highlight()`` read the text back
by rowid. Triggers keep the index in step with every insert, update and delete; an update
removes the old text from the index with FTS5's ``'delete'`` command, which needs the old value,
as the FTS5 documentation requires for external content. The reason triggers fire only for
``UPDATE OF reason`` and rows that have one: ``calls`` is written on every webhook and must not
pay for search on each status change. Tokenizer ``unicode61 remove_diacritics 2``: any script,
case- and accent-insensitive ("garcia" finds "García").

**PostgreSQL**: GIN expression indexes on ``to_tsvector('simple', ...)``: ``simple`` because a
transcript may be Korean, English or Spanish, and a stemmer for one language mangles the
others; queries must use the very same expression (``TRANSCRIPT_VECTOR``) to use the index.

These objects are not in the models (SQLAlchemy has no virtual tables), so Alembic's comparison
leaves them alone (``is_search_object``). Migration 0007 installs them; ``install`` is also run
after ``Base.metadata.create_all`` (see ``models.py``), idempotently, so a table created that
way is indexed too. A later change to the index needs a new migration; this module describes
the head schema.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

TRANSCRIPT_VECTOR = "to_tsvector('simple', coalesce(transcripts.text, ''))"
REASON_VECTOR = "to_tsvector('simple', coalesce(calls.reason, ''))"

_SQLITE_INSTALL = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS transcripts_fts USING fts5(
        text, content='transcripts', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS transcripts_fts_insert AFTER INSERT ON transcripts
       WHEN new.text IS NOT NULL BEGIN
         INSERT INTO transcripts_fts(rowid, text) VALUES (new.id, new.text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS transcripts_fts_update AFTER UPDATE OF text ON transcripts
       BEGIN
         INSERT INTO transcripts_fts(transcripts_fts, rowid, text)
           SELECT 'delete', old.id, old.text WHERE old.text IS NOT NULL;
         INSERT INTO transcripts_fts(rowid, text)
           SELECT new.id, new.text WHERE new.text IS NOT NULL;
       END""",
    """CREATE TRIGGER IF NOT EXISTS transcripts_fts_delete AFTER DELETE ON transcripts
       WHEN old.text IS NOT NULL BEGIN
         INSERT INTO transcripts_fts(transcripts_fts, rowid, text)
           VALUES ('delete', old.id, old.text);
       END""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS call_reasons_fts USING fts5(
        reason, content='calls', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS call_reasons_fts_insert AFTER INSERT ON calls
       WHEN new.reason IS NOT NULL BEGIN
         INSERT INTO call_reasons_fts(rowid, reason) VALUES (new.id, new.reason);
       END""",
    """CREATE TRIGGER IF NOT EXISTS call_reasons_fts_update AFTER UPDATE OF reason ON calls
       BEGIN
         INSERT INTO call_reasons_fts(call_reasons_fts, rowid, reason)
           SELECT 'delete', old.id, old.reason WHERE old.reason IS NOT NULL;
         INSERT INTO call_reasons_fts(rowid, reason)
           SELECT new.id, new.reason WHERE new.reason IS NOT NULL;
       END""",
    """CREATE TRIGGER IF NOT EXISTS call_reasons_fts_delete AFTER DELETE ON calls
       WHEN old.reason IS NOT NULL BEGIN
         INSERT INTO call_reasons_fts(call_reasons_fts, rowid, reason)
           VALUES ('delete', old.id, old.reason);
       END""",
    # Index what is already there (a database upgraded with transcripts, or tables recreated).
    "INSERT INTO transcripts_fts(transcripts_fts) VALUES ('rebuild')",
    "INSERT INTO call_reasons_fts(call_reasons_fts) VALUES ('rebuild')",
)

_SQLITE_UNINSTALL = (
    "DROP TRIGGER IF EXISTS call_reasons_fts_delete",
    "DROP TRIGGER IF EXISTS call_reasons_fts_update",
    "DROP TRIGGER IF EXISTS call_reasons_fts_insert",
    "DROP TABLE IF EXISTS call_reasons_fts",
    "DROP TRIGGER IF EXISTS transcripts_fts_delete",
    "DROP TRIGGER IF EXISTS transcripts_fts_update",
    "DROP TRIGGER IF EXISTS transcripts_fts_insert",
    "DROP TABLE IF EXISTS transcripts_fts",
)

_POSTGRESQL_INSTALL = (
    f"CREATE INDEX IF NOT EXISTS ix_transcripts_text_search ON transcripts "
    f"USING gin ({TRANSCRIPT_VECTOR.replace('transcripts.', '')})",
    # Partial: most calls have no reason, and their rows need no index entry.
    f"CREATE INDEX IF NOT EXISTS ix_calls_reason_search ON calls "
    f"USING gin ({REASON_VECTOR.replace('calls.', '')}) WHERE reason IS NOT NULL",
)

_POSTGRESQL_UNINSTALL = (
    "DROP INDEX IF EXISTS ix_calls_reason_search",
    "DROP INDEX IF EXISTS ix_transcripts_text_search",
)

_SEARCH_TABLE_PREFIXES = ("transcripts_fts", "call_reasons_fts")
_SEARCH_INDEXES = frozenset({"ix_transcripts_text_search", "ix_calls_reason_search"})


def _statements(connection: Connection, *, install: bool) -> tuple[str, ...]:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    if dialect == "postgresql":
        return _POSTGRESQL_INSTALL if install else _POSTGRESQL_UNINSTALL
    raise RuntimeError(f"full-text search is not available on {dialect!r}")


def install(connection: Connection) -> None:
    """Create the index and its triggers where missing, and index what is already stored."""
    for statement in _statements(connection, install=True):
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    for statement in _statements(connection, install=False):
        connection.execute(text(statement))


def install_after_create(target: object, connection: Connection, **kw: object) -> None:
    """``after_create`` hook on the models' metadata: ``create_all`` leaves no table unindexed
    (the tests that drop ``calls`` to break the database create it again this way)."""
    names = set(inspect(connection).get_table_names())
    if {"transcripts", "calls"} <= names:
        install(connection)


def is_search_object(name: str | None, type_: str, parent_names: object = None) -> bool:
    """Whether Alembic's autogenerate should leave this object to this module."""
    if name is None:
        return False
    if type_ == "table":
        return name.startswith(_SEARCH_TABLE_PREFIXES)
    if type_ == "index":
        return name in _SEARCH_INDEXES
    return False


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: everything but the search objects."""
    return not is_search_object(name, type_, parent_names)
