"""The wallboard: waiting callers, agents by state, callbacks coming due and overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr.adapters.sql.models import Call, Callback
from ivr.core.wallboard import DUE_SOON_MINUTES
from tests.api import Api
from tests.helpers import FixedClock
from tests.integration.test_api_queues import agent_ids, hold

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def api(app) -> Api:
    from ivr.seed import seed_demo

    services = app.extensions["ivr"]
    services.line_clock = FixedClock(NOW)
    seed_demo(services.database)
    services.dispatcher.sync_agents()
    return Api(app)


def promise(app, number: str, due_in_minutes: int) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        session.add(
            Callback(
                number=number,
                queue="support",
                place_at=NOW - timedelta(minutes=30),
                promised_at=NOW - timedelta(minutes=20),
                due_by=NOW + timedelta(minutes=due_in_minutes),
                status="pending",
            )
        )


def test_the_wallboard_shows_the_line_the_agents_and_the_promises_coming_due(app, api) -> None:
    first, second, casey = agent_ids(app)
    api.put(f"/agents/{first}/status", json={"status": "wrap-up"})
    api.put(f"/agents/{second}/status", json={"status": "offline"})
    hold(app, "CA1", 5)
    hold(app, "CA2", 1)
    promise(app, "+14155550123", due_in_minutes=-3)  # overdue: the promise is being broken
    promise(app, "+14155550124", due_in_minutes=DUE_SOON_MINUTES - 5)
    promise(app, "+14155550125", due_in_minutes=DUE_SOON_MINUTES + 30)  # not yet shown

    board = api.get("/wallboard", role="manager").get_json()

    assert board["waiting"] == 2 and board["longest_wait_s"] == 300
    assert [q["name"] for q in board["queues"]] == ["support"]
    by_id = {agent["id"]: agent["state"] for agent in board["agents"]}
    assert by_id == {first: "wrap-up", second: "offline", casey: "offline"}
    assert board["agents_by_state"]["wrap-up"] == 1 and board["agents_by_state"]["offline"] == 2
    assert [c["number"] for c in board["callbacks_due"]] == ["+14155550123", "+14155550124"]
    assert [c["overdue"] for c in board["callbacks_due"]] == [True, False]
    assert (board["callbacks_overdue"], board["callbacks_due_soon"]) == (1, 1)


def joined(app, sid: str, *, minutes_ago: int, waited: int, answered: bool) -> None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        session.add(
            Call(
                call_sid=sid,
                from_number="+14155550199",
                started_at=NOW - timedelta(minutes=minutes_ago, seconds=30),
                queued_at=NOW - timedelta(minutes=minutes_ago),
                wait_seconds=waited,
                agent_id=agent_ids(app)[0] if answered else None,
                outcome="answered-by-agent" if answered else "abandoned",
                status="completed",
            )
        )


def test_the_service_level_counts_todays_callers_in_the_business_time_zone(app, api) -> None:
    joined(app, "CA-soon", minutes_ago=30, waited=12, answered=True)
    joined(app, "CA-late", minutes_ago=40, waited=45, answered=True)
    joined(app, "CA-gave-up", minutes_ago=50, waited=90, answered=False)
    joined(app, "CA-wrong-number", minutes_ago=55, waited=4, answered=False)  # not counted
    # 15:00 UTC is 10:00 in New York: a caller at 04:00 UTC was yesterday there.
    joined(app, "CA-yesterday", minutes_ago=11 * 60, waited=5, answered=True)

    level = api.get("/wallboard", role="manager").get_json()["service_level"]

    assert level == {
        "threshold_seconds": 20,
        "answered": 2,
        "answered_within": 1,
        "abandoned_after": 1,
        "level": pytest.approx(1 / 3),
    }


def test_agents_may_not_see_the_wallboard(api) -> None:
    assert api.get("/wallboard", role="agent").status_code == 403
