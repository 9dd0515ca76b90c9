"""PII redaction: what is masked before a transcript is stored and searched, and what is not."""

from __future__ import annotations

import pytest

from ivr.core.redaction import (
    CARD,
    EMAIL,
    NUMBER,
    PHONE,
    find_spans,
    redact_text,
    redact_transcript,
)
from ivr.core.redaction.numbers import luhn_valid
from ivr.core.redaction.spoken import ENGLISH, KOREAN, LANGUAGES, forms_for
from ivr.core.transcripts import Segment, Transcript, Word


def spoken(text: str, start: float = 0.0, step: float = 0.5) -> tuple[Word, ...]:
    return tuple(
        Word(word, start + i * step, start + i * step + 0.4, 0.9 - i * 0.01)
        for i, word in enumerate(text.split())
    )


# Cards


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "378282246310005",  # American Express, 15 digits
        "four one one one one one one one one one one one one one one one",
        "four one double one" + " one" * 12,
        "forty one eleven eleven eleven eleven eleven eleven eleven",
    ],
)
def test_a_luhn_valid_card_number_typed_or_spoken_is_masked_as_a_card(text: str) -> None:
    assert redact_text(f"my card is {text} thanks") == f"my card is {CARD} thanks"


def test_a_card_number_that_fails_luhn_is_still_masked_as_a_long_number() -> None:
    assert not luhn_valid("4111111111111112")
    assert redact_text("card 4111 1111 1111 1112") == f"card {NUMBER}"


def test_the_luhn_check_accepts_test_cards_and_refuses_one_changed_digit() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("5555555555554444")
    assert not luhn_valid("5555555555554445")


# Long digit runs


@pytest.mark.parametrize(
    "text",
    [
        "123456",  # a one-time code: six digits is the threshold
        "123-45-6789",  # a social security number
        "12/05/1980",  # a date of birth typed with slashes
        "one two zero five one nine eight zero",  # ... or read as digits
        "double five seven three nine one",
        "nine eight seven uh six five four",  # a filler inside the run does not end it
        "nine eight seven dash six five four",
    ],
)
def test_a_run_of_six_digits_or_more_is_masked_as_a_number(text: str) -> None:
    assert redact_text(f"account {text} please") == f"account {NUMBER} please"


@pytest.mark.parametrize(
    "text",
    [
        "press 2",
        "it costs $45.99",
        "it costs 45.99 dollars",
        "on December 1",
        "on December 12, 2024.",
        "in 2024",
        "my PIN is 1234",  # a 4-digit PIN cannot be told from a year: not masked (documented)
        "zip code 94107",
        "five digits one two three four five",
        "twenty twenty four",
        "I have two kids and three dogs",
        "oh I see, one moment",
        "at 10:30 tomorrow",
        "I am calling about billing",
    ],
)
def test_short_numbers_prices_dates_and_plain_words_are_not_masked(text: str) -> None:
    assert redact_text(text) == text


# Phone numbers


@pytest.mark.parametrize(
    "text",
    [
        "(415) 555-0123",
        "415 555 0123",
        "415.555.0123",
        "+14155550123",
        "+44 20 7946 0958",  # E.164 of another country
        "four one five five five five oh one two three",
        "plus one four one five five five five zero one two three",
    ],
)
def test_a_valid_phone_number_typed_or_spoken_is_masked_as_a_phone(text: str) -> None:
    assert redact_text(f"call me on {text}.") == f"call me on {PHONE}."


def test_a_phone_number_is_read_in_the_region_given() -> None:
    korean_mobile = "공일공 일이삼사 오육칠팔"
    assert redact_text(korean_mobile, language="ko", region="KR") == PHONE
    assert redact_text(korean_mobile, language="ko", region="US") == NUMBER


def test_ten_digits_that_are_no_valid_phone_number_are_still_masked_as_a_number() -> None:
    assert redact_text("reference 1234567890") == f"reference {NUMBER}"


# E-mail addresses


@pytest.mark.parametrize(
    "text",
    [
        "john.smith@example.com",
        "john dot smith at example dot com",
        "john underscore smith at mail dot example dot co dot uk",
        "john.smith at example.com",
        "j o h n at gmail dot com",
        "j o h n one two three at gmail dot com",
    ],
)
def test_an_email_address_typed_or_spoken_is_masked(text: str) -> None:
    assert redact_text(f"my email is {text}, thanks") == f"my email is {EMAIL}, thanks"


@pytest.mark.parametrize(
    "text",
    [
        "see you at five",
        "I am at the office",
        "look at this dot here and there",
        "the dot com era",
    ],
)
def test_an_at_without_a_domain_is_no_address(text: str) -> None:
    assert redact_text(text) == text


def test_a_spoken_address_in_korean_is_masked() -> None:
    assert redact_text("메일은 hong 골뱅이 naver 점 com 입니다", language="ko") == (
        f"메일은 {EMAIL} 입니다"
    )


# Spoken digits in other languages


def test_korean_digits_are_read_spoken_apart_or_written_as_one_word() -> None:
    assert (
        redact_text("번호는 일 이 삼 사 오 육 칠 입니다", language="ko")
        == f"번호는 {NUMBER} 입니다"
    )
    assert redact_text("공일공에 일이삼사에 오육칠팔이에요", language="ko") == NUMBER


def test_korean_words_that_happen_to_be_digit_syllables_are_not_masked_alone() -> None:
    text = "이 사람 오늘 이사 가요"  # "this person is moving today"
    assert redact_text(text, language="ko") == text


def test_spanish_digits_are_read() -> None:
    assert redact_text("mi cuenta es cuatro uno dos tres cinco seis", language="es") == (
        f"mi cuenta es {NUMBER}"
    )


def test_the_number_words_come_from_one_table_per_language() -> None:
    assert set(LANGUAGES) >= {"en", "es", "ko"}
    assert forms_for("en-US") == (ENGLISH,)
    assert forms_for("ko") == (KOREAN,)
    assert len(forms_for(None)) == len(LANGUAGES) == len(forms_for("xx"))


def test_text_of_unknown_language_is_read_with_every_table() -> None:
    assert redact_text("cuatro uno dos tres cinco seis") == NUMBER
    assert redact_text("cuatro uno dos tres cinco seis", language="en") == (
        "cuatro uno dos tres cinco seis"
    )


# The shape of the result


def test_spacing_lines_and_surrounding_punctuation_are_kept() -> None:
    text = "customer: it is 4111111111111111.\nagent: and your email?\ncustomer: (a@b.io)"
    assert redact_text(text) == (
        f"customer: it is {CARD}.\nagent: and your email?\ncustomer: ({EMAIL})"
    )


def test_a_number_and_an_address_in_one_sentence_are_masked_separately() -> None:
    spans = find_spans("call 4155550123 or mail a at b dot com".split())
    assert [(s.start, s.end, s.mask) for s in spans] == [(1, 2, PHONE), (4, 9, EMAIL)]


def test_a_masked_span_becomes_one_word_over_the_span_time() -> None:
    words = spoken("my card is four one one one one one one one one one one one one one one one")
    transcript = Transcript("en", "vosk-model-en", 20.0, (Segment("customer", 0.0, 10.0, words),))

    (segment,) = redact_transcript(transcript).segments

    assert [w.text for w in segment.words] == ["my", "card", "is", CARD]
    mask = segment.words[-1]
    assert (mask.start, mask.end) == (words[3].start, words[-1].end)
    assert mask.confidence == min(w.confidence for w in words[3:])
    assert (segment.speaker, segment.start, segment.end) == ("customer", 0.0, 10.0)


def test_a_number_read_across_a_pause_is_masked_in_each_segment() -> None:
    first = Segment("customer", 0.0, 3.0, spoken("it is four one one one", 0.0))
    agent = Segment("agent", 3.2, 3.6, spoken("okay", 3.2))
    second = Segment(
        "customer", 4.0, 9.0, spoken("one one one one one one one one one one one one", 4.0)
    )
    transcript = Transcript("en", "m", 10.0, (first, agent, second))

    redacted = redact_transcript(transcript)

    assert redacted.text == f"customer: it is {CARD}\nagent: okay\ncustomer: {CARD}"
    assert redacted.segments[1] == agent
    assert [w.text for w in redacted.segments[0].words] == ["it", "is", CARD]
    assert redacted.segments[2].words[0].end == second.words[-1].end


def test_one_speakers_digits_are_never_joined_with_the_others() -> None:
    customer = Segment("customer", 0.0, 1.0, spoken("one two three"))
    agent = Segment("agent", 1.5, 2.5, spoken("four five six", 1.5))
    transcript = Transcript("en", "m", 3.0, (customer, agent))
    assert redact_transcript(transcript) == transcript


def test_a_transcript_without_pii_is_unchanged() -> None:
    transcript = Transcript(
        "en", "m", 3.0, (Segment("customer", 0.0, 2.0, spoken("press two for billing")),)
    )
    assert redact_transcript(transcript) == transcript
