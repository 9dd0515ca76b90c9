"""A manager reads the callbacks promised, newest first, filtered by status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr.adapters.sql.models import Callback
from tests.api import Api

T0 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def api(app) -> Api:
    return Api(app)


@pytest.fixture
def callbacks(app) -> None:
    """Four promises a minute apart: pending, completed (kept), missed, pending."""
    rows = [
        ("pending", "+14155550101", {}),
        ("completed", "+14155550102", {"kept": True, "attempts": 1}),
        ("missed", "+14155550103", {"kept": False, "attempts": 3, "last_result": "no-answer"}),
        ("pending", "+14155550104", {"source": "click-to-call", "reason": "router broken"}),
    ]
    with app.extensions["ivr"].database.unit_of_work() as session:
        for minute, (status, number, extra) in enumerate(rows):
            at = T0 + timedelta(minutes=minute)
            session.add(
                Callback(
                    number=number,
                    queue="support",
                    status=status,
                    place_at=at - timedelta(minutes=3),
                    promised_at=at,
                    promised_within_seconds=600,
                    due_by=at + timedelta(minutes=10),
                    **extra,
                )
            )


def numbers(response) -> list[str]:
    return [callback["number"] for callback in response.get_json()["callbacks"]]


def test_callbacks_are_listed_newest_promise_first(api: Api, callbacks) -> None:
    response = api.get("/callbacks", role="manager")
    assert response.status_code == 200
    assert numbers(response) == ["+14155550104", "+14155550103", "+14155550102", "+14155550101"]
    newest = response.get_json()["callbacks"][0]
    assert {k: newest[k] for k in ("status", "source", "reason", "promised_at", "due_by")} == {
        "status": "pending",
        "source": "click-to-call",
        "reason": "router broken",
        "promised_at": "2026-12-01T14:03:00Z",
        "due_by": "2026-12-01T14:13:00Z",
    }


def test_the_status_filter_keeps_only_that_status(api: Api, callbacks) -> None:
    assert numbers(api.get("/callbacks?status=pending", role="manager")) == [
        "+14155550104",
        "+14155550101",
    ]
    missed = api.get("/callbacks?status=missed", role="manager").get_json()["callbacks"]
    assert [(c["attempts"], c["last_result"], c["kept"]) for c in missed] == [
        (3, "no-answer", False)
    ]


def test_limit_keeps_the_newest(api: Api, callbacks) -> None:
    assert numbers(api.get("/callbacks?limit=2", role="manager")) == [
        "+14155550104",
        "+14155550103",
    ]


def test_no_callbacks_is_an_empty_list(api: Api) -> None:
    assert api.get("/callbacks?status=calling", role="manager").get_json() == {"callbacks": []}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=done", "status"),
        ("status=", "status"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
    ],
)
def test_an_unknown_status_or_a_limit_out_of_range_is_a_422(
    api: Api, query: str, field: str
) -> None:
    response = api.get(f"/callbacks?{query}", role="manager")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
