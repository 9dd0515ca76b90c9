"""Reviewing calls: the one way a QA review is made, whether from the call page or the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from ivr.core.access import Principal
from ivr.core.ports import Clock
from ivr.core.qa import QaReview, QaReviews, checked_review


class UnknownCall(LookupError):
    """No call has this CallSid: a review of nothing would be found by nobody."""


class CallReviews:
    def __init__(self, reviews: QaReviews, clock: Clock) -> None:
        self._reviews = reviews
        self._clock = clock

    def submit(
        self,
        call_sid: str,
        *,
        scores: Mapping[str, object],
        flags: Iterable[str] = (),
        comment: str = "",
        by: Principal,
    ) -> QaReview:
        """Stored with the reviewer and the time; raises ``InvalidReview`` or ``UnknownCall``."""
        draft = checked_review(scores, flags, comment)
        if not self._reviews.call_exists(call_sid):
            raise UnknownCall(call_sid)
        return self._reviews.add(
            call_sid,
            draft,
            reviewer=by.display_name or by.name,
            user_id=by.user_id,
            at=self._clock.now(),
        )

    def for_call(self, call_sid: str) -> list[QaReview]:
        """Newest first; raises ``UnknownCall`` (an empty list would say "not reviewed")."""
        if not self._reviews.call_exists(call_sid):
            raise UnknownCall(call_sid)
        return self._reviews.for_call(call_sid)

    def between(self, start: datetime, end: datetime) -> list[QaReview]:
        return self._reviews.between(start, end)
