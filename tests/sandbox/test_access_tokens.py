"""The sandbox checks a browser phone's access token as Twilio does: signature, issuer,
subject, expiry and grants; 20104 when expired, 20101 for anything else."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import jwt
import pytest
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from ivr.sandbox.access_tokens import ApiKey, TokenRejected, verify

ACCOUNT = "AC" + "a" * 32
KEY = ApiKey(sid="SK" + "b" * 32, secret="s" * 32, friendly_name="", created_at=datetime.now(UTC))
KEYS = {KEY.sid: KEY}


def minted(
    *, identity: str = "alice", ttl: int = 3600, account: str = ACCOUNT, secret: str = KEY.secret
) -> str:
    token = AccessToken(account, KEY.sid, secret, identity=identity, ttl=ttl)
    token.add_grant(VoiceGrant(outgoing_application_sid="AP" + "c" * 32, incoming_allow=True))
    return token.to_jwt()


def crafted(claims: dict, *, headers: dict | None = None, secret: str = KEY.secret) -> str:
    now = int(time.time())
    payload = {
        "jti": f"{KEY.sid}-{now}",
        "iss": KEY.sid,
        "sub": ACCOUNT,
        "iat": now,
        "exp": now + 3600,
        "grants": {"identity": "alice", "voice": {"incoming": {"allow": True}}},
        **claims,
    }
    return jwt.encode(
        payload,
        secret,
        algorithm="HS256",
        headers={"cty": "twilio-fpa;v=1"} if headers is None else headers,
    )


def rejection(token: str, now: float | None = None) -> TokenRejected:
    with pytest.raises(TokenRejected) as caught:
        verify(token, account_sid=ACCOUNT, keys=KEYS, now=time.time() if now is None else now)
    assert caught.value.status == 401
    return caught.value


def test_a_token_minted_by_the_helper_library_grants_its_identity():
    checked = verify(minted(identity="agent_7"), account_sid=ACCOUNT, keys=KEYS, now=time.time())
    assert checked.identity == "agent_7"
    assert checked.key_sid == KEY.sid
    assert checked.outgoing_application_sid == "AP" + "c" * 32
    assert checked.expires_at == pytest.approx(time.time() + 3600, abs=5)


def test_a_token_signed_with_another_secret_is_invalid():
    failure = rejection(minted(secret="x" * 32))
    assert failure.code == 20101
    assert "signature" in failure.message


def test_an_expired_token_is_20104():
    token = minted()
    assert rejection(token, now=time.time() + 3601).code == 20104


def test_a_token_for_another_account_is_invalid():
    failure = rejection(minted(account="AC" + "f" * 32))
    assert failure.code == 20101
    assert "subject" in failure.message


def test_a_token_without_the_incoming_grant_cannot_receive_calls():
    token = crafted({"grants": {"identity": "alice", "voice": {"outgoing": {}}}})
    failure = rejection(token)
    assert failure.code == 20101
    assert "incoming" in failure.message


def test_a_token_without_an_identity_is_invalid():
    token = crafted({"grants": {"voice": {"incoming": {"allow": True}}}})
    assert "identity" in rejection(token).message


def test_a_token_from_an_unknown_api_key_is_invalid():
    failure = rejection(crafted({"iss": "SK" + "0" * 32}))
    assert failure.code == 20101
    assert "issuer" in failure.message


def test_the_twilio_content_type_header_is_required():
    assert "cty" in rejection(crafted({}, headers={})).message


def test_an_unsigned_token_is_refused():
    token = jwt.encode({"iss": KEY.sid, "sub": ACCOUNT}, None, algorithm="none")
    assert rejection(token).code == 20101


def test_a_token_valid_for_more_than_a_day_is_refused_as_twilio_does():
    now = int(time.time())
    assert rejection(crafted({"iat": now, "exp": now + 86401})).code == 20104


def test_something_that_is_not_a_jwt_is_invalid():
    assert rejection("not-a-token").code == 20101
