"""First-contact resolution, repeat calls and transfers: whether problems got solved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ivr.core.reports.resolution import (
    first_contact_resolution,
    repeat_calls,
    transfer_figures,
)
from ivr.core.reports.rows import CaseRow, TransferRow
from tests.unit.reports.rows import NOON, ONE_DAY, WEEK, answered, call


def case(case_id: int, *, status: str = "resolved", calls: int = 1, opened=NOON) -> CaseRow:
    return CaseRow(
        id=case_id, customer_id=case_id, status=status, opened_at=opened, customer_calls=calls
    )


def test_fcr_is_the_share_of_cases_opened_that_were_resolved_with_one_call() -> None:
    cases = [
        case(1),  # resolved at the first call
        case(2, calls=2),  # resolved, but the customer had to call back
        case(3, status="open"),  # still open: not resolved at the first contact
        case(4, opened=NOON - timedelta(days=3)),  # opened before the period: not counted
    ]
    result = first_contact_resolution(cases, ONE_DAY)
    assert (result.cases_opened, result.resolved_first_contact) == (3, 1)
    assert result.rate == pytest.approx(1 / 3)


def test_no_case_opened_means_no_fcr_rather_than_zero() -> None:
    assert first_contact_resolution([], WEEK).rate is None


def test_a_call_within_the_case_window_of_the_callers_last_is_a_repeat() -> None:
    earlier = [call(from_number="+14155550101", started_at=NOON - timedelta(days=13))]
    calls = [
        call(from_number="+14155550101"),  # 13 days after their last: a repeat
        call(from_number="+14155550102"),  # first call
        call(from_number="+14155550102", started_at=NOON + timedelta(hours=2)),  # repeat
    ]
    result = repeat_calls(calls, earlier, window_days=14)
    assert (result.calls, result.repeat_calls) == (3, 2)


def test_a_call_after_the_window_is_not_a_repeat() -> None:
    earlier = [call(customer_id=5, started_at=NOON - timedelta(days=15))]
    assert repeat_calls([call(customer_id=5)], earlier, window_days=14).repeat_calls == 0


def test_a_customer_is_the_same_caller_from_any_of_their_numbers() -> None:
    earlier = [call(customer_id=5, from_number="+14155550101", started_at=NOON - timedelta(days=1))]
    later = call(customer_id=5, from_number="+14155550199")
    assert repeat_calls([later], earlier, window_days=14).call_sids == {later.call_sid}


def test_withheld_callers_are_never_repeats_and_not_in_the_denominator() -> None:
    calls = [call(from_number=None), call(from_number=None, started_at=NOON + timedelta(hours=1))]
    result = repeat_calls(calls, [], window_days=14)
    assert (result.calls, result.repeat_calls, result.rate) == (0, 0, None)


def test_an_agents_leg_does_not_make_the_next_call_a_repeat() -> None:
    leg = call(
        direction="outbound-dial", from_number="+14155550101", started_at=NOON - timedelta(hours=1)
    )
    assert repeat_calls([call(from_number="+14155550101")], [leg], window_days=14).repeat_calls == 0


def test_a_transfer_whose_case_is_still_open_is_a_transfer_without_resolution() -> None:
    passed_on, fixed, no_case, no_case_fixed = (
        answered(10, case_id=1),
        answered(10, case_id=2),
        answered(10),
        answered(10, disposition="resolved"),
    )
    cases = {1: case(1, status="open"), 2: case(2)}
    transfers = [
        TransferRow(1, passed_on.call_sid, "connected", NOON),
        TransferRow(2, fixed.call_sid, "connected", NOON),
        TransferRow(3, no_case.call_sid, "requested", NOON),
        TransferRow(4, no_case_fixed.call_sid, "connected", NOON),
        TransferRow(5, fixed.call_sid, "failed", NOON),  # nobody was handed on
    ]
    calls = [passed_on, fixed, no_case, no_case_fixed]
    result = transfer_figures(transfers, calls, cases, answered_calls=4)
    assert (result.transfers, result.without_resolution) == (4, 2)
    assert result.per_call == 1.0


def test_transfers_of_calls_outside_the_period_are_not_counted() -> None:
    result = transfer_figures(
        [TransferRow(1, "CA-elsewhere", "connected", NOON)], [answered(5)], {}, answered_calls=1
    )
    assert result.transfers == 0
