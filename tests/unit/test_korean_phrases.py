"""Every phrase table speaks Korean as fully as English, and a Korean caller on hold hears
their place, the estimate and the ways out in Korean.

The tables are checked key by key and placeholder by placeholder against English, for every
language they hold: a language missing a key would fail here rather than raise a KeyError
on a live call, and a missing placeholder would drop a number the caller needs.
"""

from __future__ import annotations

from string import Formatter

import pytest

from ivr.core.flows.defaults import LANGUAGE_DEFAULTS
from ivr.core.holding import (
    CALLBACK_WORDS,
    HOLD_PHRASES,
    VOICEMAIL_WORDS,
    hold_lines,
    phrases,
    wants_callback,
    wants_voicemail,
)
from ivr.core.queueing import Place
from ivr.core.waits import WaitEstimate
from ivr.core.waits.spoken import PHRASES as WAIT_PHRASES
from ivr.core.waits.spoken import callback_promise, spoken_wait
from ivr.services.queue import HoldNews


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def same_keys_and_placeholders(table: dict[str, dict[str, str]], language: str) -> None:
    english, other = table["en"], table[language]
    assert set(other) == set(english), f"{language} lacks or adds keys"
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), f"{language} {key}"


def test_the_hold_and_wait_tables_speak_korean() -> None:
    assert "ko" in HOLD_PHRASES
    assert "ko" in WAIT_PHRASES
    assert "ko" in LANGUAGE_DEFAULTS


@pytest.mark.parametrize("language", sorted(HOLD_PHRASES))
def test_hold_phrases_have_every_english_key_and_placeholder(language: str) -> None:
    same_keys_and_placeholders(HOLD_PHRASES, language)


@pytest.mark.parametrize("language", sorted(WAIT_PHRASES))
def test_wait_phrases_have_every_english_key_and_placeholder(language: str) -> None:
    same_keys_and_placeholders(WAIT_PHRASES, language)


@pytest.mark.parametrize("language", sorted(LANGUAGE_DEFAULTS))
def test_built_in_language_defaults_have_every_english_field(language: str) -> None:
    english, other = LANGUAGE_DEFAULTS["en"], LANGUAGE_DEFAULTS[language]
    assert set(other) == set(english)
    assert all(other[key] for key in english), f"{language} leaves a field empty"


@pytest.mark.parametrize("language", sorted(HOLD_PHRASES))
def test_every_hold_language_has_words_for_a_callback_and_a_message(language: str) -> None:
    assert CALLBACK_WORDS[language] and VOICEMAIL_WORDS[language]


def test_korean_hold_phrases_are_the_korean_ones_and_others_fall_back_to_english() -> None:
    assert phrases("ko")["goodbye"] == "감사합니다. 안녕히 계세요."
    assert phrases("fr") == HOLD_PHRASES["en"]


# -- a Korean caller on hold -----------------------------------------------------------------


def news(position: int, *, offer_callback: bool = False) -> HoldNews:
    return HoldNews(
        place=Place(position=position, waiting=position + 1, agents=2, agents_available=0),
        wait=spoken_wait(WaitEstimate(181, 260), "ko"),
        offer_callback=offer_callback,
    )


def test_a_korean_caller_on_hold_hears_their_place_the_estimate_and_the_ways_out() -> None:
    lines = hold_lines(news(3), "ko")

    assert lines.language == "ko"
    assert lines.lines == (
        "고객님의 대기 순서는 3번째입니다.",
        "예상 대기 시간은 약 4분입니다.",
        "대기 순서를 유지한 채 다시 전화를 받으시려면 1번을 누르거나 다시 전화해 달라고"
        " 말씀하세요. 메시지를 남기시려면 2번을 누르세요.",
    )
    assert {"다시 전화", "콜백", "메시지"} <= set(lines.hints)


def test_a_korean_caller_next_in_line_is_told_so_and_offered_a_callback_in_korean() -> None:
    lines = hold_lines(news(1, offer_callback=True), "ko")

    assert lines.lines[0] == "고객님은 다음 순서입니다."
    assert lines.lines[2].startswith("기다리지 않으셔도 대기 순서를 그대로 유지한 채")


@pytest.mark.parametrize(
    ("speech", "callback", "voicemail"),
    [
        ("다시 전화해 주세요", True, False),
        ("콜백 부탁드려요", True, False),
        ("메시지 남길게요", False, True),
        ("음성 메시지", False, True),
        ("그냥 기다릴게요", False, False),
    ],
)
def test_a_korean_caller_on_hold_can_ask_for_a_callback_or_a_message_in_korean(
    speech: str, callback: bool, voicemail: bool
) -> None:
    assert wants_callback(None, speech) is callback
    assert wants_voicemail(None, speech) is voicemail


@pytest.mark.parametrize(
    ("mean", "p90", "korean", "claimed"),
    [
        (20, 50, "1분 미만", (0, 60)),
        (45, 100, "2분 미만", (0, 120)),
        (60, 85, "약 1분", (60, 60)),
        (181, 260, "약 4분", (240, 240)),
        (100, 220, "2분에서 4분 사이", (120, 240)),
        (1200, 2400, "최소 20분", (1200, None)),
        (2000, 2600, "30분 이상", (1800, None)),
    ],
)
def test_a_korean_wait_is_rounded_and_claimed_as_the_english_one_is(
    mean: float, p90: float, korean: str, claimed: tuple
) -> None:
    spoken, english = (
        spoken_wait(WaitEstimate(mean, p90), "ko"),
        spoken_wait(WaitEstimate(mean, p90), "en"),
    )

    assert spoken.text == korean
    assert spoken.language == "ko"
    assert spoken.sentence == f"예상 대기 시간은 {korean}입니다."
    assert (spoken.claimed_low_seconds, spoken.claimed_high_seconds) == claimed
    assert (spoken.claimed_low_seconds, spoken.claimed_high_seconds) == (
        english.claimed_low_seconds,
        english.claimed_high_seconds,
    )


@pytest.mark.parametrize(
    ("p90", "sentence"),
    [
        (540, "약 9분 안에 다시 전화드리겠습니다."),
        (3000, "약 1시간 안에 다시 전화드리겠습니다."),
        (5000, "약 2시간 안에 다시 전화드리겠습니다."),
    ],
)
def test_a_korean_callback_promise(p90: float, sentence: str) -> None:
    promise = callback_promise(WaitEstimate(p90 / 2, p90), "ko")

    assert promise.sentence == sentence
    assert promise.language == "ko"
