"""Helpers the tests import: constants, a signed-webhook sender, realistic payloads."""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from ivr.config import Settings

ROOT = Path(__file__).resolve().parent.parent
CALLFLOWS = ROOT / "callflows"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_ADMIN_URL = os.environ.get(
    "IVR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ACCOUNT_SID = "AC" + "ab" * 16
AUTH_TOKEN = "test-auth-token-" + "0" * 16
BUSINESS_NUMBER = "+12025550100"
PUBLIC_BASE_URL = "https://ivr.example.com"
# Browser phones (the Voice JavaScript SDK): the e2e sandbox knows this key, the app mints with it.
API_KEY_SID = "SK" + "cd" * 16
API_KEY_SECRET = "test-api-key-secret-" + "0" * 12
TWIML_APP_SID = "AP" + "ef" * 16
VOICE_SDK_ENV = {
    "TWILIO_API_KEY": API_KEY_SID,
    "TWILIO_API_SECRET": API_KEY_SECRET,
    "TWILIO_TWIML_APP_SID": TWIML_APP_SID,
}
"""The same, for app processes configured from the environment."""


def need(reason: str) -> None:
    """Skip locally when a part is missing, but never silently in CI."""
    if IN_CI:
        pytest.fail(f"required for CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FixedClock:
    """The one clock the services read; tests set it (business hours depend on it)."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


# A Tuesday at 15:00 UTC = 10:00 in New York: the demo business is open.
OPEN_HOURS = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


class Carrier:
    """Sends webhooks as Twilio does: form-encoded, signed over the public URL and params."""

    def __init__(self, client, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.validator = RequestValidator(settings.twilio_auth_token)

    def signature(self, path: str, params: dict[str, str]) -> str:
        return self.validator.compute_signature(self.settings.public_base_url + path, params)

    def post(self, path: str, params: dict[str, str] | None = None, **kwargs):
        params = dict(params or {})
        headers = {"X-Twilio-Signature": self.signature(path, params), **kwargs.pop("headers", {})}
        return self.client.post(path, data=params, headers=headers, **kwargs)


def call_params(call_sid: str = "CA" + "1" * 32, **overrides: str) -> dict[str, str]:
    """A realistic inbound-call webhook payload (Twilio's parameter names)."""
    params = {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT_SID,
        "From": "+14155550199",
        "To": BUSINESS_NUMBER,
        "CallStatus": "ringing",
        "ApiVersion": "2010-04-01",
        "Direction": "inbound",
        "Caller": "+14155550199",
        "Called": BUSINESS_NUMBER,
        "FromCountry": "US",
        "ToCountry": "US",
    }
    params.update(overrides)
    return params


def with_settings(settings: Settings, **changes) -> Settings:
    return replace(settings, **changes)


def assert_valid_twiml(document: str, *, context: str = "call") -> None:
    """A TwiML document as the carrier would take it: parsed and schema-checked by the sandbox
    (Twilio's 12100/12200 rules, the verbs allowed where it runs), and under 64 KB."""
    from ivr.sandbox.twiml import parse

    assert len(document.encode()) < 64 * 1024, "TwiML over 64 KB"
    parse(document, url="https://ivr.example.com/test", context=context)
