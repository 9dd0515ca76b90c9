"""The audit log in SQL (``audit_log``)."""

from __future__ import annotations

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import AuditEntry
from ivr.core.audit import AuditEvent


class SqlAuditLog:
    def __init__(self, database: Database) -> None:
        self._db = database

    def write(self, event: AuditEvent) -> None:
        with self._db.unit_of_work() as session:
            session.add(
                AuditEntry(
                    at=event.at,
                    actor=event.actor[:200],
                    user_id=event.user_id,
                    action=event.action,
                    target=event.target[:200],
                    detail=event.detail or None,
                    address=(event.address or None) and event.address[:64],
                )
            )

    def recent(
        self, *, limit: int = 100, action: str | None = None, target: str | None = None
    ) -> list[AuditEvent]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if target is not None:
            query = query.where(AuditEntry.target == target)
        with self._db.unit_of_work() as session:
            return [
                AuditEvent(
                    id=row.id,
                    at=row.at,
                    actor=row.actor,
                    action=row.action,
                    target=row.target,
                    user_id=row.user_id,
                    detail=row.detail or {},
                    address=row.address,
                )
                for row in session.scalars(query)
            ]
