"""``TranscriptSearch`` on SQLite FTS5 or PostgreSQL full-text search (``search_schema``).

Two steps: the page of matching documents, ranked (transcripts and call reasons together), then
the matched words marked in just those documents. Marking is the costly part (it re-reads the
whole text), so it is done for the 20 documents shown, not the thousands that matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    func,
    literal,
    literal_column,
    null,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import Session

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Call, Customer, Recording, TranscriptRecord
from ivr.core.search import MARK_END, MARK_START, SearchHit, SearchQuery, Snippet

TRANSCRIPT = "transcript"
REASON = "reason"

_transcripts_fts = table("transcripts_fts", column("rowid"), column("text"))
_reasons_fts = table("call_reasons_fts", column("rowid"), column("reason"))
_SIMPLE = literal_column("'simple'")
"""Inline, not a bound parameter: the planner matches the GIN index's expression only when the
configuration is a constant in the query text."""


class SqlTranscriptSearch:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._dialect = database.engine.dialect.name

    def search(self, query: SearchQuery, *, limit: int, offset: int) -> list[SearchHit]:
        if query.empty:
            return []
        documents = (
            self._postgresql(query) if self._dialect == "postgresql" else self._sqlite(query)
        )
        ranked = documents.subquery("documents")
        page = (
            select(
                ranked.c.source,
                ranked.c.document_id,
                ranked.c.call_sid,
                ranked.c.recording_sid,
                ranked.c.rank,
                Call.started_at,
                Customer.id.label("customer_id"),
                Customer.name.label("customer_name"),
            )
            .outerjoin(Call, Call.call_sid == ranked.c.call_sid)
            .outerjoin(Customer, Customer.id == Call.customer_id)
            .order_by(
                ranked.c.rank.desc(),
                Call.started_at.desc(),
                ranked.c.source,
                ranked.c.document_id,
            )
            .limit(limit)
            .offset(offset)
        )
        with self._db.unit_of_work() as session:
            rows = session.execute(page).all()
            marked = self._marked(session, query, rows)
        return [
            SearchHit(
                source=row.source,
                call_sid=row.call_sid,
                recording_sid=row.recording_sid,
                customer_id=row.customer_id,
                customer_name=row.customer_name,
                started_at=row.started_at,
                snippet=Snippet.from_marked(marked.get((row.source, row.document_id), "")),
                rank=float(row.rank),
            )
            for row in rows
        ]

    # SQLite: FTS5

    def _sqlite(self, query: SearchQuery) -> Select[Any]:
        expression = query.fts5()
        transcripts = (
            select(
                literal(TRANSCRIPT).label("source"),
                TranscriptRecord.id.label("document_id"),
                TranscriptRecord.call_sid,
                Recording.recording_sid,
                (-func.bm25(literal_column("transcripts_fts"))).label("rank"),
            )
            .select_from(_transcripts_fts)
            .join(TranscriptRecord, TranscriptRecord.id == _transcripts_fts.c.rowid)
            .join(Recording, Recording.id == TranscriptRecord.recording_id)
            .where(literal_column("transcripts_fts").op("MATCH")(expression))
        )
        reasons = (
            select(
                literal(REASON).label("source"),
                Call.id.label("document_id"),
                Call.call_sid,
                null().label("recording_sid"),
                (-func.bm25(literal_column("call_reasons_fts"))).label("rank"),
            )
            .select_from(_reasons_fts)
            .join(Call, Call.id == _reasons_fts.c.rowid)
            .where(literal_column("call_reasons_fts").op("MATCH")(expression))
        )
        return union_all(transcripts, reasons)  # type: ignore[return-value]

    def _sqlite_marked(
        self, session: Session, query: SearchQuery, ids: dict[str, list[int]]
    ) -> dict[tuple[str, int], str]:
        marked: dict[tuple[str, int], str] = {}
        for source, fts, name in (
            (TRANSCRIPT, _transcripts_fts, "transcripts_fts"),
            (REASON, _reasons_fts, "call_reasons_fts"),
        ):
            if not ids.get(source):
                continue
            highlighted = func.highlight(literal_column(name), 0, MARK_START, MARK_END)
            statement = select(fts.c.rowid, highlighted).where(
                literal_column(name).op("MATCH")(query.fts5()), fts.c.rowid.in_(ids[source])
            )
            for rowid, text in session.execute(statement):
                marked[(source, rowid)] = text
        return marked

    # PostgreSQL: tsvector / websearch_to_tsquery

    def _tsquery(self, query: SearchQuery) -> ColumnElement[Any]:
        return func.websearch_to_tsquery(_SIMPLE, query.websearch())

    def _postgresql(self, query: SearchQuery) -> Select[Any]:
        tsquery = self._tsquery(query)
        transcript_vector = func.to_tsvector(
            _SIMPLE, func.coalesce(TranscriptRecord.text, literal_column("''"))
        )
        reason_vector = func.to_tsvector(_SIMPLE, func.coalesce(Call.reason, literal_column("''")))
        transcripts = (
            select(
                literal(TRANSCRIPT).label("source"),
                TranscriptRecord.id.label("document_id"),
                TranscriptRecord.call_sid,
                Recording.recording_sid,
                func.ts_rank(transcript_vector, tsquery).label("rank"),
            )
            .join(Recording, Recording.id == TranscriptRecord.recording_id)
            .where(transcript_vector.op("@@")(tsquery))
        )
        reasons = select(
            literal(REASON).label("source"),
            Call.id.label("document_id"),
            Call.call_sid,
            null().label("recording_sid"),
            func.ts_rank(reason_vector, tsquery).label("rank"),
        ).where(and_(Call.reason.is_not(None), reason_vector.op("@@")(tsquery)))
        return union_all(transcripts, reasons)  # type: ignore[return-value]

    def _postgresql_marked(
        self, session: Session, query: SearchQuery, ids: dict[str, list[int]]
    ) -> dict[tuple[str, int], str]:
        options = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
        tsquery = self._tsquery(query)
        marked: dict[tuple[str, int], str] = {}
        for source, model, text_column in (
            (TRANSCRIPT, TranscriptRecord, TranscriptRecord.text),
            (REASON, Call, Call.reason),
        ):
            if not ids.get(source):
                continue
            headline = func.ts_headline(_SIMPLE, text_column, tsquery, options)
            statement = select(model.id, headline).where(model.id.in_(ids[source]))
            for document_id, text in session.execute(statement):
                marked[(source, document_id)] = text
        return marked

    def _marked(
        self, session: Session, query: SearchQuery, rows: Sequence[Any]
    ) -> dict[tuple[str, int], str]:
        ids: dict[str, list[int]] = {}
        for row in rows:
            ids.setdefault(row.source, []).append(row.document_id)
        if self._dialect == "postgresql":
            return self._postgresql_marked(session, query, ids)
        return self._sqlite_marked(session, query, ids)
