"""Callback rules: calling hours in the customer's zone, attempts and backoff, kept or not."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr.core.callbacks import (
    MAX_ATTEMPTS,
    RETRY_BACKOFF,
    CallingHours,
    callback_id_of,
    entry_id_of,
    kept,
    next_attempt_at,
    zone_of_number,
)

NEW_YORK = ZoneInfo("America/New_York")


def test_calling_hours_parse_and_refuse_nonsense():
    assert CallingHours.parse("08:00-21:00") == CallingHours(time(8), time(21))
    for bad in ("21:00-08:00", "eight to nine", "08:00"):
        with pytest.raises(ValueError):
            CallingHours.parse(bad)


def test_a_time_inside_the_hours_is_kept():
    at = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York
    assert CallingHours().earliest(at, NEW_YORK) == at


def test_late_at_night_waits_for_the_morning_in_the_customers_zone():
    at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 22:00 in New York
    assert CallingHours().earliest(at, NEW_YORK) == datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def test_early_morning_waits_until_opening_the_same_day():
    at = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 05:00 in New York
    assert CallingHours().earliest(at, NEW_YORK) == datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def test_attempts_back_off_and_end():
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    hours = CallingHours()
    assert next_attempt_at(1, now, hours, NEW_YORK) == now + RETRY_BACKOFF[0]
    assert next_attempt_at(2, now, hours, NEW_YORK) == now + RETRY_BACKOFF[1]
    assert next_attempt_at(MAX_ATTEMPTS, now, hours, NEW_YORK) is None


def test_a_retry_never_rings_outside_calling_hours():
    late = datetime(2026, 12, 2, 1, 59, tzinfo=UTC)  # 20:59 in New York: 21:01 after backoff
    retry = next_attempt_at(1, late, CallingHours(), NEW_YORK)
    assert retry.astimezone(NEW_YORK).time() == time(8, 0)


def test_kept_means_reached_by_the_time_we_named():
    due = datetime(2026, 12, 1, 15, 10, tzinfo=UTC)
    assert kept(due - timedelta(seconds=1), due)
    assert kept(due, due)
    assert not kept(due + timedelta(seconds=1), due)


def test_a_numbers_zone_when_it_has_one_clock_else_the_businesss():
    assert zone_of_number("+14155550123", "America/New_York").key == "America/Los_Angeles"
    assert zone_of_number("+447911123456", "America/New_York").key.startswith("Europe/")
    assert zone_of_number("not a number", "America/New_York").key == "America/New_York"


def test_line_entry_ids_of_callbacks():
    assert entry_id_of(7) == "cb-7"
    assert callback_id_of("cb-7") == 7
    assert callback_id_of("CA123") is None
