"""Making users and signing them in.

A failed sign-in says only that the e-mail or password is wrong, never which: the answer must
not tell an attacker which addresses have accounts. For the same reason an unknown address
still costs a password verification (against a hash made at start), so the time taken does
not tell either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ivr.core.access import Role
from ivr.core.accounts import (
    AccountError,
    PasswordHashing,
    UserAccount,
    UserStore,
    check_password,
    normalise_email,
    parse_session_id,
)


class Clock(Protocol):
    def now(self) -> datetime: ...


class AgentExists(Protocol):
    def __call__(self, agent_id: int) -> bool: ...


@dataclass
class Accounts:
    users: UserStore
    passwords: PasswordHashing
    clock: Clock
    agent_exists: AgentExists
    _dummy_hash: str = field(default="", init=False, repr=False)

    def create(
        self,
        *,
        email: str,
        name: str,
        role: Role | str,
        password: str,
        agent_id: int | None = None,
    ) -> UserAccount:
        address = normalise_email(email)
        role = Role(role)
        check_password(password, email=address)
        if not name.strip():
            raise AccountError("a user needs a name")
        if role is Role.AGENT and agent_id is None:
            raise AccountError("an agent's user must say which agent they are (--agent ID)")
        if agent_id is not None and not self.agent_exists(agent_id):
            raise AccountError(f"there is no agent {agent_id}")
        if self.users.by_email(address) is not None:
            raise AccountError(f"there is already a user {address}")
        if agent_id is not None and self.users.by_agent(agent_id) is not None:
            raise AccountError(f"agent {agent_id} already has a user")
        return self.users.add(
            email=address,
            name=name.strip(),
            role=role,
            password_hash=self.passwords.hash(password),
            agent_id=agent_id,
            at=self.clock.now(),
        )

    def authenticate(self, email: str, password: str) -> UserAccount | None:
        try:
            address = normalise_email(email)
        except AccountError:
            address = ""
        found = self.users.by_email(address) if address else None
        if found is None:
            self.passwords.verify(self._dummy(), password)
            return None
        user, stored = found
        if not self.passwords.verify(stored, password) or not user.active:
            return None
        if self.passwords.needs_rehash(stored):
            self.users.set_password_hash(user.id, self.passwords.hash(password), new_session=False)
        self.users.record_login(user.id, self.clock.now())
        return user

    def change_password(self, user_id: int, password: str) -> None:
        user = self.users.by_id(user_id)
        if user is None:
            raise AccountError(f"there is no user {user_id}")
        check_password(password, email=user.email)
        self.users.set_password_hash(user_id, self.passwords.hash(password), new_session=True)

    def deactivate(self, user_id: int) -> None:
        self.users.set_active(user_id, False)

    def by_session_id(self, session_id: str) -> UserAccount | None:
        """The signed-in user a session names, if it still may be: an unknown, deactivated or
        signed-out-everywhere (older session version) user is nobody."""
        parsed = parse_session_id(session_id)
        if parsed is None:
            return None
        user = self.users.by_id(parsed[0])
        if user is None or not user.active or user.session_version != parsed[1]:
            return None
        return user

    def _dummy(self) -> str:
        if not self._dummy_hash:
            self._dummy_hash = self.passwords.hash("not a real password, only spent time")
        return self._dummy_hash
