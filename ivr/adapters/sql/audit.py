"""The audit log (``audit_log``): who exported or listened to what, one row per act."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import AuditEntry


class SqlAuditLog:
    def __init__(self, database: Database) -> None:
        self._db = database

    def record(
        self,
        *,
        actor: str,
        action: str,
        target: str,
        at: datetime,
        detail: dict[str, Any] | None = None,
        user_id: int | None = None,
        address: str | None = None,
    ) -> None:
        with self._db.unit_of_work() as session:
            session.add(
                AuditEntry(
                    at=at,
                    actor=actor[:200],
                    user_id=user_id,
                    action=action,
                    target=target[:200],
                    detail=detail,
                    address=address,
                )
            )
