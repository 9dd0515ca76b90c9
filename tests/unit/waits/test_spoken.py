"""What a caller hears: rounded up, honest about spread, capped, in English and Spanish."""

from __future__ import annotations

import pytest

from ivr.core.waits import WaitEstimate
from ivr.core.waits.spoken import callback_promise, friendly_minutes, spoken_wait


def said(mean: float, p90: float, language: str = "en"):
    return spoken_wait(WaitEstimate(mean, p90), language)


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(1, 1), (60, 1), (61, 2), (181, 4), (600, 10), (601, 15), (900, 15), (1201, 25), (1800, 30)],
)
def test_figures_round_up_to_a_unit_a_person_says(seconds, minutes):
    assert friendly_minutes(seconds) == minutes


def test_a_wait_beyond_half_an_hour_has_no_figure():
    assert friendly_minutes(1801) is None


@pytest.mark.parametrize(
    ("mean", "p90", "english", "spanish", "claimed"),
    [
        (20, 50, "less than a minute", "menos de un minuto", (0, 60)),
        (45, 100, "less than 2 minutes", "menos de 2 minutos", (0, 120)),
        (60, 85, "about 1 minute", "aproximadamente 1 minuto", (60, 60)),
        (181, 260, "about 4 minutes", "aproximadamente 4 minutos", (240, 240)),
        (280, 560, "between 5 and 10 minutes", "entre 5 y 10 minutos", (300, 600)),
        (660, 800, "about 15 minutes", "aproximadamente 15 minutos", (900, 900)),
        (1200, 2400, "at least 20 minutes", "al menos 20 minutos", (1200, None)),
        (2000, 2600, "more than 30 minutes", "más de 30 minutos", (1800, None)),
    ],
)
def test_the_phrase_and_the_seconds_it_claims(mean, p90, english, spanish, claimed):
    for language, text in (("en", english), ("es", spanish)):
        spoken = said(mean, p90, language)
        assert spoken.text == text
        assert spoken.language == language
        assert (spoken.claimed_low_seconds, spoken.claimed_high_seconds) == claimed


def test_a_figure_is_never_shorter_than_the_estimate():
    for mean in range(1, 1800, 7):
        spoken = said(mean, mean * 1.2)
        if spoken.claimed_low_seconds > 0:
            assert spoken.claimed_low_seconds >= mean
        assert spoken.claimed_high_seconds is None or spoken.claimed_high_seconds >= mean


def test_full_sentences_in_both_languages():
    assert said(181, 260).sentence == "The estimated wait is about 4 minutes."
    assert said(181, 260, "es").sentence == (
        "El tiempo de espera estimado es de aproximadamente 4 minutos."
    )


def test_a_language_we_have_no_phrases_in_is_spoken_in_english_and_says_so():
    spoken = said(181, 260, "fr")
    assert spoken.text == "about 4 minutes"
    assert spoken.language == "en"
    assert callback_promise(WaitEstimate(181, 260), "de").language == "en"


def test_a_callback_is_promised_by_the_p90_not_the_mean():
    promise = callback_promise(WaitEstimate(200, 540), "en")
    assert promise.text == "within about 9 minutes"
    assert promise.sentence == "We will call you back within about 9 minutes."
    assert promise.within_seconds == 540
    spanish = callback_promise(WaitEstimate(200, 540), "es")
    assert spanish.sentence == "Le devolveremos la llamada dentro de aproximadamente 9 minutos."


@pytest.mark.parametrize(
    ("p90", "text", "within"),
    [
        (10, "within about 2 minutes", 120),
        (1500, "within about 25 minutes", 1500),
        (2000, "within about 45 minutes", 2700),
        (3000, "within about 1 hour", 3600),
        (5000, "within about 2 hours", 7200),
    ],
)
def test_a_callback_promise_is_rounded_up_and_never_immediate(p90, text, within):
    promise = callback_promise(WaitEstimate(p90 / 2, p90), "en")
    assert (promise.text, promise.within_seconds) == (text, within)
    assert promise.within_seconds >= p90
