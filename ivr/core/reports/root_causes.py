"""Root causes: the period's calls grouped by what they were about, with the customers
affected, so the business can fix the cause and contact everyone who had the problem.

Two groupings: by ``category`` (what the agent filed the call under: billing, outage, ...)
and by reason group (the customer's own words, ``reasons.reason_group``). Calls without a
category, or without a meaningful word in their reason, are in no group of that grouping.

Per group: its calls; the distinct customers affected (a customer on file, or a number not
on file; withheld callers are counted as calls but cannot be listed or contacted); its repeat
calls (``resolution.repeat_call_sids``); its unresolved calls (``resolution.unresolved``);
and the customers, most recent call first, for the outreach list.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from ivr.core.exports import safe_cell
from ivr.core.reports.calls import caller_key, customer_calls, customer_number
from ivr.core.reports.reasons import reason_group, word_counts
from ivr.core.reports.resolution import unresolved
from ivr.core.reports.rows import CallRow, CaseRow, CustomerRow


class Grouping(StrEnum):
    CATEGORY = "category"
    REASON = "reason"


@dataclass(frozen=True)
class AffectedCustomer:
    customer_id: int | None
    """None for a number nobody has on file yet."""
    name: str | None
    number: str | None
    language: str | None
    calls: int
    """Their calls in this group, in the period."""
    last_call_at: datetime
    last_reason: str | None
    open_case_id: int | None
    open_case_reason: str | None


@dataclass(frozen=True)
class RootCause:
    grouping: Grouping
    key: str
    calls: int
    customers: int
    repeat_calls: int
    unresolved: int
    affected: tuple[AffectedCustomer, ...]
    """Most recent call first."""


def group_keys(calls: Sequence[CallRow], grouping: Grouping) -> dict[str, str]:
    """Each customer's call's group (call_sid → key); calls in no group are left out."""
    mine = customer_calls(calls)
    if grouping is Grouping.CATEGORY:
        return {
            c.call_sid: c.category.strip().lower()
            for c in mine
            if c.category and c.category.strip()
        }
    counts = word_counts(c.reason for c in mine)
    keys = {c.call_sid: reason_group(c.reason, counts) for c in mine}
    return {sid: key for sid, key in keys.items() if key is not None}


def root_causes(
    calls: Sequence[CallRow],
    grouping: Grouping,
    *,
    cases: Mapping[int, CaseRow],
    customers: Mapping[int, CustomerRow],
    repeats: frozenset[str] | set[str],
    limit: int | None = None,
) -> tuple[RootCause, ...]:
    """The groups, most distinct customers first (then most calls, then by key)."""
    keys = group_keys(calls, grouping)
    members: dict[str, list[CallRow]] = defaultdict(list)
    for call in customer_calls(calls):
        key = keys.get(call.call_sid)
        if key is not None:
            members[key].append(call)
    groups = [
        RootCause(
            grouping=grouping,
            key=key,
            calls=len(group),
            customers=len({k for c in group if (k := caller_key(c)) is not None}),
            repeat_calls=sum(1 for c in group if c.call_sid in repeats),
            unresolved=sum(1 for c in group if unresolved(c, cases)),
            affected=affected_customers(group, customers),
        )
        for key, group in members.items()
    ]
    groups.sort(key=lambda g: (-g.customers, -g.calls, g.key))
    return tuple(groups[:limit] if limit is not None else groups)


def affected_customers(
    calls: Iterable[CallRow], customers: Mapping[int, CustomerRow]
) -> tuple[AffectedCustomer, ...]:
    """One line per customer (or number not on file) among these calls, latest call first."""
    by_caller: dict[str, list[CallRow]] = defaultdict(list)
    for call in calls:
        key = caller_key(call)
        if key is not None:
            by_caller[key].append(call)
    found = []
    for group in by_caller.values():
        last = max(group, key=lambda c: (c.started_at, c.call_sid))
        customer = customers.get(last.customer_id) if last.customer_id is not None else None
        number = customer_number(last) or (
            customer.numbers[0] if customer and customer.numbers else None
        )
        found.append(
            AffectedCustomer(
                customer_id=last.customer_id,
                name=customer.name if customer else None,
                number=number,
                language=(customer.language if customer else None) or last.language,
                calls=len(group),
                last_call_at=last.started_at,
                last_reason=last.reason,
                open_case_id=customer.open_case_id if customer else None,
                open_case_reason=customer.open_case_reason if customer else None,
            )
        )
    found.sort(key=lambda a: (a.last_call_at, a.number or ""), reverse=True)
    return tuple(found)


OUTREACH_COLUMNS = (
    "customer_id",
    "name",
    "number",
    "language",
    "calls",
    "last_call_at",
    "last_reason",
    "open_case_id",
    "open_case_reason",
)

_cell = safe_cell
"""One guard against formulas in every export (``ivr.core.exports``)."""


def outreach_csv(affected: Iterable[AffectedCustomer], *, zone: tzinfo | None = None) -> str:
    """The outreach list as CSV (RFC 4180: a header row, CRLF line ends), one customer a line.

    ``last_call_at`` is written in ``zone`` (the business's) with its offset when given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OUTREACH_COLUMNS)
    for a in affected:
        when = a.last_call_at.astimezone(zone) if zone is not None else a.last_call_at
        writer.writerow(
            _cell(value)
            for value in (
                a.customer_id,
                a.name,
                a.number,
                a.language,
                a.calls,
                when.replace(microsecond=0),
                a.last_reason,
                a.open_case_id,
                a.open_case_reason,
            )
        )
    return out.getvalue()
