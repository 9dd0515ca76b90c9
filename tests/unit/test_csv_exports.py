"""CSV exports: what a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.core.exports import (
    ExportPeriod,
    TranscriptExportRow,
    export_period,
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


def test_an_export_period_is_whole_days_in_the_business_zone() -> None:
    period = export_period("2026-11-01", "2026-11-30", today=date(2026, 12, 5), zone=NEW_YORK)
    assert period.start == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # midnight EDT
    assert period.end == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # midnight EST, exclusive


def test_without_dates_the_period_is_the_last_thirty_days() -> None:
    period = export_period(None, None, today=date(2026, 12, 5), zone=UTC)
    assert period == ExportPeriod(date(2026, 11, 6), date(2026, 12, 5), UTC)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("yesterday", None, "from='yesterday' is not a date (YYYY-MM-DD)"),
        (None, "2026-13-01", "to='2026-13-01' is not a date (YYYY-MM-DD)"),
        ("2026-12-02", "2026-12-01", "from=2026-12-02 is after to=2026-12-01"),
        ("2024-01-01", "2026-01-01", "at most 366 days at once"),
    ],
)
def test_a_bad_period_says_what_is_wrong(first, last, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        export_period(first, last, today=date(2026, 12, 5), zone=UTC)
