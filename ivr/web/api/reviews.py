"""``/api/v1/calls/<sid>/reviews``: QA reviews of a call, for managers (the call page's form
and this route both go through ``CallReviews``)."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.core.access import Role
from ivr.core.qa import InvalidReview, QaReview
from ivr.services.qa import UnknownCall
from ivr.web.api import bp
from ivr.web.api.auth import current_principal, requires_role
from ivr.web.api.errors import ApiError, not_found
from ivr.web.api.inputs import dump, json_body
from ivr.web.api.review_schemas import Review, ReviewCreate, ReviewList


def _review(review: QaReview) -> dict[str, object]:
    total = review.score
    return {
        "id": review.id,
        "call_sid": review.call_sid,
        "reviewer": review.reviewer,
        "at": review.at,
        "scores": dict(review.scores),
        "flags": list(review.flags),
        "comment": review.comment,
        "points": total.points,
        "max_points": total.max_points,
        "percent": total.percent,
    }


@bp.post("/calls/<call_sid>/reviews")
@requires_role(Role.MANAGER)
def create_review(call_sid: str) -> tuple[Response, int]:
    body = json_body(ReviewCreate)
    try:
        review = current_app.extensions["ivr"].call_reviews.submit(
            call_sid[:64],
            scores=body.scores.model_dump(),
            flags=body.flags,
            comment=body.comment,
            by=current_principal(),
        )
    except UnknownCall:
        raise not_found(f"call {call_sid[:64]!r}") from None
    except InvalidReview as invalid:
        raise ApiError(422, "the body is not valid", fields=invalid.problems) from None
    return jsonify(dump(_review(review), Review)), 201


@bp.get("/calls/<call_sid>/reviews")
@requires_role(Role.MANAGER)
def list_reviews(call_sid: str) -> Response:
    try:
        reviews = current_app.extensions["ivr"].call_reviews.for_call(call_sid[:64])
    except UnknownCall:
        raise not_found(f"call {call_sid[:64]!r}") from None
    return jsonify(dump({"reviews": [_review(r) for r in reviews]}, ReviewList))
