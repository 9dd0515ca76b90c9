"""`make run` configures browser phones on its own, for the app and the sandbox alike."""

from pathlib import Path

import pytest

from ivr.config import load_settings
from ivr.demo import demo_environment


@pytest.fixture(autouse=True)
def no_voice_sdk_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_TWIML_APP_SID"):
        monkeypatch.delenv(name, raising=False)


def test_the_demo_makes_up_a_valid_api_key_and_twiml_app(tmp_path: Path) -> None:
    env = demo_environment(5000, 5055, 6390)
    settings = load_settings(env, instance_path=tmp_path)
    assert settings.voice_sdk is not None
    assert settings.voice_sdk.api_key == env["TWILIO_API_KEY"]


def test_a_key_of_the_users_own_is_never_paired_with_a_made_up_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TWILIO_API_KEY", "SK" + "9" * 32)
    env = demo_environment(5000, 5055, 6390)
    assert "TWILIO_API_SECRET" not in env
