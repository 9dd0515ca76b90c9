"""The people who sign in to the consoles, and what each of them may see.

Roles are the API's (:class:`~ivr.core.access.Role`): an agent works calls, a manager also
audits them and reads reports, an admin also manages users and agents. An agent's account
points at the agent they are, so what is theirs (their calls, their status, their callbacks)
can be told from what is another agent's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ivr.core.access import Role

MIN_PASSWORD_LENGTH = 12
"""NIST SP 800-63B asks for at least 8; 12 is OWASP's advice for accounts that can hear
customers' recordings. No composition rules (they make passwords worse, not stronger)."""

MAX_PASSWORD_LENGTH = 256
"""argon2 takes any length; a limit keeps a megabyte "password" from costing a core."""


class AccountError(ValueError):
    """A user that cannot be made or changed as asked; the message says why, for a person."""


@dataclass(frozen=True)
class UserAccount:
    id: int
    email: str
    name: str
    role: Role
    agent_id: int | None
    active: bool
    session_version: int
    created_at: datetime
    last_login_at: datetime | None = None

    @property
    def session_id(self) -> str:
        """What a session remembers: the user and their session version, so that a password
        change or a deactivation ends every session that was opened before it."""
        return f"{self.id}.{self.session_version}"

    def may(self, required: Role) -> bool:
        return self.active and self.role.may_act_as(required)


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > 254:
        raise AccountError(f"{raw.strip()!r} is not an e-mail address")
    return email


def check_password(password: str, *, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() == email.lower():
        raise AccountError("the password must not be the e-mail address")


def parse_session_id(raw: str) -> tuple[int, int] | None:
    user_id, dot, version = raw.partition(".")
    if not dot or not user_id.isdigit() or not version.isdigit():
        return None
    return int(user_id), int(version)


class PasswordHashing(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored_hash: str, password: str) -> bool: ...

    def needs_rehash(self, stored_hash: str) -> bool: ...


class UserStore(Protocol):
    def add(
        self,
        *,
        email: str,
        name: str,
        role: Role,
        password_hash: str,
        agent_id: int | None,
        at: datetime,
    ) -> UserAccount: ...

    def by_id(self, user_id: int) -> UserAccount | None: ...

    def by_email(self, email: str) -> tuple[UserAccount, str] | None:
        """The user and their stored password hash."""
        ...

    def by_agent(self, agent_id: int) -> UserAccount | None: ...

    def all(self) -> list[UserAccount]: ...

    def set_password_hash(self, user_id: int, password_hash: str, *, new_session: bool) -> None: ...

    def set_active(self, user_id: int, active: bool) -> None: ...

    def record_login(self, user_id: int, at: datetime) -> None: ...
