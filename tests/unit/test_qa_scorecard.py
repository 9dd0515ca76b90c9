"""The QA scorecard: five criteria of 0-2 points, a total and a percentage, and flags."""

from __future__ import annotations

import pytest

from ivr.core.qa import SCORECARD, Flag, InvalidReview, Score, checked_review, score

ALL_TWO = {criterion.key: 2 for criterion in SCORECARD}


def test_the_scorecard_has_five_criteria_of_two_points_each() -> None:
    assert [c.key for c in SCORECARD] == [
        "greeting",
        "understanding",
        "resolution",
        "courtesy",
        "compliance",
    ]
    assert score(ALL_TWO) == Score(10, 10)
    assert score(ALL_TWO).percent == 100


def test_the_total_is_the_sum_and_the_percentage_rounds_half_up() -> None:
    scores = {"greeting": 2, "understanding": 1, "resolution": 2, "courtesy": 2, "compliance": 0}
    assert str(score(scores)) == "7/10 (70%)"
    assert Score(5, 8).percent == 63  # 62.5 rounds up, as a person would
    assert Score(1, 3).percent == 33
    assert Score(0, 0).percent == 0


def test_a_criterion_no_longer_on_the_scorecard_counts_nothing() -> None:
    assert score({**ALL_TWO, "retired": 2}).points == 10


def test_a_complete_review_is_kept_with_its_flags_once_each_in_order() -> None:
    draft = checked_review(ALL_TWO, ["coaching", "great-call", "coaching"], "  Lovely call.  ")
    assert draft.flags == (Flag.COACHING, Flag.GREAT_CALL)
    assert draft.comment == "Lovely call."
    assert draft.score.percent == 100


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(InvalidReview) as raised:
        checked_review(
            {"greeting": 3, "understanding": True, "resolution": "2", "courtesy": -1, "bogus": 1},
            ["coaching", "promote"],
            "x" * 2001,
        )
    assert raised.value.problems == {
        "scores.greeting": "must be 0, 1 or 2, not 3",
        "scores.understanding": "must be a whole number: 0, 1 or 2",
        "scores.resolution": "must be a whole number: 0, 1 or 2",
        "scores.courtesy": "must be 0, 1 or 2, not -1",
        "scores.compliance": "required: 0, 1 or 2",
        "scores.bogus": "is not on the scorecard: "
        "greeting, understanding, resolution, courtesy, compliance",
        "flags": "unknown flag 'promote': compliance-risk, coaching, great-call, escalate",
        "comment": "at most 2000 characters, not 2001",
    }


def test_zero_is_a_score_not_a_missing_one() -> None:
    draft = checked_review({criterion.key: 0 for criterion in SCORECARD})
    assert draft.score == Score(0, 10)
