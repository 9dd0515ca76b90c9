"""``ApiTokens`` on SQLAlchemy: digests of the JSON API's bearer tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import ApiToken
from ivr.core.access import Role, TokenRecord


def _record(row: ApiToken) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class SqlApiTokens:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, *, name: str, role: Role, digest: str, at: datetime) -> TokenRecord:
        with self._db.unit_of_work() as session:
            row = ApiToken(name=name, role=str(role), token_hash=digest, created_at=at)
            session.add(row)
            session.flush()
            return _record(row)

    def by_digest(self, digest: str) -> TokenRecord | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
            return _record(row) if row else None

    def all(self) -> list[TokenRecord]:
        with self._db.unit_of_work() as session:
            return [_record(row) for row in session.scalars(select(ApiToken).order_by(ApiToken.id))]

    def revoke(self, token_id: int, at: datetime) -> TokenRecord | None:
        with self._db.unit_of_work() as session:
            row = session.get(ApiToken, token_id)
            if row is None:
                return None
            if row.revoked_at is None:
                row.revoked_at = at
            return _record(row)

    def mark_used(self, token_id: int, at: datetime) -> None:
        with self._db.unit_of_work() as session:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))
