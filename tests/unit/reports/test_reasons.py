"""Reasons for calling, in the customers' words: normalised, counted, grouped."""

from __future__ import annotations

from ivr.core.reports.reasons import (
    meaningful_words,
    normalised,
    plain_form,
    reason_group,
    top_reasons,
    top_words,
    word_counts,
)


def test_the_same_words_in_another_case_and_punctuation_are_the_same_reason() -> None:
    assert normalised("My BILL is wrong!!") == normalised("my bill  is wrong") == "my bill is wrong"
    assert normalised("[card]") is None
    assert normalised(None) is None


def test_meaningful_words_drop_stop_words_masks_and_fold_plurals_and_accents() -> None:
    assert meaningful_words("I'm calling about my bills, card [card]") == ("bill", "card")
    assert meaningful_words("Quiero hablar de mi facturación") == ("facturacion",)
    assert meaningful_words("인터넷이 안돼요") == ("인터넷", "안돼요")


def test_top_reasons_count_normalised_texts_most_first() -> None:
    reasons = ["Bill wrong", "bill wrong.", "No power", None, "no power", "no power!"]
    assert [(c.text, c.calls) for c in top_reasons(reasons)] == [
        ("no power", 3),
        ("bill wrong", 2),
    ]


def test_a_word_is_counted_once_per_call() -> None:
    words = top_words(["bill bill bill", "my bill"])
    assert [(c.text, c.calls) for c in words] == [("bill", 2)]


def test_a_reason_joins_the_group_of_its_most_frequent_word() -> None:
    reasons = ["my bill is wrong", "bill too high", "wrong number on my bill", "power out"]
    counts = word_counts(reasons)
    assert [reason_group(r, counts) for r in reasons] == ["bill", "bill", "bill", "power"]
    assert reason_group("calling about", counts) is None


def test_an_ed_or_ing_form_joins_its_plain_word_when_that_word_was_said_too() -> None:
    reasons = ["billed twice", "my bill is wrong", "they charged me", "a charge I do not know",
               "the heating stopped", "stop the letters"]  # fmt: skip
    counts = word_counts(reasons)
    assert (counts["bill"], counts["charge"], counts["stop"]) == (2, 2, 2)
    assert "billed" not in counts and "charged" not in counts and "stopped" not in counts
    assert reason_group("billed twice", counts) == "bill"


def test_a_form_whose_plain_word_nobody_said_stays_as_it_was_said() -> None:
    counts = word_counts(["the heating failed", "heating broken"])
    assert counts["heating"] == 2 and counts["failed"] == 1  # no "heat", no "fail": kept
    assert plain_form("charged", {"charged"}) == "charged"  # never an invented "charg"
