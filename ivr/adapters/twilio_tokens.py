"""Access tokens for the Voice JavaScript SDK, signed by the official helper library.

The one module that knows ``twilio.jwt``: the token's layout (header ``cty: twilio-fpa;v=1``,
issuer the API key, subject the account, a voice grant) is Twilio's to define, so the library
builds it rather than our own JWT code.
"""

from __future__ import annotations

from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from ivr.config import VoiceSdkSettings


class TwilioAccessTokens:
    """Mints voice tokens with an API key: ``mint(identity, expires_at)`` → the JWT."""

    def __init__(self, account_sid: str, settings: VoiceSdkSettings) -> None:
        self._account_sid = account_sid
        self._settings = settings

    def mint(self, identity: str, *, expires_at: int) -> str:
        """``expires_at`` is Unix seconds: Twilio refuses an ``exp`` past 24 hours."""
        token = AccessToken(
            self._account_sid,
            self._settings.api_key,
            self._settings.api_secret,
            identity=identity,
            valid_until=expires_at,
        )
        token.add_grant(
            VoiceGrant(
                outgoing_application_sid=self._settings.twiml_app_sid,
                incoming_allow=True,
            )
        )
        return token.to_jwt()
