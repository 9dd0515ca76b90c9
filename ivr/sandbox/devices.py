"""The phones at the other end: every number that is not a business number is a device.

A device's *policy* says what it does when a call rings it:

``human``     answers after :data:`~ivr.sandbox.defaults.RING_SECONDS` (AMD: ``human``)
``machine``   answers likewise, as an answering machine (AMD: ``machine_start`` or, with
              ``DetectMessageEnd``, ``machine_end_beep`` after its greeting)
``busy``      returns a busy signal at once
``no-answer`` rings until the caller gives up
``failed``    cannot be reached (the call fails)
``manual``    rings until a person answers or declines it (phone page or ``answer()``), or until
              the caller gives up; declining gives ``busy``, as a phone's reject button does
``browser``   a ``client:`` identity a browser phone registered (:mod:`ivr.sandbox.browsers`):
              rings like ``manual`` while a browser is online, else ``no-answer`` at once
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ivr.sandbox.defaults import (
    HUMAN_DETECTION_SECONDS,
    MACHINE_DETECTION_SECONDS,
    MACHINE_GREETING_SECONDS,
    RING_SECONDS,
)

POLICIES = ("human", "machine", "busy", "no-answer", "failed", "manual", "browser")


@dataclass
class Device:
    """A phone number (or ``client:name``) that calls can ring."""

    number: str
    policy: str = "human"
    ring_seconds: float = RING_SECONDS
    greeting_seconds: float = MACHINE_GREETING_SECONDS
    rung: list[str] = field(default_factory=list)
    """SIDs of the calls that rang this device, oldest first."""

    def __post_init__(self) -> None:
        check_policy(self.policy)


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise ValueError(f"device policy {policy!r} is not one of {', '.join(POLICIES)}")
    return policy


def answering_machine_result(device: Device, mode: str) -> tuple[str, float]:
    """What answering machine detection concludes, and after how many call seconds."""
    if device.policy == "machine":
        if mode == "DetectMessageEnd":
            return "machine_end_beep", device.greeting_seconds
        return "machine_start", MACHINE_DETECTION_SECONDS
    return "human", HUMAN_DETECTION_SECONDS


def normalize_number(raw: str) -> str:
    """The device key for a dialled string: ``415-123-4567`` and ``+14151234567`` are one phone.

    ``client:``, ``sip:`` and other non-numeric addresses are kept as they are.
    """
    text = raw.strip()
    if ":" in text or not text:
        return text
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+"):
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return "+" + digits if digits else text


def is_dialable(raw: str) -> bool:
    """Whether ``raw`` could be a phone number or a client/SIP address (REST error 21211)."""
    text = raw.strip()
    if text.startswith(("client:", "sip:")):
        return len(text.split(":", 1)[1]) > 0
    allowed = set("0123456789+-(). ")
    if not text or any(ch not in allowed for ch in text) or "+" in text[1:]:
        return False
    digits = sum(ch.isdigit() for ch in text)
    return 7 <= digits <= 15
