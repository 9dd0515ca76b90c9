"""API keys and the access tokens signed with them, checked exactly as Twilio checks them.

A browser phone (the Voice JavaScript SDK) authenticates with an access token the application
mints: an HS256 JWT signed with an API key's secret, header ``cty: twilio-fpa;v=1``, ``iss``
the key's SID, ``sub`` the account SID, ``exp`` at most 24 hours on, and in ``grants`` an
``identity`` and a ``voice`` grant allowing incoming calls. The sandbox refuses anything else
with the codes the SDK knows: 20104 for an expired token, 20101 for every other fault (the
message says which), so a token that works here works on Twilio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt

from ivr.sandbox import errors
from ivr.sandbox.defaults import ACCESS_TOKEN_MAX_TTL_SECONDS

CONTENT_TYPE = "twilio-fpa;v=1"


@dataclass(frozen=True)
class ApiKey:
    """A standard API key (``SK...``): its secret signs access tokens."""

    sid: str
    secret: str = field(repr=False)
    friendly_name: str
    created_at: datetime


@dataclass(frozen=True)
class VerifiedToken:
    """What a valid access token grants."""

    identity: str
    key_sid: str
    expires_at: float
    """Unix time (real seconds, as the token has it)."""
    outgoing_application_sid: str | None
    raw: str = field(repr=False)


class TokenRejected(errors.RestError):
    """401 with 20101 or 20104: what the SDK reports as AccessTokenInvalid / Expired."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(401, code, message)


def _invalid(message: str) -> TokenRejected:
    return TokenRejected(errors.INVALID_ACCESS_TOKEN, f"Invalid access token: {message}")


def verify(
    token: str, *, account_sid: str, keys: Mapping[str, ApiKey], now: float
) -> VerifiedToken:
    """The token's grants, or TokenRejected saying what is wrong with it.

    ``now`` is real Unix time: tokens are minted with the wall clock, whatever the sandbox's
    time scale.
    """
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _invalid("not a JSON Web Token") from None
    if header.get("alg") != "HS256":
        raise _invalid(f"signed with {header.get('alg')!r}, not HS256")
    if header.get("cty") != CONTENT_TYPE:
        raise _invalid(f"header cty is {header.get('cty')!r}, not {CONTENT_TYPE!r}")
    key = keys.get(str(claims.get("iss", "")))
    if key is None:
        raise _invalid(f"issuer {claims.get('iss')!r} is not an API key of this account")
    try:
        jwt.decode(
            token,
            key.secret,
            algorithms=["HS256"],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        raise _invalid(f"the signature does not match the secret of {key.sid}") from None
    except jwt.PyJWTError as failure:
        raise _invalid(str(failure)) from None
    if claims.get("sub") != account_sid:
        raise _invalid(f"subject {claims.get('sub')!r} is not the account {account_sid}")
    expires = _number(claims.get("exp"))
    if expires is None:
        raise TokenRejected(errors.ACCESS_TOKEN_EXPIRED, "The access token has no expiry (exp)")
    if expires <= now:
        raise TokenRejected(errors.ACCESS_TOKEN_EXPIRED, "The access token has expired")
    issued = _number(claims.get("iat")) or now
    if expires - issued > ACCESS_TOKEN_MAX_TTL_SECONDS:
        raise TokenRejected(
            errors.ACCESS_TOKEN_EXPIRED,
            "The access token's expiry is more than 24 hours after it was issued",
        )
    not_before = _number(claims.get("nbf"))
    if not_before is not None and not_before > now:
        raise _invalid("not valid yet (nbf is in the future)")
    grants = claims.get("grants")
    if not isinstance(grants, dict):
        raise _invalid("no grants")
    identity = grants.get("identity")
    if not isinstance(identity, str) or not identity:
        raise _invalid("no identity in its grants")
    voice = grants.get("voice") if isinstance(grants.get("voice"), dict) else {}
    incoming = voice.get("incoming") if isinstance(voice.get("incoming"), dict) else {}
    if incoming.get("allow") is not True:
        raise _invalid("its voice grant does not allow incoming calls")
    outgoing = voice.get("outgoing") if isinstance(voice.get("outgoing"), dict) else {}
    application = outgoing.get("application_sid")
    return VerifiedToken(
        identity=identity,
        key_sid=key.sid,
        expires_at=float(expires),
        outgoing_application_sid=application if isinstance(application, str) else None,
        raw=token,
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
