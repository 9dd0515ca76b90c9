"""close() ends every call and joins every thread, whatever the calls were doing."""

from __future__ import annotations

import threading
import time

import pytest

from ivr.sandbox import Sandbox
from ivr.sandbox.errors import RestError

from .support import AGENT, TIME_SCALE


def test_close_ends_calls_in_every_state_and_leaves_no_thread(twiml_app):
    before = {t.ident for t in threading.enumerate()}
    sandbox = Sandbox(time_scale=TIME_SCALE)
    sandbox.serve()
    twiml_app.on("/menu", "<Response><Gather><Say>Menu</Say></Gather></Response>")
    twiml_app.on("/queue", '<Response><Enqueue waitUrl="/hold">support</Enqueue></Response>')
    twiml_app.on("/hold", '<Response><Pause length="30"/></Response>')
    twiml_app.on("/dial", f'<Response><Dial timeout="600">{AGENT}</Dial></Response>')
    sandbox.add_number("+15550100", voice_url=twiml_app.url("/menu"))
    sandbox.add_number("+15550101", voice_url=twiml_app.url("/queue"))
    sandbox.add_number("+15550102", voice_url=twiml_app.url("/dial"))
    sandbox.device(AGENT).policy = "manual"
    waiting = sandbox.dial("+15550100")
    queued = sandbox.dial("+15550101")
    dialling = sandbox.dial("+15550102")
    waiting.wait_for_prompt()
    queued.wait_for_queue()
    sandbox.device(AGENT).wait_for_call().wait_for_status("ringing")
    assert dialling.status == "in-progress"
    started = time.monotonic()
    sandbox.close()
    assert time.monotonic() - started < 2
    calls = sandbox.calls()
    assert all(c._call.done.is_set() for c in calls)
    assert {c.status for c in calls} <= {"completed", "canceled"}
    leftover = [
        t for t in threading.enumerate() if t.ident not in before and t.name.startswith("sandbox")
    ]
    assert leftover == []
    sandbox.close()


def test_a_closed_sandbox_takes_no_calls():
    sandbox = Sandbox(time_scale=TIME_SCALE)
    sandbox.close()
    with pytest.raises(RestError):
        sandbox.dial("+15550100")
