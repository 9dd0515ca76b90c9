"""Callbacks: a promise to call a customer back, kept in their original place in line.

A callback is stored before it is spoken, is tried at most ``MAX_ATTEMPTS`` times with backoff
inside the customer's calling hours, and ends kept (the customer reached an agent by the time we
said) or missed. This module holds those rules; the records and the queue hold the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as number_timezones


class CallbackStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its turn (or its next attempt)."""
    CALLING = "calling"
    """An agent is reserved and the customer's phone is being rung."""
    COMPLETED = "completed"
    MISSED = "missed"
    """Attempts exhausted, or it expired unplaced."""
    MERGED = "merged"
    """The customer called in again and took the callback's place in line."""
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({CallbackStatus.PENDING, CallbackStatus.CALLING})

MAX_ATTEMPTS = 3
RETRY_BACKOFF = (timedelta(minutes=2), timedelta(minutes=10))
"""Wait before the second and the third attempt."""
EXPIRES_AFTER_DUE = timedelta(hours=4)
"""A callback still unplaced this long after it was due is missed, not placed at midnight."""
CHOSEN_TIME_GRACE = timedelta(minutes=15)
"""A callback booked for a chosen time is kept if placed within this of that time."""


class AttemptResult(StrEnum):
    """Why an attempt did not reach the customer (carrier statuses and AMD)."""

    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"
    MACHINE = "machine"
    CANCELED = "canceled"


@dataclass(frozen=True)
class CallingHours:
    """When a customer may be called, in their own time zone (e.g. 08:00 to 21:00)."""

    opens: time = time(8, 0)
    closes: time = time(21, 0)

    @classmethod
    def parse(cls, text: str) -> CallingHours:
        """``"08:00-21:00"``."""
        try:
            opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError as error:
            raise ValueError(f"calling hours must look like 08:00-21:00, not {text!r}") from error
        if opens >= closes:
            raise ValueError(f"calling hours {text!r} close before they open")
        return cls(opens, closes)

    def earliest(self, at: datetime, zone: ZoneInfo) -> datetime:
        """``at`` if it is inside the hours in ``zone``, else when they next open."""
        local = at.astimezone(zone)
        if self.opens <= local.time() < self.closes:
            return at
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        opening = datetime.combine(day, self.opens, tzinfo=zone)
        return opening.astimezone(at.tzinfo)


@lru_cache(maxsize=4096)
def zone_of_number(e164: str, fallback: str) -> ZoneInfo:
    """The customer's time zone from their number when its zones all keep one clock (the UK's
    four), else ``fallback`` (the business's): a number spanning zones cannot tell us more."""
    try:
        names = number_timezones.time_zones_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        names = ()
    zones = [_zone(name) for name in names if name != "Etc/Unknown"]
    zones = [zone for zone in zones if zone is not None]
    if zones and all(_same_clock(zones[0], zone) for zone in zones[1:]):
        return zones[0]
    return _zone(fallback) or ZoneInfo("UTC")


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _same_clock(a: ZoneInfo, b: ZoneInfo) -> bool:
    probes = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))
    return all(a.utcoffset(p) == b.utcoffset(p) for p in probes)


@dataclass(frozen=True)
class CallbackRequest:
    """What is stored before the promise is spoken."""

    number: str
    queue: str
    place_at: datetime
    """The customer's original place in line."""
    promised_at: datetime
    promised_within_seconds: int | None
    due_by: datetime | None
    source: str = "queue"
    skills: tuple[str, ...] = ()
    call_sid: str | None = None
    customer_id: int | None = None
    language: str | None = None
    flow: str | None = None
    reason: str | None = None
    not_before: datetime | None = None
    promise_text: str | None = None


@dataclass(frozen=True)
class OpenCallback:
    """A callback still to be placed (or being placed): what the queue needs to hold it."""

    id: int
    number: str
    queue: str
    skills: frozenset[str]
    place_at: datetime
    status: CallbackStatus
    attempts: int = 0
    not_before: datetime | None = None
    due_by: datetime | None = None
    language: str | None = None
    flow: str | None = None
    customer_id: int | None = None
    agent_id: int | None = None
    callback_call_sid: str | None = None
    reason: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def entry_id(self) -> str:
        """Its id in the waiting line, beside callers' CallSids."""
        return entry_id_of(self.id)


def entry_id_of(callback_id: int) -> str:
    return f"cb-{callback_id}"


def callback_id_of(entry_id: str) -> int | None:
    """The callback id of a line entry, or None for a caller's CallSid."""
    if entry_id.startswith("cb-") and entry_id[3:].isdigit():
        return int(entry_id[3:])
    return None


class AlreadyPending(Exception):
    """The number already has an open callback: one per number."""

    def __init__(self, callback_id: int | None) -> None:
        super().__init__(f"a callback is already pending for this number (#{callback_id})")
        self.callback_id = callback_id


def next_attempt_at(
    attempts_made: int, now: datetime, hours: CallingHours, zone: ZoneInfo
) -> datetime | None:
    """When to try again after a failed attempt, or None when the attempts are used up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    backoff = RETRY_BACKOFF[min(attempts_made, len(RETRY_BACKOFF)) - 1]
    return hours.earliest(now + backoff, zone)


def kept(connected_at: datetime, due_by: datetime | None) -> bool:
    """A promise is kept when the customer reached an agent by the time we named."""
    return due_by is None or connected_at <= due_by


def expired(callback: OpenCallback, now: datetime) -> bool:
    return callback.due_by is not None and now > callback.due_by + EXPIRES_AFTER_DUE
