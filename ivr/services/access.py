"""Issuing, listing, revoking and recognising API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from ivr.core.access import (
    LAST_USED_GRANULARITY,
    ApiTokens,
    Principal,
    Role,
    TokenRecord,
    new_token,
    same_token,
    token_digest,
)
from ivr.core.ports import Clock

ENVIRONMENT_TOKEN_NAME = "IVR_API_TOKEN"


@dataclass(frozen=True)
class IssuedToken:
    record: TokenRecord
    token: str
    """Shown once; only its digest is stored."""


class ApiAccess:
    """Tokens from the database, plus the deployment's own ``IVR_API_TOKEN`` (an admin)."""

    def __init__(self, tokens: ApiTokens, clock: Clock, *, environment_token: str | None) -> None:
        self._tokens = tokens
        self._clock = clock
        self._environment_token = environment_token

    def issue(self, role: Role, *, name: str) -> IssuedToken:
        token = new_token()
        record = self._tokens.add(
            name=name, role=role, digest=token_digest(token), at=self._clock.now()
        )
        return IssuedToken(record=record, token=token)

    def tokens(self) -> list[TokenRecord]:
        return self._tokens.all()

    def revoke(self, token_id: int) -> TokenRecord | None:
        """Idempotent: revoking twice keeps the first time; None when there is no such id."""
        return self._tokens.revoke(token_id, self._clock.now())

    def recognise(self, token: str) -> Principal | None:
        """The principal a presented token stands for, or None (unknown or revoked).

        Stored tokens are found by their digest: the database compares digests, never tokens,
        and timing reveals nothing useful about a preimage-resistant hash of 256 random bits.
        """
        if self._environment_token and same_token(token, self._environment_token):
            return Principal(name=ENVIRONMENT_TOKEN_NAME, role=Role.ADMIN)
        record = self._tokens.by_digest(token_digest(token))
        if record is None or record.revoked:
            return None
        now = self._clock.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_GRANULARITY:
            self._tokens.mark_used(record.id, now)
        return Principal(name=record.name, role=record.role, token_id=record.id)
