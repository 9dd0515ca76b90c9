"""``QaReviews`` on SQLAlchemy (``qa_reviews``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Call
from ivr.adapters.sql.models import QaReview as QaReviewRow
from ivr.core.qa import QaReview, ReviewDraft


def _review(row: QaReviewRow, agent_name: str | None = None) -> QaReview:
    return QaReview(
        id=row.id,
        call_sid=row.call_sid,
        reviewer=row.reviewer,
        at=row.at,
        scores=dict(row.scores or {}),
        flags=tuple(row.flags or ()),
        comment=row.comment or "",
        reviewer_user_id=row.reviewer_user_id,
        agent_name=agent_name,
    )


class SqlQaReviews:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self, call_sid: str, draft: ReviewDraft, *, reviewer: str, user_id: int | None, at: datetime
    ) -> QaReview:
        with self._db.unit_of_work() as session:
            row = QaReviewRow(
                call_sid=call_sid,
                reviewer_user_id=user_id,
                reviewer=reviewer[:200],
                scores=dict(draft.scores),
                flags=[str(flag) for flag in draft.flags],
                comment=draft.comment,
                at=at,
            )
            session.add(row)
            session.flush()
            return _review(row)

    def for_call(self, call_sid: str) -> list[QaReview]:
        with self._db.unit_of_work() as session:
            return [
                _review(row)
                for row in session.scalars(
                    select(QaReviewRow)
                    .where(QaReviewRow.call_sid == call_sid)
                    .order_by(QaReviewRow.at.desc(), QaReviewRow.id.desc())
                )
            ]

    def between(self, start: datetime, end: datetime) -> list[QaReview]:
        query = (
            select(QaReviewRow, Agent.name)
            .outerjoin(Call, Call.call_sid == QaReviewRow.call_sid)
            .outerjoin(Agent, Agent.id == Call.agent_id)
            .where(QaReviewRow.at >= start, QaReviewRow.at < end)
            .order_by(QaReviewRow.at, QaReviewRow.id)
        )
        with self._db.unit_of_work() as session:
            return [_review(row, agent_name) for row, agent_name in session.execute(query)]

    def call_exists(self, call_sid: str) -> bool:
        with self._db.unit_of_work() as session:
            return session.scalar(select(Call.id).where(Call.call_sid == call_sid)) is not None
