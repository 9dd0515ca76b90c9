"""What the records say when a caller leaves the queue, however they leave it."""

import pytest
from sqlalchemy import select

from ivr import create_app
from ivr.adapters.sql.models import Call
from tests.helpers import Carrier, call_params, with_settings
from tests.unit.flows.conftest import MINIMAL_FLOW

SID = "CA" + "4" * 32
DONE = "/voice/queue-done?flow=flow&step=desk&lang=en&attempt=0&queue=support"


@pytest.fixture
def small_app(settings, tmp_path, clock):
    """A small flow: a menu whose 0 goes to a queue that hands callers back to voicemail."""
    (tmp_path / "flow.yaml").write_text(MINIMAL_FLOW)
    app = create_app(with_settings(settings, callflows_dir=tmp_path, default_flow="flow"))
    app.extensions["ivr"].clock = clock
    yield app
    app.extensions["ivr"].close()


def outcome(app) -> str | None:
    with app.extensions["ivr"].database.unit_of_work() as session:
        return session.scalar(select(Call.outcome).where(Call.call_sid == SID))


def test_a_caller_who_leaves_the_queue_goes_to_voicemail(small_app, settings) -> None:
    carrier = Carrier(small_app.test_client(), settings)
    carrier.post("/voice/incoming", call_params(SID))
    carrier.post("/voice/step?flow=flow&step=menu&lang=en&attempt=0", call_params(SID, Digits="0"))
    assert outcome(small_app) == "queued"
    response = carrier.post(DONE, call_params(SID, QueueResult="leave", QueueTime="30"))
    assert "<Record" in response.get_data(as_text=True)
    assert outcome(small_app) == "voicemail"


def test_a_caller_who_hangs_up_while_holding_abandoned(small_app, settings) -> None:
    carrier = Carrier(small_app.test_client(), settings)
    carrier.post("/voice/incoming", call_params(SID))
    carrier.post("/voice/step?flow=flow&step=menu&lang=en&attempt=0", call_params(SID, Digits="0"))
    carrier.post(DONE, call_params(SID, QueueResult="hangup", QueueTime="95"))
    assert outcome(small_app) == "abandoned"


def test_a_caller_whose_wait_loop_failed_holds_again_in_their_place(small_app, settings) -> None:
    """A web process killed mid-request fails the carrier's waitUrl (QueueResult=error): the
    caller never chose to leave, so they are queued again; only a loop that keeps failing
    sends them the flow's way out."""
    carrier = Carrier(small_app.test_client(), settings)
    carrier.post("/voice/incoming", call_params(SID))
    carrier.post("/voice/step?flow=flow&step=menu&lang=en&attempt=0", call_params(SID, Digits="0"))
    line = small_app.extensions["ivr"].line
    arrived = line.entry(SID).arrived_at
    for _ in range(2):
        response = carrier.post(DONE, call_params(SID, QueueResult="error", QueueTime="40"))
        assert "<Enqueue" in response.get_data(as_text=True)
        assert line.entry(SID).arrived_at == arrived, "their place is kept"
    assert outcome(small_app) == "queued"
    response = carrier.post(DONE, call_params(SID, QueueResult="error", QueueTime="40"))
    assert "<Record" in response.get_data(as_text=True)
    assert line.entry(SID) is None and outcome(small_app) == "voicemail"
