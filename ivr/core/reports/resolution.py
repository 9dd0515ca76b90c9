"""Whether customers' problems got solved: first-contact resolution, repeat calls, transfers.

These are the figures that say whether customers had to call twice or were passed around,
which matter to them more than the wait did.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ivr.core.cases import CaseStatus, Disposition
from ivr.core.reports.calls import caller_key, customer_calls
from ivr.core.reports.period import Period
from ivr.core.reports.rows import CallRow, CaseRow, TransferRow

_FAILED_TRANSFER = "failed"


@dataclass(frozen=True)
class FirstContact:
    cases_opened: int
    resolved_first_contact: int
    rate: float | None
    """resolved_first_contact / cases_opened, 0-1; None when no case was opened."""


def first_contact_resolution(cases: Iterable[CaseRow], period: Period) -> FirstContact:
    """Over the cases **opened** in the period: the share resolved with a single customer call.

    A case is resolved at the first contact when it is resolved now and only one customer's
    call was ever filed under it (a later call about it, even one that then resolved it,
    means the customer had to come back). Cases still open count in the denominator: not
    resolved is not resolved at the first contact. Measured on cases, not calls, because a
    case is the customer's problem; a call that opened none (never reached the line) has no
    problem on file to resolve."""
    opened = [case for case in cases if case.opened_at in period]
    first = sum(
        1 for case in opened if case.status == CaseStatus.RESOLVED and case.customer_calls == 1
    )
    return FirstContact(len(opened), first, first / len(opened) if opened else None)


@dataclass(frozen=True)
class Repeats:
    calls: int
    """The period's calls from a caller we can tell apart (a customer or a number)."""
    repeat_calls: int
    rate: float | None
    call_sids: frozenset[str] = frozenset()
    """Which calls were repeats (root causes count them per group)."""


def repeat_call_sids(
    calls: Sequence[CallRow], earlier: Sequence[CallRow], *, window_days: int
) -> set[str]:
    """The calls whose caller had already called within ``window_days`` before them.

    The window is ``IVR_CASE_DAYS``, the span in which the product itself treats a call as
    possibly "about the same thing" (it asks "Are you calling about ...?"). Any earlier call
    of the same caller counts, whatever it was about and whatever became of it: the figure
    says how often customers had to call again, not why. Withheld numbers are never repeats
    (they cannot be told apart)."""
    window = timedelta(days=window_days)
    by_caller: dict[str, list[datetime]] = defaultdict(list)
    for call in customer_calls([*earlier, *calls]):
        key = caller_key(call)
        if key is not None:
            by_caller[key].append(call.started_at)
    for times in by_caller.values():
        times.sort()
    repeats = set()
    for call in customer_calls(calls):
        key = caller_key(call)
        if key is None:
            continue
        times = by_caller[key]
        if bisect_left(times, call.started_at) > bisect_left(times, call.started_at - window):
            repeats.add(call.call_sid)
    return repeats


def repeat_calls(
    calls: Sequence[CallRow], earlier: Sequence[CallRow], *, window_days: int
) -> Repeats:
    """Repeat calls over the period's calls from callers we can tell apart."""
    known = [call for call in customer_calls(calls) if caller_key(call) is not None]
    repeats = repeat_call_sids(calls, earlier, window_days=window_days)
    rate = len(repeats) / len(known) if known else None
    return Repeats(len(known), len(repeats), rate, frozenset(repeats))


def unresolved(call: CallRow, cases: Mapping[int, CaseRow]) -> bool:
    """A call whose problem is not solved: its case is open now, or, without a case on file,
    its agent did not say ``resolved``."""
    case = cases.get(call.case_id) if call.case_id is not None else None
    if case is not None:
        return case.status != CaseStatus.RESOLVED
    return call.disposition != Disposition.RESOLVED


@dataclass(frozen=True)
class Transfers:
    transfers: int
    """Hand-ons asked for on the period's calls (failed attempts left out: nobody was
    handed on)."""
    answered_calls: int
    per_call: float | None
    """transfers / calls answered by an agent (only those can be transferred)."""
    without_resolution: int
    """Transfers whose case is still open (or, without a case, whose call was not resolved):
    the customer was passed on and nothing was fixed."""


def transfer_figures(
    transfers: Iterable[TransferRow],
    calls: Sequence[CallRow],
    cases: Mapping[int, CaseRow],
    *,
    answered_calls: int,
) -> Transfers:
    by_sid = {call.call_sid: call for call in calls}
    counted = [t for t in transfers if t.status != _FAILED_TRANSFER and t.call_sid in by_sid]
    open_after = 0
    for transfer in counted:
        call = by_sid[transfer.call_sid]
        case_id = transfer.case_id if transfer.case_id is not None else call.case_id
        case = cases.get(case_id) if case_id is not None else None
        if case is not None:
            open_after += case.status != CaseStatus.RESOLVED
        else:
            open_after += call.disposition != Disposition.RESOLVED
    return Transfers(
        transfers=len(counted),
        answered_calls=answered_calls,
        per_call=len(counted) / answered_calls if answered_calls else None,
        without_resolution=open_after,
    )
