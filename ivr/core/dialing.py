"""The dialling policy: which numbers the app may call because someone typed them in.

A number a visitor types into the click-to-call widget, or a waiting caller keys in for a
callback, is chosen by a stranger, and the business pays for every call it places. So such a
number is dialled only after this policy has parsed it (``phonenumbers``), found it valid, in a
country the business serves, and of a type that is a person's own phone at an ordinary rate.
What it returns is the E.164 form, and that form, never the raw text, is what gets dialled,
rate-limited and stored: ``(415) 555-0123`` and ``+1 415 555 0123`` are one number.

Number types, and why:

- allowed: ``FIXED_LINE``, ``MOBILE``, ``FIXED_LINE_OR_MOBILE`` (a person's phone, at the
  ordinary rate) and ``VOIP`` (a real line people answer, e.g. the UK's 056; at the ordinary
  rate; a disposable VoIP number is no worse than a prepaid mobile, and the rate limits bound
  both);
- ``PREMIUM_RATE`` and ``SHARED_COST``: the callee earns from, or shares, the cost of the call,
  which is what toll fraud is made of;
- ``PERSONAL_NUMBER`` (the UK's 070 "follow-me" numbers): forwarded anywhere and charged well
  above a mobile call, a classic fraud target;
- ``TOLL_FREE``: a business's service line, not the visitor's phone; calling one would tie our
  agents to another company's menu (and feeds toll-free traffic pumping);
- ``PAGER``, ``UAN`` (a company's universal access number), ``VOICEMAIL`` (an access number):
  not a phone a person answers;
- ``UNKNOWN``: phonenumbers counts a number that fits no type of its plan as invalid, so it is
  refused as ``invalid``; any type this module does not name (one a later phonenumbers adds) is
  refused as ``unknown-type``: we cannot tell what it costs, so no.

Pure: ``phonenumbers`` only, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

MAX_RAW_LENGTH = 40
"""Longer than any written phone number (15 digits with spaces, brackets and a +)."""

ALLOWED_TYPES = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.VOIP,
    }
)

_REFUSED_TYPES: dict[int, tuple[str, str]] = {
    PhoneNumberType.PREMIUM_RATE: (
        "premium-rate",
        "That is a premium-rate number, which we cannot call. Please give the number of the "
        "phone you are using.",
    ),
    PhoneNumberType.SHARED_COST: (
        "shared-cost",
        "That is a shared-cost service number, which we cannot call. Please give your own "
        "landline or mobile number.",
    ),
    PhoneNumberType.PERSONAL_NUMBER: (
        "personal-number",
        "That is a personal forwarding number, which we cannot call. Please give your landline "
        "or mobile number.",
    ),
    PhoneNumberType.TOLL_FREE: (
        "toll-free",
        "That is a toll-free service number. Please give the number of the phone you are on.",
    ),
    PhoneNumberType.PAGER: (
        "not-a-phone",
        "That number is a pager, not a phone we can talk to. Please give your landline or "
        "mobile number.",
    ),
    PhoneNumberType.UAN: (
        "not-a-phone",
        "That is a company's access number, not a personal phone. Please give your landline or "
        "mobile number.",
    ),
    PhoneNumberType.VOICEMAIL: (
        "not-a-phone",
        "That is a voicemail access number, not a phone. Please give your landline or mobile "
        "number.",
    ),
}


class NotDialable(Exception):
    """The number may not be dialled: ``reason`` is for machines, ``message`` for the person
    who typed it (it says what to do instead)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class DialingPolicy:
    allowed_regions: frozenset[str]
    """ISO 3166 regions the business calls (``US``, ``CA``); numbers elsewhere are refused."""
    default_region: str | None
    """How a number without ``+`` and a country code is read (the business's own region)."""
    refused_numbers: frozenset[str] = field(default_factory=frozenset)
    """E.164 numbers never dialled on request, e.g. the business's own (a call to ourselves
    would put the business in its own queue)."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.allowed_regions) - phonenumbers.SUPPORTED_REGIONS)
        if unknown:
            raise ValueError(f"allowed_regions: not ISO regions phonenumbers knows: {unknown}")
        if not self.allowed_regions:
            raise ValueError("allowed_regions: at least one region is needed")

    def check(self, raw: str) -> str:
        """The number in E.164 if it may be dialled; raises ``NotDialable`` saying why not."""
        number = _parse(raw, self.default_region)
        region = phonenumbers.region_code_for_number(number)
        if region not in self.allowed_regions:
            raise NotDialable(
                "country-not-allowed",
                f"Sorry, we can only call numbers in {_countries(self.allowed_regions)}.",
            )
        kind = phonenumbers.number_type(number)
        if kind in _REFUSED_TYPES:
            raise NotDialable(*_REFUSED_TYPES[kind])
        if kind not in ALLOWED_TYPES:
            raise NotDialable(
                "unknown-type",
                "We cannot tell what kind of number that is, so we cannot call it. Please give "
                "your landline or mobile number.",
            )
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in self.refused_numbers:
            raise NotDialable(
                "our-number", "That is our own number. Please give the number of your phone."
            )
        return e164


def _parse(raw: str, default_region: str | None) -> phonenumbers.PhoneNumber:
    text = (raw or "").strip()
    if not text:
        raise NotDialable("invalid", "Please enter your phone number.")
    if len(text) > MAX_RAW_LENGTH or not any(ch.isdigit() for ch in text):
        raise NotDialable("invalid", "That does not look like a phone number.")
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as error:
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise NotDialable(
                "invalid", "Please include your country code, starting with +."
            ) from None
        raise NotDialable("invalid", "That does not look like a phone number.") from None
    if number.extension:
        raise NotDialable(
            "invalid", "We cannot dial an extension. Please give a direct number without it."
        )
    if not phonenumbers.is_valid_number(number):
        raise NotDialable(
            "invalid",
            "That number is not valid. Please check it, including the area code.",
        )
    return number


def _countries(regions: Iterable[str]) -> str:
    """``US`` → ``the United States (+1)``: names a visitor recognises, with the code to type."""
    from phonenumbers import geocoder

    names = []
    for region in sorted(regions):
        example = phonenumbers.example_number(region)
        code = phonenumbers.country_code_for_region(region)
        name = geocoder.country_name_for_number(example, "en") if example else ""
        names.append(f"{name or region} (+{code})")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
