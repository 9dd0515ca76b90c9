"""Quality reviews: a manager listens to a call and scores it on a short scorecard.

Five criteria, each worth 0 (not done), 1 (partly) or 2 (done well): short enough that a
manager fills it in while the call plays, and the same for every call, so that scores can be
compared between agents and over time. Flags say what should happen next (``coaching``,
``escalate``) or what was notable (``compliance-risk``, ``great-call``); a comment says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

MAX_POINTS = 2
"""Each criterion scores 0, 1 or 2."""

POINT_LABELS = {0: "no", 1: "partly", 2: "yes"}

COMMENT_MAX_CHARS = 2000


@dataclass(frozen=True)
class Criterion:
    key: str
    """Stored in ``qa_reviews.scores`` and in the API: never rename one."""
    label: str
    question: str


SCORECARD: tuple[Criterion, ...] = (
    Criterion(
        "greeting",
        "Greeted and identified",
        "Did the agent greet the caller, give their name and confirm who the caller is?",
    ),
    Criterion(
        "understanding",
        "Understood the need",
        "Did the agent find out what the caller needed, without making them repeat it?",
    ),
    Criterion(
        "resolution",
        "Resolved or next step",
        "Was the problem solved, or was the caller told clearly what happens next and when?",
    ),
    Criterion(
        "courtesy",
        "Courtesy",
        "Was the agent polite, patient and clear throughout?",
    ),
    Criterion(
        "compliance",
        "Compliance and consent",
        "Were the recording notice, identity checks and data rules respected?",
    ),
)

CRITERIA = {criterion.key: criterion for criterion in SCORECARD}


class Flag(StrEnum):
    COMPLIANCE_RISK = "compliance-risk"
    """Something said or done that breaks a rule: someone must look at it."""
    COACHING = "coaching"
    """Worth going through with the agent."""
    GREAT_CALL = "great-call"
    """An example to share with the team."""
    ESCALATE = "escalate"
    """The customer's problem needs someone more senior."""


class InvalidReview(ValueError):
    """A review that cannot be stored; ``problems`` maps each field to what is wrong."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.problems.items()))


@dataclass(frozen=True)
class Score:
    points: int
    max_points: int

    @property
    def percent(self) -> int:
        """Rounded half up, so 7 of 10 is 70 and 5 of 8 is 63, as a person would round."""
        if self.max_points == 0:
            return 0
        return (200 * self.points + self.max_points) // (2 * self.max_points)

    def __str__(self) -> str:
        return f"{self.points}/{self.max_points} ({self.percent}%)"


def score(scores: Mapping[str, int]) -> Score:
    """The total over the scorecard's criteria (a criterion no longer on it counts nothing)."""
    points = sum(int(scores.get(criterion.key, 0)) for criterion in SCORECARD)
    return Score(points, MAX_POINTS * len(SCORECARD))


@dataclass(frozen=True)
class ReviewDraft:
    """What a reviewer filled in, checked: every criterion scored, known flags only."""

    scores: Mapping[str, int]
    flags: tuple[Flag, ...] = ()
    comment: str = ""

    @property
    def score(self) -> Score:
        return score(self.scores)


def checked_review(
    scores: Mapping[str, object], flags: Iterable[str] = (), comment: str = ""
) -> ReviewDraft:
    """The review as it will be stored, or ``InvalidReview`` naming every problem at once.

    Scores must be whole numbers (``True`` is not 1), one per criterion, none extra; flags are
    kept once each, in the order given."""
    problems: dict[str, str] = {}
    checked: dict[str, int] = {}
    for criterion in SCORECARD:
        value = scores.get(criterion.key)
        if value is None:
            problems[f"scores.{criterion.key}"] = "required: 0, 1 or 2"
        elif isinstance(value, bool) or not isinstance(value, int):
            problems[f"scores.{criterion.key}"] = "must be a whole number: 0, 1 or 2"
        elif not 0 <= value <= MAX_POINTS:
            problems[f"scores.{criterion.key}"] = f"must be 0, 1 or 2, not {value}"
        else:
            checked[criterion.key] = value
    for key in scores:
        if key not in CRITERIA:
            problems[f"scores.{key}"] = "is not on the scorecard: " + ", ".join(CRITERIA)
    kept: list[Flag] = []
    for flag in flags:
        try:
            known = Flag(flag)
        except ValueError:
            problems["flags"] = f"unknown flag {flag!r}: " + ", ".join(Flag)
            continue
        if known not in kept:
            kept.append(known)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        problems["comment"] = f"at most {COMMENT_MAX_CHARS} characters, not {len(comment)}"
    if problems:
        raise InvalidReview(problems)
    return ReviewDraft(scores=checked, flags=tuple(kept), comment=comment)


@dataclass(frozen=True)
class QaReview:
    """A stored review, as read back."""

    id: int
    call_sid: str
    reviewer: str
    """Who reviewed: their name as it was then, readable after the user is gone."""
    at: datetime
    scores: Mapping[str, int]
    flags: tuple[str, ...] = ()
    comment: str = ""
    reviewer_user_id: int | None = None
    agent_name: str | None = None
    """The agent who took the call, when known: whose work was reviewed."""

    @property
    def score(self) -> Score:
        return score(self.scores)


class QaReviews(Protocol):
    def call_exists(self, call_sid: str) -> bool: ...

    def add(
        self, call_sid: str, draft: ReviewDraft, *, reviewer: str, user_id: int | None, at: datetime
    ) -> QaReview: ...

    def for_call(self, call_sid: str) -> list[QaReview]:
        """Newest first."""
        ...

    def between(self, start: datetime, end: datetime) -> list[QaReview]:
        """Reviews made in ``[start, end)``, oldest first, with the agent of each call."""
        ...
