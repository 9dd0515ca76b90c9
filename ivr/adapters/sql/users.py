"""``UserStore`` on SQLAlchemy: the consoles' users and their password hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import User
from ivr.core.access import Role
from ivr.core.accounts import UserAccount


def _account(row: User) -> UserAccount:
    return UserAccount(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        agent_id=row.agent_id,
        active=row.active,
        session_version=row.session_version,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


class SqlUsers:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self,
        *,
        email: str,
        name: str,
        role: Role,
        password_hash: str,
        agent_id: int | None,
        at: datetime,
    ) -> UserAccount:
        with self._db.unit_of_work() as session:
            row = User(
                email=email,
                name=name,
                role=str(role),
                password_hash=password_hash,
                agent_id=agent_id,
                active=True,
                session_version=1,
                created_at=at,
            )
            session.add(row)
            session.flush()
            return _account(row)

    def by_id(self, user_id: int) -> UserAccount | None:
        with self._db.unit_of_work() as session:
            row = session.get(User, user_id)
            return _account(row) if row else None

    def by_email(self, email: str) -> tuple[UserAccount, str] | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(select(User).where(User.email == email)).first()
            return (_account(row), row.password_hash) if row else None

    def by_agent(self, agent_id: int) -> UserAccount | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(select(User).where(User.agent_id == agent_id)).first()
            return _account(row) if row else None

    def all(self) -> list[UserAccount]:
        with self._db.unit_of_work() as session:
            return [_account(row) for row in session.scalars(select(User).order_by(User.id))]

    def set_password_hash(self, user_id: int, password_hash: str, *, new_session: bool) -> None:
        values: dict = {"password_hash": password_hash}
        if new_session:
            values["session_version"] = User.session_version + 1
        with self._db.unit_of_work() as session:
            session.execute(update(User).where(User.id == user_id).values(**values))

    def set_active(self, user_id: int, active: bool) -> None:
        with self._db.unit_of_work() as session:
            session.execute(
                update(User)
                .where(User.id == user_id)
                .values(active=active, session_version=User.session_version + 1)
            )

    def record_login(self, user_id: int, at: datetime) -> None:
        with self._db.unit_of_work() as session:
            session.execute(update(User).where(User.id == user_id).values(last_login_at=at))
