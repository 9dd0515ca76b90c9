"""The rules of a click-to-call request that are not about the number: when, and what.

A visitor may ask to be called now, or at a time they choose. A chosen time is read as ISO
8601; with an offset (``2026-12-01T16:30:00-05:00``, or ``Z``) it is that instant, without one
(``2026-12-01T16:30``) it is the business's local time, the time zone of the flow's opening
hours. It must be at least ``MIN_LEAD`` ahead, at most ``MAX_AHEAD`` ahead, inside the
customer's calling hours in their own time zone (``CallingHours``, the rule every callback
keeps) and inside the business's opening hours (nobody would be there to call). Pure.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, tzinfo

from ivr.core.callbacks import CallingHours
from ivr.core.flows.hours import OpeningHours

MIN_LEAD = timedelta(minutes=5)
"""A time sooner than this is "now": the visitor should just ask to be called now."""
MAX_AHEAD = timedelta(days=7)
MAX_REASON_LENGTH = 500
MAX_WHEN_LENGTH = 40


class RequestRefused(Exception):
    """A request we will not act on: ``reason`` for machines, ``message`` for the visitor."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


def clean_reason(raw: str | None) -> str | None:
    """What the visitor said they need, as stored on the call: trimmed, control characters
    (but not line breaks) removed; None when empty."""
    text = "".join(
        ch for ch in (raw or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    ).strip()
    if len(text) > MAX_REASON_LENGTH:
        raise RequestRefused(
            "reason-too-long",
            f"Please describe what you need in at most {MAX_REASON_LENGTH} characters.",
        )
    return text or None


def parse_when(raw: str, *, business_zone: tzinfo) -> datetime:
    """The instant ``raw`` names, aware; a time without offset is the business's local time."""
    text = raw.strip()
    if len(text) > MAX_WHEN_LENGTH:
        raise RequestRefused("when-invalid", "That time is not a date and time we can read.")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise RequestRefused(
            "when-invalid",
            "Please give the time as a date and time, e.g. 2026-12-01T16:30 "
            "or 2026-12-01T16:30:00-05:00.",
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=business_zone)
    return when


def check_when(
    when: datetime,
    *,
    now: datetime,
    customer_zone: tzinfo,
    calling_hours: CallingHours,
    opening_hours: OpeningHours | None,
) -> None:
    """Raise ``RequestRefused`` unless ``when`` is a time we can and may call."""
    if when < now + MIN_LEAD:
        raise RequestRefused(
            "when-past",
            "That time has passed or is too soon. Choose a time at least "
            f"{int(MIN_LEAD.total_seconds() // 60)} minutes from now, or leave it empty to be "
            "called now.",
        )
    if when > now + MAX_AHEAD:
        raise RequestRefused(
            "when-too-far",
            f"We can book a call at most {MAX_AHEAD.days} days ahead. Please choose an "
            "earlier time.",
        )
    if calling_hours.earliest(when, customer_zone) != when:
        opens, closes = calling_hours.opens, calling_hours.closes
        raise RequestRefused(
            "when-outside-hours",
            f"We only call between {opens:%H:%M} and {closes:%H:%M} your time. Please choose "
            "a time in those hours.",
        )
    if opening_hours is not None and not opening_hours.is_open(when):
        raise RequestRefused(
            "when-outside-hours",
            "We are closed at that time. Please choose a time when we are open.",
        )


GREETINGS = {
    "en": "Hello, this is {business} returning your request.",
    "es": "Hola, le llama {business} en respuesta a su solicitud.",
}


def greeting(language: str, business: str) -> tuple[str, str]:
    """What a visitor hears first when they answer, and the language it is in (English for a
    language we have no greeting in)."""
    code = language if language in GREETINGS else "en"
    return GREETINGS[code].format(business=business), code


MACHINE_ANSWERED = "answered-by-machine"
"""The call's outcome when voicemail or a fax took our call: nobody was put in line."""

MACHINE_MESSAGES = {
    "en": "Hello, this is {business}. You asked us to call you, but we could not reach you. "
    "Please ask for a call again, or call us. Goodbye.",
    "es": "Hola, le llama {business}. Nos pidió que le llamáramos, pero no pudimos "
    "comunicarnos con usted. Vuelva a pedir una llamada, o llámenos. Adiós.",
}


def reached_a_machine(answered_by: str | None) -> bool:
    """Whether answering machine detection says no person picked up (``machine_start``,
    ``machine_end_beep`` and the like, or a fax); ``human`` and ``unknown`` are put in line:
    a person wrongly taken for a machine would be hung up on."""
    value = (answered_by or "").strip().lower()
    return value.startswith("machine") or value == "fax"


def machine_message(language: str, business: str) -> tuple[str, str]:
    """What is left on a visitor's voicemail, and its language (English when we have none)."""
    code = language if language in MACHINE_MESSAGES else "en"
    return MACHINE_MESSAGES[code].format(business=business), code
