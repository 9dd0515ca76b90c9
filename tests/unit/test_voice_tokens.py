"""The app mints each browser agent an access token for their own client identity: an hour
long, signed with the API key, granting incoming calls and the TwiML App for outgoing."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from ivr.adapters.twilio_tokens import TwilioAccessTokens
from ivr.config import VoiceSdkSettings
from ivr.services.voice_tokens import VoiceTokens
from tests.helpers import ACCOUNT_SID, FixedClock

SETTINGS = VoiceSdkSettings(
    api_key="SK" + "1" * 32, api_secret="k" * 32, twiml_app_sid="AP" + "2" * 32
)
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def tokens() -> VoiceTokens:
    return VoiceTokens(TwilioAccessTokens(ACCOUNT_SID, SETTINGS), FixedClock(NOW))


def decoded(token: str) -> tuple[dict, dict]:
    claims = jwt.decode(token, SETTINGS.api_secret, algorithms=["HS256"])
    return jwt.get_unverified_header(token), claims


def test_a_browser_agent_gets_a_token_for_the_identity_after_client(tokens) -> None:
    minted = tokens.for_dial_target("client:agent_amy")
    assert minted is not None and minted.identity == "agent_amy"
    header, claims = decoded(minted.token)
    assert header["cty"] == "twilio-fpa;v=1" and header["alg"] == "HS256"
    assert claims["iss"] == SETTINGS.api_key
    assert claims["sub"] == ACCOUNT_SID
    assert claims["grants"]["identity"] == "agent_amy"
    assert claims["grants"]["voice"] == {
        "incoming": {"allow": True},
        "outgoing": {"application_sid": SETTINGS.twiml_app_sid},
    }


def test_the_token_lives_one_hour(tokens) -> None:
    minted = tokens.for_identity("agent_amy")
    _, claims = decoded(minted.token)
    assert claims["exp"] == int((NOW + timedelta(hours=1)).timestamp())
    assert minted.expires_at == NOW + timedelta(hours=1)
    assert minted.ttl_seconds == 3600


def test_an_agent_on_a_phone_number_has_no_browser_token(tokens) -> None:
    assert tokens.for_dial_target("+12025550111") is None


@pytest.mark.parametrize("identity", ["", "has space", "client:amy", "x" * 122])
def test_an_identity_twilio_would_refuse_is_refused(tokens, identity: str) -> None:
    with pytest.raises(ValueError, match="Client identity"):
        tokens.for_identity(identity)


def test_the_token_is_kept_out_of_its_repr(tokens) -> None:
    minted = tokens.for_identity("agent_amy")
    assert minted.token not in repr(minted)
