"""Root causes: calls grouped by category or reason, the customers affected, the outreach list."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from ivr.core.reports.root_causes import Grouping, outreach_csv, root_causes
from ivr.core.reports.rows import CaseRow, CustomerRow
from tests.unit.reports.rows import NEW_YORK, NOON, answered, call

ANA = CustomerRow(
    id=1,
    name="Ana García",
    language="es",
    numbers=("+14155550123",),
    open_case_id=9,
    open_case_reason="factura duplicada",
)
OPEN_CASE = {9: CaseRow(id=9, customer_id=1, status="open", opened_at=NOON)}


def test_calls_are_grouped_by_the_agents_category_with_distinct_customers() -> None:
    calls = [
        answered(5, customer_id=1, from_number="+14155550123", category="Billing", case_id=9),
        answered(
            5,
            customer_id=1,
            from_number="+14155550123",
            category="billing",
            case_id=9,
            started_at=NOON + timedelta(hours=1),
        ),
        answered(5, from_number="+14155550199", category="billing", disposition="resolved"),
        answered(5, from_number=None, category="billing"),  # withheld: a call, not a customer
        answered(5, from_number="+14155550177", category="outage"),
        answered(5, from_number="+14155550166"),  # not filed: in no category
        call(direction="outbound-dial", category="billing"),  # an agent's leg: not a call
    ]
    groups = root_causes(
        calls, Grouping.CATEGORY, cases=OPEN_CASE, customers={1: ANA}, repeats={calls[1].call_sid}
    )
    assert [(g.key, g.calls, g.customers) for g in groups] == [("billing", 4, 2), ("outage", 1, 1)]
    billing = groups[0]
    assert billing.repeat_calls == 1
    assert billing.unresolved == 3  # Ana's two (case open) and the withheld caller's
    assert [(a.name, a.number, a.calls) for a in billing.affected] == [
        ("Ana García", "+14155550123", 2),
        (None, "+14155550199", 1),
    ]
    assert billing.affected[0].open_case_reason == "factura duplicada"


def test_calls_are_grouped_by_the_words_of_their_reasons() -> None:
    calls = [
        call(reason="my bill is wrong", from_number="+14155550101"),
        call(reason="Bill too high!", from_number="+14155550102"),
        call(reason="no power since morning", from_number="+14155550103"),
        call(reason=None, from_number="+14155550104"),
    ]
    groups = root_causes(calls, Grouping.REASON, cases={}, customers={}, repeats=set())
    assert [(g.key, g.customers) for g in groups][:1] == [("bill", 2)]
    assert sum(g.calls for g in groups) == 3


def test_the_outreach_csv_has_a_header_and_a_customer_a_line() -> None:
    calls = [answered(5, customer_id=1, from_number="+14155550123", category="billing")]
    (group,) = root_causes(calls, Grouping.CATEGORY, cases={}, customers={1: ANA}, repeats=set())
    rows = list(csv.DictReader(io.StringIO(outreach_csv(group.affected, zone=NEW_YORK))))
    assert rows == [
        {
            "customer_id": "1",
            "name": "Ana García",
            "number": "+14155550123",
            "language": "es",
            "calls": "1",
            "last_call_at": "2026-12-01T12:00:00-05:00",
            "last_reason": "",
            "open_case_id": "9",
            "open_case_reason": "factura duplicada",
        }
    ]


def test_a_reason_that_looks_like_a_formula_is_written_as_text() -> None:
    calls = [call(reason='=HYPERLINK("http://evil")', category="x")]
    (group,) = root_causes(calls, Grouping.CATEGORY, cases={}, customers={}, repeats=set())
    (row,) = list(csv.DictReader(io.StringIO(outreach_csv(group.affected))))
    assert row["last_reason"].startswith("'=")
    assert row["number"] == "+14155550100"  # a plain number stays as it is
