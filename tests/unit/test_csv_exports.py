"""CSV exports: what a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.core.exports import (
    TranscriptExportRow,
    reviews_csv,
    safe_cell,
    transcripts_csv,
)
from ivr.core.qa import QaReview

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("said", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("customer: =1+1", "customer: =1+1"),
        ("plain words", "plain words"),
        ("", ""),
    ],
)
def test_a_cell_that_starts_like_a_formula_gets_a_leading_quote(said: str, written: str) -> None:
    assert safe_cell(said) == written


def test_a_plain_e164_number_stays_dialable_but_one_with_more_does_not() -> None:
    assert safe_cell("+14155550123") == "+14155550123"
    assert safe_cell("+14155550123+cmd|' /C calc'!A0") == "'+14155550123+cmd|' /C calc'!A0"


def test_none_is_empty_and_times_are_in_the_zone_given_without_microseconds() -> None:
    assert safe_cell(None) == ""
    moment = datetime(2026, 11, 30, 14, 0, 0, 123456, tzinfo=UTC)
    assert safe_cell(moment, zone=NEW_YORK) == "2026-11-30T09:00:00-05:00"


def test_the_transcripts_csv_has_a_header_and_keeps_each_turn_on_its_own_line() -> None:
    row = TranscriptExportRow(
        call_sid="CA1",
        started_at=datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
        customer="=cmd|' /C calc'!A0",
        number="+14155550123",
        source="transcript",
        text='customer: my bill, "again"\nagent: let me look',
    )
    text = transcripts_csv([row], zone=NEW_YORK)
    assert text.endswith("\r\n")
    header, values = list(csv.reader(io.StringIO(text)))
    assert header == ["call_sid", "started_at", "customer", "number", "source", "text"]
    assert values == [
        "CA1",
        "2026-11-30T09:00:00-05:00",
        "'=cmd|' /C calc'!A0",
        "+14155550123",
        "transcript",
        'customer: my bill, "again"\nagent: let me look',
    ]


def test_the_reviews_csv_has_each_criterion_the_total_and_the_flags() -> None:
    review = QaReview(
        id=7,
        call_sid="CA1",
        reviewer="ann@example.com",
        at=datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
        scores={"greeting": 2, "understanding": 1, "resolution": 2, "courtesy": 2, "compliance": 0},
        flags=("coaching", "compliance-risk"),
        comment="-forgot the notice",
        agent_name="Alex",
    )
    header, values = list(csv.reader(io.StringIO(reviews_csv([review], zone=UTC))))
    assert dict(zip(header, values, strict=True)) == {
        "review_id": "7",
        "call_sid": "CA1",
        "reviewed_at": "2026-11-30T14:00:00+00:00",
        "reviewer": "ann@example.com",
        "agent": "Alex",
        "greeting": "2",
        "understanding": "1",
        "resolution": "2",
        "courtesy": "2",
        "compliance": "0",
        "points": "7",
        "max_points": "10",
        "percent": "70",
        "flags": "coaching compliance-risk",
        "comment": "'-forgot the notice",
    }
