"""Settings are validated at start, and a bad one is named."""

from pathlib import Path

import pytest

from ivr.config import ConfigError, load_settings

VALID = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "f" * 32,
    "TWILIO_PHONE_NUMBER": "+12025550100",
    "PUBLIC_BASE_URL": "https://ivr.example.com/",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "s" * 32,
}


def test_valid_environment_loads_with_defaults(tmp_path: Path) -> None:
    settings = load_settings(VALID, instance_path=tmp_path)
    assert settings.public_base_url == "https://ivr.example.com"
    assert settings.twilio_api_base_url == "https://api.twilio.com"
    assert settings.database_url == f"sqlite:///{tmp_path / 'ivr.sqlite3'}"


@pytest.mark.parametrize("name", sorted(VALID))
def test_each_required_variable_is_named_when_missing(name: str, tmp_path: Path) -> None:
    env = {k: v for k, v in VALID.items() if k != name}
    with pytest.raises(ConfigError, match=name):
        load_settings(env, instance_path=tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TWILIO_ACCOUNT_SID", "SK" + "0" * 32),
        ("TWILIO_AUTH_TOKEN", "short"),
        ("TWILIO_PHONE_NUMBER", "202-555-0100"),
        ("TWILIO_PHONE_NUMBER", "+1555"),
        ("PUBLIC_BASE_URL", "ivr.example.com"),
        ("PUBLIC_BASE_URL", "https://ivr.example.com/?x=1"),
        ("TWILIO_API_BASE_URL", "ftp://sandbox"),
        ("REDIS_URL", "http://localhost:6379"),
        ("DATABASE_URL", "just-a-path.db"),
        ("SECRET_KEY", "dev"),
        ("IVR_CALLFLOWS_DIR", "/no/such/dir"),
        ("IVR_AGENT_RING_TIMEOUT", "0"),
        ("IVR_RECORDING_RETENTION_DAYS", "-1"),
        ("IVR_RECORDING_RETENTION_DAYS", "forever"),
        ("IVR_CASE_DAYS", "400"),
    ],
)
def test_each_wrong_value_is_named(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({**VALID, name: value}, instance_path=tmp_path)


def test_hosted_postgres_urls_get_the_psycopg_driver(tmp_path: Path) -> None:
    env = {**VALID, "DATABASE_URL": "postgres://u:p@db.example.com/ivr"}
    settings = load_settings(env, instance_path=tmp_path)
    assert settings.database_url == "postgresql+psycopg://u:p@db.example.com/ivr"


def test_api_base_url_points_the_rest_client_elsewhere(tmp_path: Path) -> None:
    env = {**VALID, "TWILIO_API_BASE_URL": "http://127.0.0.1:5055/"}
    assert load_settings(env, instance_path=tmp_path).twilio_api_base_url == (
        "http://127.0.0.1:5055"
    )


def test_unknown_database_scheme_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings({**VALID, "DATABASE_URL": "mongodb://db/ivr"}, instance_path=tmp_path)


def test_default_flow_that_does_not_exist_stops_the_app(tmp_path: Path) -> None:
    from ivr import create_app

    settings = load_settings({**VALID, "IVR_DEFAULT_FLOW": "nope"}, instance_path=tmp_path)
    with pytest.raises(ConfigError, match="IVR_DEFAULT_FLOW='nope'"):
        create_app(settings)


def test_queue_settings_are_validated_and_named(tmp_path):
    from ivr.config import queue_settings

    assert queue_settings({}).announce_every_seconds == 60
    assert queue_settings({"IVR_WRAP_UP_SECONDS": "5"}).wrap_up_seconds == 5
    for name, value in (
        ("IVR_HOLD_ANNOUNCE_SECONDS", "5"),
        ("IVR_WRAP_UP_SECONDS", "soon"),
        ("IVR_CALLBACK_HOURS", "21:00-08:00"),
        ("IVR_SERVICE_LEVEL_SECONDS", "0"),
    ):
        with pytest.raises(ConfigError, match=name):
            queue_settings({name: value})


def test_the_service_level_threshold_defaults_to_twenty_seconds() -> None:
    from ivr.config import queue_settings

    assert queue_settings({}).service_level_seconds == 20
    assert queue_settings({"IVR_SERVICE_LEVEL_SECONDS": "30"}).service_level_seconds == 30


def test_ivr_api_token_is_optional_and_kept_out_of_the_settings_repr(tmp_path: Path) -> None:
    assert load_settings(VALID, instance_path=tmp_path).api_token is None
    token = "t" * 32
    settings = load_settings({**VALID, "IVR_API_TOKEN": token}, instance_path=tmp_path)
    assert settings.api_token == token
    assert token not in repr(settings)


def test_a_short_ivr_api_token_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="IVR_API_TOKEN is too short"):
        load_settings({**VALID, "IVR_API_TOKEN": "t" * 31}, instance_path=tmp_path)


def test_click_to_call_defaults(tmp_path: Path) -> None:
    settings = load_settings(VALID, instance_path=tmp_path)

    assert settings.click_to_call_origins == frozenset()
    assert settings.dial_regions == frozenset({"US"})  # the business number's region
    assert settings.click_to_call_limit_per_ip == "5/hour;20/day"
    assert settings.click_to_call_limit_per_number == "3/hour"
    assert settings.click_to_call_limit_global == "200/hour"
    assert settings.trusted_proxies == 0


def test_click_to_call_origins_are_normalised_to_what_browsers_send(tmp_path: Path) -> None:
    env = {
        **VALID,
        "IVR_CLICK_TO_CALL_ORIGINS": "https://WWW.Acme.example:443/, http://a.test:8080",
    }

    origins = load_settings(env, instance_path=tmp_path).click_to_call_origins

    assert origins == frozenset({"https://www.acme.example", "http://a.test:8080"})


def test_dial_countries_are_read_as_iso_regions(tmp_path: Path) -> None:
    env = {**VALID, "IVR_DIAL_COUNTRIES": "us, ca"}

    assert load_settings(env, instance_path=tmp_path).dial_regions == frozenset({"US", "CA"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("IVR_CLICK_TO_CALL_ORIGINS", "*"),
        ("IVR_CLICK_TO_CALL_ORIGINS", "https://*.acme.example"),
        ("IVR_CLICK_TO_CALL_ORIGINS", "https://acme.example/widget"),
        ("IVR_CLICK_TO_CALL_ORIGINS", "acme.example"),
        ("IVR_CLICK_TO_CALL_ORIGINS", "https://acme.example:port"),
        ("IVR_DIAL_COUNTRIES", "USA"),
        ("IVR_CLICK_TO_CALL_LIMIT_PER_IP", "five an hour"),
        ("IVR_CLICK_TO_CALL_LIMIT_PER_NUMBER", "3/fortnight"),
        ("IVR_CLICK_TO_CALL_LIMIT_GLOBAL", "lots"),
        ("IVR_TRUSTED_PROXIES", "-1"),
        ("IVR_TRUSTED_PROXIES", "9"),
        ("IVR_BUSINESS_NAME", "A" * 81),
    ],
)
def test_each_wrong_click_to_call_value_is_named(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({**VALID, name: value}, instance_path=tmp_path)


def test_the_click_to_call_step_must_be_a_queue_step_of_the_default_flow(tmp_path: Path) -> None:
    from ivr.bootstrap import build_services

    for step in ("no_such_step", "main_menu"):
        settings = load_settings({**VALID, "IVR_CLICK_TO_CALL_STEP": step}, instance_path=tmp_path)
        with pytest.raises(ConfigError, match="IVR_CLICK_TO_CALL_STEP"):
            build_services(settings)
    settings = load_settings(
        {**VALID, "IVR_CLICK_TO_CALL_STEP": "billing_queue"}, instance_path=tmp_path
    )
    assert build_services(settings).settings.click_to_call_step == "billing_queue"
    default = build_services(load_settings(VALID, instance_path=tmp_path))
    assert default.settings.click_to_call_step == "support_queue"


def test_recordings_and_models_have_working_defaults(tmp_path: Path) -> None:
    recording = load_settings(VALID, instance_path=tmp_path).recording
    assert recording.directory.name == "recordings"
    assert recording.retention_days == 0
    assert recording.model_path == tmp_path / "models"
    assert recording.case_days == 14


def test_recordings_directory_models_and_retention_are_configurable(tmp_path: Path) -> None:
    env = {
        **VALID,
        "IVR_RECORDINGS_DIR": str(tmp_path / "audio"),
        "IVR_RECORDING_RETENTION_DAYS": "30",
        "VOSK_MODEL_PATH": str(tmp_path / "vosk"),
        "IVR_CASE_DAYS": "3",
    }
    recording = load_settings(env, instance_path=tmp_path).recording
    assert recording.directory == tmp_path / "audio"
    assert recording.retention_days == 30
    assert recording.model_path == tmp_path / "vosk"
    assert recording.case_days == 3
