"""<Enqueue>, its waitUrl, <Leave>, <Dial><Queue> and the Members REST resource."""

from __future__ import annotations

from .support import AGENT

ENQUEUE = (
    '<Response><Enqueue action="/queue-result" waitUrl="/hold">support</Enqueue>'
    "<Say>After the queue</Say></Response>"
)
HOLD = '<Response><Say>You are in the queue</Say><Pause length="5"/></Response>'


def agent_dials_queue(sandbox, twiml_app, *, url: str | None = None):
    """An agent's phone calls the business and the app answers with <Dial><Queue>."""
    noun = f'<Queue url="{url}">support</Queue>' if url else "<Queue>support</Queue>"
    twiml_app.on("/agent", f'<Response><Dial action="/agent-done">{noun}</Dial></Response>')
    sandbox.add_number("+15550101", voice_url=twiml_app.url("/agent"))
    return sandbox.dial("+15550101", from_=AGENT)


def test_wait_url_is_requested_with_the_queue_figures(sandbox, business, twiml_app):
    twiml_app.on("/hold", HOLD)
    call = sandbox.dial(business(ENQUEUE))
    assert call.wait_for_queue() == 1
    # The second pass is heard after its request: wait for what the caller hears.
    sandbox.wait_until(lambda: len(call.said) >= 2, what="two passes of the hold document")
    first, second = twiml_app.requests_to("/hold")[:2]
    (queue,) = sandbox.queues()
    assert first.form["QueueSid"] == queue.sid and queue.sid.startswith("QU")
    assert first.form["QueuePosition"] == "1"
    assert first.form["CurrentQueueSize"] == "1"
    assert first.form["MaxQueueSize"] == "1000"
    assert "AvgQueueTime" in first.form
    # The hold document lasts 5 s or more, so the second request comes that much later.
    assert int(second.form["QueueTime"]) >= int(first.form["QueueTime"]) + 5
    assert call.said[:2] == ["You are in the queue", "You are in the queue"]
    call.hang_up()
    call.wait_for_status("completed")
    (result,) = twiml_app.requests_to("/queue-result")
    assert result.form["QueueResult"] == "hangup"


def test_positions_move_up_when_the_head_leaves(sandbox, business, client, twiml_app):
    twiml_app.on("/hold", HOLD)
    twiml_app.on("/out", "<Response><Say>Out of the queue</Say></Response>")
    number = business(ENQUEUE)
    first = sandbox.dial(number)
    first.wait_for_queue()
    second = sandbox.dial(number)
    assert second.wait_for_queue() == 2
    queue_sid = sandbox.queues()[0].sid
    member = (
        client.queues(queue_sid).members("Front").update(url=twiml_app.url("/out"), method="POST")
    )
    assert member.call_sid == first.sid
    first.wait_for_status("completed")
    assert first.said[-1] == "Out of the queue"
    assert second.queue_position == 1
    requested = len(twiml_app.requests_to("/hold"))
    sandbox.wait_until(
        lambda: len(twiml_app.requests_to("/hold")) > requested, what="a waitUrl request"
    )
    latest = [r for r in twiml_app.requests_to("/hold") if r.form["CallSid"] == second.sid][-1]
    assert latest.form["QueuePosition"] == "1" and latest.form["CurrentQueueSize"] == "1"
    results = [r.form for r in twiml_app.requests_to("/queue-result")]
    assert results[0]["QueueResult"] == "redirected" and results[0]["CallSid"] == first.sid
    second.hang_up()


def test_members_can_be_listed_and_fetched(sandbox, business, client, twiml_app):
    twiml_app.on("/hold", HOLD)
    call = sandbox.dial(business(ENQUEUE))
    call.wait_for_queue()
    (queue,) = client.queues.list()
    assert queue.current_size == 1
    (member,) = client.queues(queue.sid).members.list()
    assert member.call_sid == call.sid and member.position == 1
    assert client.queues(queue.sid).members(call.sid).fetch().position == 1
    call.hang_up()


def test_dial_queue_bridges_the_head_of_the_queue(sandbox, business, twiml_app):
    twiml_app.on("/hold", HOLD)
    twiml_app.on("/connecting", "<Response><Say>Connecting you to an agent</Say></Response>")
    twiml_app.on("/agent-done", "<Response><Say>Wrap up</Say></Response>")
    twiml_app.on("/queue-result", "<Response><Say>Please rate the call</Say></Response>")
    number = business(ENQUEUE)
    first = sandbox.dial(number)
    first.wait_for_queue()
    second = sandbox.dial(number)
    second.wait_for_queue()
    agent = agent_dials_queue(sandbox, twiml_app, url="/connecting")
    assert agent.wait_for_bridge() == first
    assert first.said[-1] == "Connecting you to an agent"
    (connecting,) = twiml_app.requests_to("/connecting")
    assert connecting.form["CallSid"] == first.sid
    assert connecting.form["DequeingCallSid"] == agent.sid
    assert "QueueTime" in connecting.form and connecting.form["QueueSid"]
    assert second.queue_position == 1
    # Twilio requests the Enqueue action only once the bridged parties disconnect.
    assert twiml_app.requests_to("/queue-result") == []
    agent.hang_up()
    agent.wait_for_status("completed")
    first.wait_for_status("completed")
    (result,) = twiml_app.requests_to("/queue-result")
    assert result.form["QueueResult"] == "bridged" and result.form["CallSid"] == first.sid
    assert first.said[-1] == "Please rate the call"
    (done,) = twiml_app.requests_to("/agent-done")
    assert done.form["DialCallStatus"] == "completed"
    assert done.form["DialCallSid"] == first.sid
    second.hang_up()


def test_the_caller_hanging_up_ends_the_agents_dial(sandbox, business, twiml_app):
    twiml_app.on("/hold", HOLD)
    twiml_app.on("/agent-done", "<Response><Say>Caller left</Say></Response>")
    caller = sandbox.dial(business(ENQUEUE))
    caller.wait_for_queue()
    agent = agent_dials_queue(sandbox, twiml_app)
    agent.wait_for_bridge()
    caller.hang_up()
    caller.wait_for_status("completed")
    agent.wait_for_status("completed")
    assert agent.said == ["Caller left"]
    (result,) = twiml_app.requests_to("/queue-result")
    assert result.form["QueueResult"] == "bridged" and result.form["CallStatus"] == "completed"


def test_dial_queue_waits_for_a_caller_until_its_timeout(sandbox, business, twiml_app, client):
    client.queues.create(friendly_name="support")
    twiml_app.on("/agent-done", "<Response/>")
    agent = agent_dials_queue(sandbox, twiml_app)
    agent.wait_for_status("completed")
    assert twiml_app.requests_to("/agent-done")[0].form["DialCallStatus"] == "no-answer"


def test_leave_in_the_wait_url_runs_the_enqueue_action(sandbox, business, twiml_app):
    twiml_app.on(
        "/hold",
        '<Response><Gather numDigits="1" action="/hold-choice"><Say>Press 1 for a callback</Say>'
        "</Gather></Response>",
    )
    twiml_app.on("/hold-choice", "<Response><Leave/></Response>")
    twiml_app.on("/queue-result", "<Response><Say>We will call you back</Say></Response>")
    call = sandbox.dial(business(ENQUEUE))
    call.wait_for_prompt()
    call.press("1")
    call.wait_for_status("completed")
    (result,) = twiml_app.requests_to("/queue-result")
    assert result.form["QueueResult"] == "leave"
    assert call.said[-1] == "We will call you back"
    (choice,) = twiml_app.requests_to("/hold-choice")
    assert choice.form["Digits"] == "1" and choice.form["QueuePosition"] == "1"


def test_a_full_queue_sends_queue_full(sandbox, business, client, twiml_app):
    client.queues.create(friendly_name="support", max_size=1)
    twiml_app.on("/hold", HOLD)
    number = business(ENQUEUE)
    first = sandbox.dial(number)
    first.wait_for_queue()
    second = sandbox.dial(number)
    second.wait_for_status("completed")
    results = [r.form["QueueResult"] for r in twiml_app.requests_to("/queue-result")]
    assert results == ["queue-full"]
    first.hang_up()


def test_wait_url_may_only_hold_the_verbs_twilio_allows(sandbox, business, twiml_app):
    twiml_app.on("/hold", f"<Response><Dial>{AGENT}</Dial></Response>")
    call = sandbox.dial(business(ENQUEUE))
    call.wait_for_status("completed")
    assert [e.error_code for e in call.errors] == [12200]
    assert twiml_app.requests_to("/queue-result")[0].form["QueueResult"] == "error"


def test_without_wait_url_the_caller_hears_hold_music(sandbox, business):
    call = sandbox.dial(business("<Response><Enqueue>support</Enqueue></Response>"))
    call.wait_for_queue()
    sandbox.wait_until(lambda: len(call.heard) >= 2, what="two passes of hold music")
    assert {p.kind for p in call.heard} == {"music"}
    call.hang_up()
