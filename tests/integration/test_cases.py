"""A customer who calls again about an unresolved problem is asked about it, and the call goes
with its case to the agent who had it: nobody has to start over.

Driven through the signed webhooks as the carrier sends them, on real Redis and both databases.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, Call, Case, Customer, CustomerNumber
from ivr.core.callers import parse_caller_id
from ivr.core.cases import Disposition
from ivr.core.ports import NewCall
from ivr.core.queueing import AgentState
from ivr.seed import seed_demo
from tests.helpers import PUBLIC_BASE_URL, call_params

CALLER = "+14155550166"


@pytest.fixture
def svc(app):
    services = app.extensions["ivr"]
    seed_demo(services.database)
    services.dispatcher.sync_agents()
    with services.database.unit_of_work() as session:
        ids = list(session.scalars(select(Agent.id)))
    for agent_id in ids:  # nobody free: callers stay in line, no carrier is reached
        services.dispatcher.set_agent_status(agent_id, AgentState.OFFLINE)
    return services


class Caller:
    """Answers the app's TwiML the way the carrier would: follows each action it is given."""

    def __init__(self, carrier, call_sid: str, number: str) -> None:
        self.carrier, self.call_sid, self.number = carrier, call_sid, number
        self.document = self._post("/voice/incoming", {})

    def _post(self, path: str, extra: dict[str, str]) -> ET.Element:
        response = self.carrier.post(path, call_params(self.call_sid, From=self.number, **extra))
        assert response.status_code == 200
        return ET.fromstring(response.get_data(as_text=True))

    def said(self) -> str:
        return " ".join(node.text or "" for node in self.document.iter("Say"))

    def _action(self, verb: str) -> str:
        node = self.document.find(verb)
        assert node is not None, ET.tostring(self.document, encoding="unicode")
        return node.attrib["action"].removeprefix(PUBLIC_BASE_URL)

    def press(self, digits: str) -> None:
        self.document = self._post(self._action("Gather"), {"Digits": digits})

    def records_nothing(self) -> None:
        """Silence at a <Record>: Twilio goes on to the next verb, the Redirect."""
        url = self.document.find("Redirect").text.removeprefix(PUBLIC_BASE_URL)
        self.document = self._post(url, {})

    def queued(self) -> bool:
        return self.document.find("Enqueue") is not None


def call_in(carrier, sid: str, *, known: bool = False, case_answer: str | None = None) -> Caller:
    """English (unless known: the customer record made on their first call keeps the language
    they chose), then, when asked, the case question; then no reason, then a person."""
    caller = Caller(carrier, sid, CALLER)
    if not known:
        caller.press("1")  # English
    if case_answer is not None:
        assert "Are you calling about" in caller.said()
        caller.press(case_answer)
        if caller.queued():
            return caller
    assert "why you are calling" in caller.said()
    caller.records_nothing()
    caller.press("0")  # a person
    assert caller.queued()
    return caller


def case_of(svc, call_sid: str) -> Case | None:
    with svc.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == call_sid)).one()
        return session.get(Case, call.case_id) if call.case_id else None


def test_a_new_caller_gets_a_customer_record_and_a_case_when_they_join_the_line(
    svc, carrier
) -> None:
    call_in(carrier, "CA-first")
    case = case_of(svc, "CA-first")
    assert case is not None and case.status == "open"
    assert case.opened_call_sid == "CA-first"
    with svc.database.unit_of_work() as session:
        owner = session.scalar(
            select(CustomerNumber.customer_id).where(CustomerNumber.number == CALLER)
        )
        language = session.scalar(select(Customer.language).where(Customer.id == owner))
    assert owner == case.customer_id
    assert language == "en"  # as they chose: their next call is not asked


def test_a_caller_back_about_an_open_case_is_asked_and_goes_to_its_agent(svc, carrier) -> None:
    call_in(carrier, "CA-first")
    with svc.database.unit_of_work() as session:
        agent_id = session.scalars(select(Agent.id).order_by(Agent.id)).first()
    svc.queue_records.mark_answered(
        "CA-first", agent_id=agent_id, wait_seconds=10, at=svc.clock.now()
    )
    svc.cases.set_reason("CA-first", "my bill is wrong")
    svc.cases.dispose("CA-first", Disposition.FOLLOW_UP, at=svc.clock.now())

    again = Caller(carrier, "CA-again", CALLER)
    assert "Are you calling about my bill is wrong?" in again.said()  # in English, unasked
    again.press("1")  # yes
    assert again.queued()
    first, second = case_of(svc, "CA-first"), case_of(svc, "CA-again")
    assert second is not None and second.id == first.id
    entry = svc.line.entry("CA-again")
    assert entry is not None and entry.preferred_agent == agent_id


def test_a_caller_who_says_it_is_something_else_gets_a_new_case(svc, carrier) -> None:
    call_in(carrier, "CA-first")
    call_in(carrier, "CA-other", known=True, case_answer="2")
    assert case_of(svc, "CA-other").id != case_of(svc, "CA-first").id


def test_a_resolved_case_or_an_old_one_is_not_asked_about(svc, carrier, clock) -> None:
    call_in(carrier, "CA-first")
    svc.cases.dispose("CA-first", Disposition.RESOLVED, at=clock.now())
    call_in(carrier, "CA-second", known=True)  # not asked: it would fail on "Are you calling"
    clock.current += timedelta(days=svc.settings.recording.case_days + 1)
    call_in(carrier, "CA-much-later", known=True)  # CA-second's case is open but too old


SPEECH_FLOW = """
languages: [en]
start: why
fallback: desk
steps:
  why:
    type: reason
    input: speech
    prompt: Tell us why you are calling.
    next: desk
  desk:
    type: queue
    queue: support
    on_leave: bye
  bye:
    type: voicemail
    prompt: Leave a message.
    next: end
  end:
    type: hangup
"""


@pytest.fixture
def speech_app(settings, clock, tmp_path):
    """The app with one more flow beside the demo: a reason heard by the carrier's speech
    recognition rather than recorded."""
    import shutil

    from ivr import create_app
    from tests.helpers import CALLFLOWS, with_settings

    shutil.copy(CALLFLOWS / "demo.yaml", tmp_path / "demo.yaml")
    (tmp_path / "t.yaml").write_text(SPEECH_FLOW)
    application = create_app(with_settings(settings, callflows_dir=tmp_path))
    application.extensions["ivr"].clock = clock
    yield application
    application.extensions["ivr"].close()


def test_a_reason_heard_by_the_carrier_is_stored_redacted_on_the_call_and_its_case(
    speech_app,
) -> None:
    from ivr.core.flows.context import CallerInput
    from ivr.core.flows.instructions import FlowState

    svc = speech_app.extensions["ivr"]
    svc.records.open_call_with_turn(
        NewCall(
            call_sid="CA-said",
            caller=parse_caller_id(CALLER),
            to_number="+18005550100",
            direction="inbound",
            flow="t",
            started_at=svc.clock.now(),
        ),
        visited=("why",),
        outcome=None,
        language="en",
    )
    svc.voice.resume(
        "CA-said",
        CALLER,
        FlowState(flow="t", step="why", language="en"),
        CallerInput(speech="my card 4111 1111 1111 1111 was charged twice"),
    )
    with svc.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == "CA-said")).one()
        case = session.get(Case, call.case_id)
    assert "4111" not in call.reason and "charged twice" in call.reason
    assert case.reason == call.reason
