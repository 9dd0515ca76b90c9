"""The queues as the API shows them, and agents' status driving the live line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent
from ivr.core.queueing import AgentState, EntryKind, LineEntry
from ivr.seed import seed_demo
from tests.api import Api
from tests.helpers import FixedClock

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def api(app) -> Api:
    services = app.extensions["ivr"]
    services.line_clock = FixedClock(NOW)
    seed_demo(services.database)
    services.dispatcher.sync_agents()
    return Api(app)


def agent_ids(app) -> list[int]:
    with app.extensions["ivr"].database.unit_of_work() as session:
        return list(session.scalars(select(Agent.id).order_by(Agent.id)))


def hold(app, sid: str, minutes_ago: int) -> None:
    app.extensions["ivr"].line.join(
        LineEntry(
            id=sid,
            queue="support",
            kind=EntryKind.CALLER,
            arrived_at=NOW.timestamp() - 60 * minutes_ago,
            leg=sid,
        ),
        now=NOW.timestamp(),
    )


def test_every_queue_a_flow_uses_is_listed_even_when_empty(api):
    names = [q["name"] for q in api.get("/queues", role="agent").get_json()["queues"]]
    assert names == ["support"]


def test_a_queue_shows_who_waits_how_long_and_an_estimate(app, api):
    for agent_id in agent_ids(app):
        api.put(f"/agents/{agent_id}/status", json={"status": "offline"})
    assert api.get("/queues/support").get_json()["estimated_wait_s"] is None, (
        "nobody staffed: no honest estimate"
    )
    api.put(f"/agents/{agent_ids(app)[0]}/status", json={"status": "wrap-up"})
    hold(app, "CA1", 4)
    hold(app, "CA2", 1)
    queue = api.get("/queues/support", role="agent").get_json()
    assert queue["waiting"] == 2 and queue["longest_wait_s"] == 240
    assert (queue["agents_staffed"], queue["agents_available"]) == (1, 0)
    assert queue["estimated_wait_s"] > 0
    assert queue["callbacks_pending"] == 0


def test_an_unknown_queue_is_404(api):
    assert api.get("/queues/nowhere").status_code == 404


def test_setting_an_agents_status_is_kept_and_applied_to_the_line(app, api):
    agent_id = agent_ids(app)[0]
    body = api.put(f"/agents/{agent_id}/status", json={"status": "offline"}, role="agent")
    assert body.status_code == 200 and body.get_json()["status"] == "offline"
    assert app.extensions["ivr"].line.agent_states()[agent_id][0] is AgentState.OFFLINE
    api.put(f"/agents/{agent_id}/status", json={"status": "available"})
    assert app.extensions["ivr"].line.agent_states()[agent_id][0] is AgentState.AVAILABLE


def test_an_unknown_status_or_agent_is_refused(app, api):
    assert api.put("/agents/999/status", json={"status": "offline"}).status_code == 404
    bad = api.put(f"/agents/{agent_ids(app)[0]}/status", json={"status": "asleep"})
    assert bad.status_code == 422


def test_a_new_agent_joins_the_live_line_at_once(app, api):
    created = api.post(
        "/agents", json={"name": "Sam", "client": "sam", "skills": ["tech"]}
    ).get_json()
    assert created["id"] in app.extensions["ivr"].line.agent_states()
