"""The console's rules without a database: categories, notes, transfers, the waits shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr.core.console import CallPhase, phase_of, waited_seconds
from ivr.core.notes import NoteRefused, check_category, check_note, parse_categories
from ivr.core.queueing import AgentState
from ivr.core.transfers import TransferRefused, TransferTarget, transferred_unresolved
from ivr.core.transfers import check_note as check_transfer_note

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_categories_are_short_lower_case_labels_in_the_order_given() -> None:
    assert parse_categories("Billing, outage,billing , other") == ("billing", "outage", "other")


@pytest.mark.parametrize("text", ["", " , ", "billing,two words", "x" * 40])
def test_a_category_list_that_is_not_labels_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_categories(text)


def test_a_category_outside_the_list_names_the_allowed_ones() -> None:
    assert check_category("billing", ("billing", "other")) == "billing"
    with pytest.raises(NoteRefused, match="billing, other"):
        check_category("weather", ("billing", "other"))


def test_a_note_is_trimmed_and_must_say_something() -> None:
    assert check_note("  Refund promised.\n") == "Refund promised."
    with pytest.raises(NoteRefused):
        check_note("   ")
    with pytest.raises(NoteRefused):
        check_note("x" * 4001)


def test_a_transfer_names_exactly_one_target() -> None:
    assert TransferTarget(agent_id=2).agent_id == 2
    assert TransferTarget(queue="support").queue == "support"
    for both_or_none in ({"agent_id": 2, "queue": "support"}, {}):
        with pytest.raises(TransferRefused) as refused:
            TransferTarget(**both_or_none)
        assert refused.value.status == 422


def test_a_transfer_note_may_be_empty_but_not_long() -> None:
    assert check_transfer_note("  ") == ""
    with pytest.raises(TransferRefused):
        check_transfer_note("x" * 1001)


@pytest.mark.parametrize(
    ("transferred", "ended", "disposition", "flagged"),
    [
        (True, True, None, True),
        (True, True, "follow-up", True),
        (True, True, "transferred", True),
        (True, True, "resolved", False),
        (True, False, None, False),  # still talking: not yet
        (False, True, None, False),
    ],
)
def test_a_transfer_is_flagged_when_the_call_ended_without_a_resolution(
    transferred: bool, ended: bool, disposition: str | None, flagged: bool
) -> None:
    assert (
        transferred_unresolved(transferred=transferred, ended=ended, disposition=disposition)
        is flagged
    )


def test_only_a_reserved_or_busy_agent_has_a_call_in_front_of_them() -> None:
    assert phase_of(AgentState.RESERVED) is CallPhase.RINGING
    assert phase_of(AgentState.ON_CALL) is CallPhase.ON_CALL
    assert phase_of(AgentState.WRAP_UP) is None
    assert phase_of(AgentState.AVAILABLE) is None


def test_the_wait_shown_is_so_far_while_ringing_and_as_recorded_once_taken() -> None:
    queued = NOW - timedelta(seconds=95)
    ringing = waited_seconds(queued_at=queued, answered_at=None, recorded=None, now=NOW)
    taken = waited_seconds(queued_at=queued, answered_at=NOW, recorded=80, now=NOW)
    transferred = waited_seconds(
        queued_at=queued, answered_at=None, recorded=80, now=NOW, transferred=True
    )
    assert (ringing, taken, transferred) == (95, 80, 80)
