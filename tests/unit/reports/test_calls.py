"""What counts as a call, what became of it, and the queue's figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ivr.core.reports.calls import (
    Fate,
    abandon_buckets,
    bucket_labels,
    caller_key,
    fate,
    is_customer_call,
    percentile,
    queue_figures,
    service_level,
)
from tests.unit.reports.rows import NOON, abandoned, answered, call


def test_an_agents_leg_is_not_a_call() -> None:
    leg = call(direction="outbound-dial", agent_id=3, from_number="+12025550100")
    assert not is_customer_call(leg)
    figures = queue_figures([answered(5), leg], service_level_seconds=20)
    assert figures.calls == 1


def test_a_callbacks_leg_is_not_a_new_call_but_a_click_to_call_request_is() -> None:
    keeping_a_promise = call(direction="outbound-api", callback_id=7, to_number="+14155550111")
    visitor = call(direction="outbound-api", to_number="+14155550111")
    assert not is_customer_call(keeping_a_promise)
    assert is_customer_call(visitor)


def test_a_click_to_call_visitor_is_known_by_the_number_we_dialled() -> None:
    visitor = call(direction="outbound-api", from_number="+12025550100", to_number="+14155550111")
    assert caller_key(visitor) == "number:+14155550111"
    assert caller_key(call(customer_id=4)) == "customer:4"
    assert caller_key(call(from_number=None)) is None


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (call(), Fate.NOT_OFFERED),
        (answered(30), Fate.ANSWERED),
        (abandoned(30), Fate.ABANDONED),
        (call(queued_at=NOON, outcome="callback-promised"), Fate.CALLBACK),
        (call(queued_at=NOON, outcome="voicemail"), Fate.VOICEMAIL),
        (call(queued_at=NOON, outcome="left-queue", status="in-progress"), Fate.ABANDONED),
        (call(queued_at=NOON, outcome="queued", status="completed"), Fate.ABANDONED),
        (call(queued_at=NOON, outcome="queued", status="in-progress"), Fate.WAITING),
    ],
    ids=[
        "menu only",
        "agent took it",
        "hung up in line",
        "callback",
        "message",
        "back to the menu",
        "ended while queued",
        "still holding",
    ],
)
def test_each_call_has_one_fate(row, expected: Fate) -> None:
    assert fate(row) is expected


def test_an_abandon_without_a_recorded_wait_waited_from_joining_to_the_end() -> None:
    gone = call(queued_at=NOON, outcome="queued", ended_at=NOON + timedelta(seconds=75))
    figures = queue_figures([gone], service_level_seconds=20)
    assert dict(figures.abandoned_after)["1-2 min"] == 1


def test_service_level_counts_answers_within_t_over_answers_and_abandons_after_t() -> None:
    calls = [answered(5), answered(20), answered(21), abandoned(40), abandoned(5)]
    # within: 5 s and 20 s (<= T); late: the 21 s answer and the 40 s abandon.
    assert service_level(calls, threshold_seconds=20) == 2 / 4


def test_an_abandon_within_t_is_not_in_the_service_levels_denominator() -> None:
    assert service_level([answered(10), abandoned(5)], threshold_seconds=20) == 1.0


def test_callbacks_and_messages_are_not_in_the_service_level() -> None:
    chose = [
        call(queued_at=NOON, outcome="callback-promised", wait_seconds=300),
        call(queued_at=NOON, outcome="voicemail", wait_seconds=300),
    ]
    assert service_level([answered(60), *chose], threshold_seconds=20) == 0.0
    assert service_level(chose, threshold_seconds=20) is None


def test_the_p90_is_the_nearest_rank() -> None:
    waits = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]
    assert percentile(waits, 90) == 9
    assert percentile(waits, 50) == 5
    assert percentile([42], 90) == 42
    assert percentile([], 90) is None


def test_waits_are_the_answered_callers_not_those_who_gave_up() -> None:
    figures = queue_figures([answered(10), answered(30), abandoned(600)], service_level_seconds=20)
    assert (figures.wait_p50_seconds, figures.wait_p90_seconds) == (10, 30)


def test_abandons_are_bucketed_by_how_long_they_waited() -> None:
    assert bucket_labels() == ("<10 s", "10-30 s", "30-60 s", "1-2 min", "2-5 min", "5+ min")
    assert abandon_buckets([0, 9, 10, 59, 60, 299, 300, 4000]) == (
        ("<10 s", 2),
        ("10-30 s", 1),
        ("30-60 s", 1),
        ("1-2 min", 1),
        ("2-5 min", 1),
        ("5+ min", 2),
    )


def test_queue_figures_add_up() -> None:
    calls = [
        call(),
        answered(12),
        answered(45),
        abandoned(3),
        abandoned(200),
        call(queued_at=NOON, outcome="callback-promised"),
        call(direction="outbound-dial", agent_id=1),
    ]
    figures = queue_figures(calls, service_level_seconds=20)
    assert (figures.calls, figures.offered, figures.answered, figures.abandoned) == (6, 5, 2, 2)
    assert figures.callbacks == 1
    assert figures.abandon_rate == 0.5
    # 12 s answer within; 45 s answer and 200 s abandon late; the 3 s abandon left out.
    assert figures.service_level == pytest.approx(1 / 3)
