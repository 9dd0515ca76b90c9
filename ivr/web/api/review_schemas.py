"""The QA reviews' bodies (``/api/v1/calls/<sid>/reviews``), made from the scorecard itself.

``ReviewScores`` has a field per criterion of ``ivr.core.qa.SCORECARD``, each 0-2 and required,
so the OpenAPI document lists the criteria and their questions, and a criterion added to the
core is added here and in the document with nothing else to change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ivr.core.qa import COMMENT_MAX_CHARS, MAX_POINTS, SCORECARD, Flag

_Points = Annotated[int, Field(ge=0, le=MAX_POINTS)]

_score_fields: dict[str, Any] = {
    criterion.key: (
        _Points,
        Field(title=criterion.label, description=f"{criterion.label}: {criterion.question}"),
    )
    for criterion in SCORECARD
}

ReviewScores = create_model(  # type: ignore[call-overload]
    "ReviewScores",
    __config__=ConfigDict(extra="forbid", strict=True),
    __doc__="Each criterion scores 0 (no), 1 (partly) or 2 (yes); all are required.",
    **_score_fields,
)

FlagName = Literal[tuple(str(flag) for flag in Flag)]  # type: ignore[valid-type]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    scores: ReviewScores  # type: ignore[valid-type]
    flags: list[FlagName] = Field(  # type: ignore[valid-type]
        default=[],
        max_length=len(Flag),
        description="`compliance-risk` (someone must look at it), `coaching` (go through it "
        "with the agent), `great-call` (an example to share), `escalate` (the customer needs "
        "someone more senior). Duplicates are dropped.",
    )
    comment: str = Field(default="", max_length=COMMENT_MAX_CHARS, description="Why, in words.")


class Review(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    call_sid: str
    reviewer: str = Field(description="Who reviewed: their e-mail, or the token's name.")
    at: datetime
    scores: dict[str, int] = Field(description="Criterion → points, as in `ReviewScores`.")
    flags: list[str]
    comment: str
    points: int = Field(description="The sum of the scores.")
    max_points: int = Field(description="2 per criterion.")
    percent: int = Field(description="points / max_points, as a whole percentage.")


class ReviewList(BaseModel):
    reviews: list[Review] = Field(description="Newest first.")
