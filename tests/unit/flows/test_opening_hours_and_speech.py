"""The two small judgements the interpreter leans on: is the business open, and did the caller
say a menu phrase."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.core.flows.hours import OpeningHours, parse_time_range
from ivr.core.flows.matching import best_match, contains_phrase, words_of

MADRID = ZoneInfo("Europe/Madrid")


def weekdays_only(*ranges: str) -> OpeningHours:
    day = tuple(parse_time_range(r) for r in ranges)
    return OpeningHours(
        timezone=MADRID,
        weekly=(day, day, day, day, day, (), ()),
        holidays=frozenset({date(2026, 1, 6)}),
    )


@pytest.mark.parametrize(
    ("utc", "is_open"),
    [
        (datetime(2026, 1, 5, 8, 0, tzinfo=UTC), True),  # Monday 09:00 in Madrid (CET)
        (datetime(2026, 1, 5, 7, 59, tzinfo=UTC), False),  # 08:59
        (datetime(2026, 1, 5, 11, 0, tzinfo=UTC), False),  # 12:00: the lunch break
        (datetime(2026, 1, 5, 15, 59, tzinfo=UTC), True),  # 16:59
        (datetime(2026, 1, 5, 16, 0, tzinfo=UTC), False),  # 17:00: closing time is closed
        (datetime(2026, 1, 6, 9, 0, tzinfo=UTC), False),  # a holiday (Epiphany)
        (datetime(2026, 1, 10, 9, 0, tzinfo=UTC), False),  # Saturday
        (datetime(2026, 7, 6, 7, 0, tzinfo=UTC), True),  # Monday 09:00 in summer (CEST)
    ],
)
def test_opening_hours_are_local_wall_clock_times_minus_holidays(
    utc: datetime, is_open: bool
) -> None:
    hours = weekdays_only("09:00-12:00", "13:00-17:00")

    assert hours.is_open(utc) is is_open


def test_a_day_may_run_to_midnight() -> None:
    hours = weekdays_only("20:00-24:00")

    assert hours.is_open(datetime(2026, 1, 5, 22, 59, tzinfo=UTC))  # Monday 23:59
    assert not hours.is_open(datetime(2026, 1, 5, 23, 0, tzinfo=UTC))  # Tuesday 00:00


def test_a_naive_moment_is_read_as_utc_not_as_server_time() -> None:
    hours = weekdays_only("09:00-17:00")

    assert hours.is_open(datetime(2026, 1, 5, 8, 0)) == hours.is_open(
        datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    )


def test_speech_is_compared_as_bare_lowercase_words() -> None:
    assert words_of("¿Hablo con un Agente?") == ("hablo", "con", "un", "agente")
    assert words_of("Facturación, POR favor.") == ("facturacion", "por", "favor")


def test_a_phrase_matches_whole_consecutive_words_only() -> None:
    said = words_of("I want technical support please")

    assert contains_phrase(said, ("technical", "support"))
    assert not contains_phrase(said, ("support", "technical"))
    assert not contains_phrase(words_of("personal account"), ("person",))


def test_the_longest_matching_phrase_counts() -> None:
    assert best_match("technical support please", ["support", "technical support"]) == 2
    assert best_match("billing", ["support"]) == 0
