"""When a visitor may be called back, and what they said they need."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.core.callbacks import CallingHours
from ivr.core.click_to_call import (
    RequestRefused,
    check_when,
    clean_reason,
    greeting,
    parse_when,
    reached_a_machine,
)

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York


def refused(when: str, *, customer_zone: ZoneInfo = NEW_YORK) -> str:
    with pytest.raises(RequestRefused) as caught:
        check_when(
            parse_when(when, business_zone=NEW_YORK),
            now=NOW,
            customer_zone=customer_zone,
            calling_hours=CallingHours(),
            opening_hours=None,
        )
    return caught.value.reason


def test_a_time_with_an_offset_is_that_instant() -> None:
    assert parse_when("2026-12-01T18:30:00Z", business_zone=NEW_YORK) == datetime(
        2026, 12, 1, 18, 30, tzinfo=UTC
    )


def test_a_time_without_an_offset_is_the_businesss_local_time() -> None:
    when = parse_when("2026-12-01T13:30", business_zone=NEW_YORK)

    assert when.astimezone(UTC) == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["soon", "13:30", "2026-13-01T10:00", "x" * 41])
def test_a_time_we_cannot_read_is_refused(text: str) -> None:
    with pytest.raises(RequestRefused) as caught:
        parse_when(text, business_zone=NEW_YORK)

    assert caught.value.reason == "when-invalid"


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("2026-12-01T09:59:00-05:00", "when-past"),
        ("2026-12-01T10:04:00-05:00", "when-past"),
        ("2026-12-08T10:01:00-05:00", "when-too-far"),
        ("2026-12-01T21:00:00-05:00", "when-outside-hours"),
        ("2026-12-02T07:59:00-05:00", "when-outside-hours"),
    ],
)
def test_times_too_soon_too_far_or_outside_calling_hours_are_refused(
    when: str, reason: str
) -> None:
    assert refused(when) == reason


def test_calling_hours_are_the_customers_own() -> None:
    """10:30 in New York is 07:30 in Los Angeles: too early to ring a Californian."""
    assert refused("2026-12-01T10:30:00-05:00", customer_zone=LOS_ANGELES) == ("when-outside-hours")


def test_a_time_inside_every_window_is_accepted() -> None:
    check_when(
        datetime(2026, 12, 1, 16, 0, tzinfo=UTC),
        now=NOW,
        customer_zone=NEW_YORK,
        calling_hours=CallingHours(),
        opening_hours=None,
    )


def test_a_reason_is_trimmed_and_stripped_of_control_characters() -> None:
    assert (
        clean_reason("  My bill\x00 is wrong\r\nagain \x1b[31m ") == "My bill is wrong\nagain [31m"
    )
    assert clean_reason("   ") is None
    assert clean_reason(None) is None


def test_a_reason_over_500_characters_is_refused() -> None:
    assert clean_reason("x" * 500) == "x" * 500
    with pytest.raises(RequestRefused):
        clean_reason("x" * 501)


def test_the_greeting_names_the_business_in_the_callers_language() -> None:
    assert greeting("es", "Acme") == ("Hola, le llama Acme en respuesta a su solicitud.", "es")
    assert greeting("fr", "Acme") == ("Hello, this is Acme returning your request.", "en")


@pytest.mark.parametrize(
    ("answered_by", "machine"),
    [
        ("machine_start", True),
        ("machine_end_beep", True),
        ("machine_end_silence", True),
        ("fax", True),
        ("human", False),
        ("unknown", False),
        ("", False),
        (None, False),
    ],
)
def test_only_a_detected_machine_is_kept_out_of_line(
    answered_by: str | None, machine: bool
) -> None:
    assert reached_a_machine(answered_by) is machine
