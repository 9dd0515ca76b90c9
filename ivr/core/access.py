"""Who may use the JSON API, and how their bearer tokens are made and recognised.

A token is shown once, when it is made, and only its SHA-256 is kept: a leaked database then
gives nobody a working token. SHA-256 rather than a password hash (argon2, bcrypt) because a
token is 256 random bits, not something a person chose: there is nothing to guess, so a slow
hash would only slow every request down.

Roles are ranked; each one may do what the ones below it may::

    agent     read agents and queues, set an agent's status
    manager   also read customers (with their calls) and callbacks
    admin     also add and change agents

There is no link yet between a token and an agent, so an agent's token may set any agent's
status; it may never read customers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

TOKEN_PREFIX = "ivr_"
"""Marks our tokens, so secret scanners and people can tell what a leaked string is."""

LAST_USED_GRANULARITY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token: a write on every request would
make every read of the API a database write."""


class Role(StrEnum):
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def may_act_as(self, required: Role) -> bool:
        """Whether a holder of this role may do what ``required`` may."""
        return self.rank >= required.rank


_RANK = {Role.AGENT: 0, Role.MANAGER: 1, Role.ADMIN: 2}


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe, with our prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored and looked up: the hex SHA-256 of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison (of digests, so the lengths never differ)."""
    return hmac.compare_digest(token_digest(given), token_digest(expected))


@dataclass(frozen=True)
class TokenRecord:
    """A token as stored: everything but the token itself."""

    id: int
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class Principal:
    """Who made a request: a stored token, the ``IVR_API_TOKEN`` from the environment, or a
    person signed in to a console (their session, with its CSRF token)."""

    name: str
    role: Role
    token_id: int | None = None
    user_id: int | None = None
    agent_id: int | None = None
    """The agent a signed-in agent is: what is theirs is told apart from other agents'."""
    display_name: str | None = None
    """A signed-in person's name, as pages show it (``name`` is their e-mail address)."""

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        if self.user_id is not None:
            return f"user:{self.user_id} {self.name}"
        if self.token_id is not None:
            return f"token:{self.token_id} {self.name}"
        return self.name


def may_open_call(principal: Principal, agents_on_call: Callable[[], Collection[int]]) -> bool:
    """Whether ``principal`` may open a call (its page, its audio, its notes): a manager or
    admin any call; an agent a call they were on, having taken it or been on either side of
    a transfer of it (``agents_on_call`` is asked only then). An agent-role token is nobody's
    agent, so it may not."""
    if principal.role.may_act_as(Role.MANAGER):
        return True
    return principal.agent_id is not None and principal.agent_id in agents_on_call()


class ApiTokens(Protocol):
    """Where token digests are kept."""

    def add(self, *, name: str, role: Role, digest: str, at: datetime) -> TokenRecord: ...

    def by_digest(self, digest: str) -> TokenRecord | None: ...

    def all(self) -> list[TokenRecord]: ...

    def revoke(self, token_id: int, at: datetime) -> TokenRecord | None: ...

    def mark_used(self, token_id: int, at: datetime) -> None: ...
