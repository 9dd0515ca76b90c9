"""``interpreter.enter``: a call the business placed joins the flow part-way (click-to-call)."""

from __future__ import annotations

from ivr.core.flows import interpreter
from ivr.core.flows.instructions import Enqueue, FlowState, Say
from ivr.core.flows.model import Flow
from tests.unit.flows.conftest import context

HELLO = Say(text="Hello, this is Acme Utilities returning your request.", language="en-US")
CONSENT_EN = "This call may be recorded and transcribed, so that we can help you better."
CONSENT_ES = "Esta llamada puede ser grabada y transcrita para poder atenderle mejor."


def test_entering_the_queue_step_says_what_comes_first_then_its_prompt_then_enqueues(
    demo_flow: Flow,
) -> None:
    turn = interpreter.enter(demo_flow, "support_queue", context(), before=(HELLO,))

    said = [i.text for i in turn.instructions if isinstance(i, Say)]
    # The demo records its calls with agents: the notice comes before the queue's prompt.
    assert said == [HELLO.text, CONSENT_EN, "Please hold for the next available representative."]
    [enqueue] = [i for i in turn.instructions if isinstance(i, Enqueue)]
    assert enqueue.queue == "support"
    assert enqueue.resume == FlowState(
        flow="demo", step="support_queue", language="en", noticed=True
    )
    assert (turn.outcome, turn.visited) == ("queued", ("support_queue",))


def test_a_customer_whose_language_is_known_is_spoken_to_in_it(demo_flow: Flow) -> None:
    ctx = context(language="es")

    turn = interpreter.enter(demo_flow, "support_queue", ctx, language="en")

    assert turn.language == "es"
    assert turn.instructions[0].text == CONSENT_ES
    assert "Por favor espere" in turn.instructions[1].text


def test_otherwise_the_language_asked_for_or_the_flows_default(demo_flow: Flow) -> None:
    ctx = context()

    assert interpreter.enter(demo_flow, "support_queue", ctx, language="es").language == "es"
    assert interpreter.enter(demo_flow, "support_queue", ctx, language="xx").language == "en"
