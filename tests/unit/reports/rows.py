"""Hand-made rows for the report's specifications: a call is its defaults plus what matters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from ivr.core.reports.period import Period
from ivr.core.reports.rows import CallRow

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2026, 12, 1)
NOON = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
"""Noon in New York on the first of December."""
WEEK = Period(DAY, DAY + timedelta(days=6), NEW_YORK)
ONE_DAY = Period(DAY, DAY, NEW_YORK)

_sids = count(1)


def call(**fields) -> CallRow:
    """An inbound call at noon from a number nobody has on file, ended in the menu."""
    values = {
        "call_sid": f"CA{next(_sids):032d}",
        "direction": "inbound",
        "started_at": NOON,
        "from_number": "+14155550100",
        "status": "completed",
    }
    values.update(fields)
    return CallRow(**values)


def answered(wait: int, **fields) -> CallRow:
    """A caller an agent took after ``wait`` seconds in line."""
    return call(
        queued_at=NOON, agent_id=1, wait_seconds=wait, outcome="answered-by-agent", **fields
    )


def abandoned(wait: int, **fields) -> CallRow:
    """A caller who hung up after ``wait`` seconds in line."""
    return call(queued_at=NOON, wait_seconds=wait, outcome="abandoned", **fields)
