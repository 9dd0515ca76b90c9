"""Access tokens for agents who answer in the browser (the console's softphone).

An agent is rung in the browser when their dial target is ``client:<identity>`` (an agent
with a phone number is rung there instead); the token names that identity, so a call the
dispatcher sends to ``<Client>identity</Client>`` rings their browser and nobody else's. A
token lives an hour: the console asks for a new one when the SDK says ``tokenWillExpire``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from ivr.core.directory import client_identity
from ivr.core.ports import Clock

CLIENT_PREFIX = "client:"
TOKEN_TTL_SECONDS = 3600
"""Twilio allows up to 24 hours; an hour bounds what a token copied out of a browser is worth."""


class TokenMinter(Protocol):
    def mint(self, identity: str, *, expires_at: int) -> str: ...


@dataclass(frozen=True)
class VoiceToken:
    """A token for ``Twilio.Device`` (or the sandbox's stand-in) and when it stops working."""

    token: str = field(repr=False)
    identity: str
    expires_at: datetime
    ttl_seconds: int


class VoiceTokens:
    def __init__(
        self, minter: TokenMinter, clock: Clock, *, ttl_seconds: int = TOKEN_TTL_SECONDS
    ) -> None:
        if not 60 <= ttl_seconds <= 86400:
            raise ValueError(f"ttl_seconds={ttl_seconds} must be from 60 to 86400 (24 hours)")
        self._minter = minter
        self._clock = clock
        self._ttl_seconds = ttl_seconds

    def for_identity(self, identity: str) -> VoiceToken:
        """ValueError if ``identity`` is not a client identity (as the agents API checks)."""
        client_identity(identity)
        expires_at = self._clock.now().replace(microsecond=0) + timedelta(seconds=self._ttl_seconds)
        token = self._minter.mint(identity, expires_at=int(expires_at.timestamp()))
        return VoiceToken(
            token=token, identity=identity, expires_at=expires_at, ttl_seconds=self._ttl_seconds
        )

    def for_dial_target(self, dial_target: str) -> VoiceToken | None:
        """The token for an agent rung at ``client:<identity>``; None for an agent on a phone
        number, who has no browser leg to register."""
        if not dial_target.startswith(CLIENT_PREFIX):
            return None
        return self.for_identity(dial_target.removeprefix(CLIENT_PREFIX))
