"""Who is calling, from whatever the carrier put in ``From``.

Twilio's ``From`` is usually E.164, but it can be ``anonymous``, ``client:alice``, a SIP URI, an
empty string or plain garbage. Every one of those must still reach a person, so parsing never
raises: it classifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers

# Placeholders carriers use for a withheld number (Twilio documents "anonymous"; others pass
# through from the PSTN).
_WITHHELD = {"anonymous", "restricted", "unknown", "private", "unavailable", "blocked", ""}
_MAX_RAW_LENGTH = 64


class CallerKind(StrEnum):
    NUMBER = "number"
    WITHHELD = "withheld"
    CLIENT = "client"
    SIP = "sip"
    INVALID = "invalid"


@dataclass(frozen=True)
class CallerId:
    raw: str
    kind: CallerKind
    e164: str | None = None
    identity: str | None = None
    """The ``client:`` identity or SIP user, for browser and SIP callers."""

    @property
    def is_number(self) -> bool:
        return self.e164 is not None


@lru_cache(maxsize=65536)
def parse_caller_id(raw: str | None, *, default_region: str | None = None) -> CallerId:
    """Classify a caller ID; numbers come back in E.164, everything else with a kind.

    Memoised: parsing is pure and the same callers call again and again."""
    text = (raw or "").strip()
    if len(text) > _MAX_RAW_LENGTH:
        return CallerId(raw=text[:_MAX_RAW_LENGTH], kind=CallerKind.INVALID)
    lowered = text.lower()
    if lowered in _WITHHELD or lowered.lstrip("+") in {"266696687", "7378869", "86282452253"}:
        # Twilio also documents these digit spellings of ANONYMOUS/RESTRICT/UNAVAILABLE.
        return CallerId(raw=text, kind=CallerKind.WITHHELD)
    if lowered.startswith("client:"):
        return CallerId(raw=text, kind=CallerKind.CLIENT, identity=text[7:] or None)
    if lowered.startswith(("sip:", "sips:")):
        user = text.split(":", 1)[1].split("@", 1)[0]
        return CallerId(raw=text, kind=CallerKind.SIP, identity=user or None)
    e164 = normalise_number(text, default_region=default_region)
    if e164 is None:
        return CallerId(raw=text, kind=CallerKind.INVALID)
    return CallerId(raw=text, kind=CallerKind.NUMBER, e164=e164)


def normalise_number(text: str, *, default_region: str | None = None) -> str | None:
    """E.164 for a possible phone number, else None (never raises)."""
    if not text or len(text) > _MAX_RAW_LENGTH:
        return None
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    """The ISO region of a number, used as the default region for national-format caller IDs."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
