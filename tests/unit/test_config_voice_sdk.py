"""Browser phones are optional: TWILIO_API_KEY, TWILIO_API_SECRET and TWILIO_TWIML_APP_SID
come all three or not at all, and a wrong one is named."""

from pathlib import Path

import pytest

from ivr.config import ConfigError, load_settings
from tests.unit.test_config import VALID

VOICE_SDK = {
    "TWILIO_API_KEY": "SK" + "1" * 32,
    "TWILIO_API_SECRET": "a" * 32,
    "TWILIO_TWIML_APP_SID": "AP" + "2" * 32,
}


def test_without_them_agents_answer_on_their_phones(tmp_path: Path) -> None:
    assert load_settings(VALID, instance_path=tmp_path).voice_sdk is None


def test_all_three_enable_browser_phones_and_keep_the_secret_out_of_the_repr(
    tmp_path: Path,
) -> None:
    settings = load_settings({**VALID, **VOICE_SDK}, instance_path=tmp_path)
    assert settings.voice_sdk is not None
    assert settings.voice_sdk.api_key == VOICE_SDK["TWILIO_API_KEY"]
    assert settings.voice_sdk.api_secret == VOICE_SDK["TWILIO_API_SECRET"]
    assert settings.voice_sdk.twiml_app_sid == VOICE_SDK["TWILIO_TWIML_APP_SID"]
    assert VOICE_SDK["TWILIO_API_SECRET"] not in repr(settings)


@pytest.mark.parametrize("name", sorted(VOICE_SDK))
def test_a_missing_one_of_the_three_is_named(name: str, tmp_path: Path) -> None:
    env = {**VALID, **{k: v for k, v in VOICE_SDK.items() if k != name}}
    with pytest.raises(ConfigError, match=f"^{name} not set"):
        load_settings(env, instance_path=tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TWILIO_API_KEY", "AC" + "1" * 32),
        ("TWILIO_API_KEY", "SK123"),
        ("TWILIO_API_SECRET", "too-short"),
        ("TWILIO_TWIML_APP_SID", "AP" + "x" * 32),
        ("TWILIO_TWIML_APP_SID", "SK" + "2" * 32),
    ],
)
def test_each_wrong_value_is_named(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({**VALID, **VOICE_SDK, name: value}, instance_path=tmp_path)
