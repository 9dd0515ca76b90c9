"""The agent console's API: an agent's own state and screen pop, their status, notes,
disposition with a category, and warm transfers; each answer checked against the contract."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import (
    Call,
    Callback,
    Case,
    Customer,
    CustomerNumber,
    Recording,
    TranscriptRecord,
    Transfer,
    WaitEstimateSpoken,
)
from ivr.core.queueing import AgentState
from tests.api import Api
from tests.console import (
    RecordingCarrier,
    csrf_header,
    make_user,
    put_on_call,
    sign_in,
    use_carrier,
)

ANA = "+14155550123"
CALLER = "CA" + "a" * 32


class Agent:
    """An agent signed in to the console in a browser of their own."""

    def __init__(self, app, phone: str, name: str) -> None:
        self.services = app.extensions["ivr"]
        self.user = make_user(self.services, "agent", phone=phone, name=name)
        self.id = self.user.account.agent_id
        self.api = Api(app)
        sign_in(self.api.client, self.user)
        self.csrf = csrf_header(self.api.client)

    def get(self, path: str):
        return self.api.get(path, role=None)

    def send(self, method: str, path: str, body: dict, *, csrf: bool = True):
        return self.api.request(
            method, path, role=None, json=body, headers=self.csrf if csrf else {}
        )

    def console(self) -> dict:
        response = self.get("/agents/me/console")
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def svc(app):
    services = app.extensions["ivr"]
    use_carrier(services, RecordingCarrier())
    return services


@pytest.fixture
def alex(app, svc) -> Agent:
    return Agent(app, "+12025550111", "Alex Rivera")


@pytest.fixture
def jordan(app, svc) -> Agent:
    return Agent(app, "+12025550112", "Jordan Kim")


def ana_calls(svc, *, call_sid: str = CALLER, reason: str = "My bill is wrong") -> int:
    """Ana, on file with an earlier resolved call (with a note) and an open case, calls now."""
    now = svc.line_clock.now()
    with svc.database.unit_of_work() as session:
        ana = Customer(name="Ana García", language="es", notes="Prefers Spanish.")
        ana.numbers.append(CustomerNumber(number=ANA))
        session.add(ana)
        session.flush()
        case = Case(customer_id=ana.id, status="open", reason="Meter reading", opened_at=now)
        session.add(case)
        session.flush()
        for sid, days, disposition in (("CA-old", 9, "resolved"), ("CA-older", 20, "follow-up")):
            session.add(
                Call(
                    call_sid=sid,
                    from_number=ANA,
                    customer_id=ana.id,
                    started_at=now - timedelta(days=days),
                    ended_at=now - timedelta(days=days),
                    status="completed",
                    reason=f"reason {sid}",
                    disposition=disposition,
                    category="billing",
                    path=[],
                )
            )
        session.add(
            Call(
                call_sid=call_sid,
                from_number=ANA,
                customer_id=ana.id,
                started_at=now - timedelta(minutes=3),
                queued_at=now - timedelta(minutes=2),
                status="in-progress",
                reason=reason,
                flow="demo",
                language="es",
                queue="support",
                case_id=case.id,
                path=[],
            )
        )
        session.add(
            WaitEstimateSpoken(
                call_sid=call_sid,
                queue="support",
                at=now - timedelta(minutes=1),
                kind="hold",
                position=1,
                mean_seconds=60,
                p90_seconds=90,
                text="Su espera es de aproximadamente un minuto.",
            )
        )
        session.add(
            Callback(
                number=ANA,
                customer_id=ana.id,
                queue="support",
                place_at=now,
                promised_at=now,
                due_by=now + timedelta(minutes=30),
                status="pending",
                reason="Call me about the meter",
            )
        )
        return case.id


def test_a_signed_in_agent_sees_their_status_and_no_call(alex: Agent) -> None:
    state = alex.console()
    assert state["agent"]["id"] == alex.id
    assert state["agent"]["dial_target"] == "+12025550111"
    assert state["call"] is None
    assert state["categories"] == ["billing", "outage", "technical", "account", "other"]
    assert state["poll_seconds"] == 2


def test_going_available_and_offline_from_the_console_drives_the_line(svc, alex: Agent) -> None:
    svc.dispatcher.sync_agents()
    assert alex.send("PUT", f"/agents/{alex.id}/status", {"status": "offline"}).status_code == 200
    assert alex.console()["status"] == "offline"
    svc.waiting.join(
        CALLER, queue="support", skills=frozenset(), number=None, customer_id=None,
        language="en", flow="demo", step="support_queue",
    )  # fmt: skip
    now = svc.line_clock.now().timestamp()
    assert svc.line.match(now=now) is None  # an offline agent is not rung
    assert alex.send("PUT", f"/agents/{alex.id}/status", {"status": "available"}).status_code == 200
    match = svc.line.match(now=now)
    assert match is not None and (match.entry.id, match.agent.id) == (CALLER, alex.id)
    assert alex.console()["status"] == "reserved"


def test_a_wrap_up_the_agent_chose_lasts_until_they_say_available(svc, alex: Agent) -> None:
    svc.dispatcher.sync_agents()
    alex.send("PUT", f"/agents/{alex.id}/status", {"status": "wrap-up"})
    state = alex.console()
    assert (state["status"], state["wrap_up_until"]) == ("wrap-up", None)
    svc.line.match(now=svc.line_clock.now().timestamp() + 3600)  # timers due an hour on
    assert alex.console()["status"] == "wrap-up"
    alex.send("PUT", f"/agents/{alex.id}/status", {"status": "available"})
    assert alex.console()["status"] == "available"


def test_a_signed_in_agent_may_not_set_another_agents_status(alex: Agent, jordan: Agent) -> None:
    response = alex.send("PUT", f"/agents/{jordan.id}/status", {"status": "offline"})
    assert response.status_code == 403
    assert "only their own status" in response.get_json()["error"]["message"]


def test_an_agent_token_still_sets_any_agents_status(alex: Agent) -> None:
    token = Api(alex.api.app)
    response = token.put(f"/agents/{alex.id}/status", role="agent", json={"status": "offline"})
    assert response.status_code == 200


def test_a_session_change_without_the_csrf_token_is_refused(alex: Agent) -> None:
    response = alex.send("PUT", f"/agents/{alex.id}/status", {"status": "offline"}, csrf=False)
    assert response.status_code == 403
    assert "CSRF" in response.get_json()["error"]["message"]


def test_a_manager_who_is_not_an_agent_gets_a_clear_403(app) -> None:
    api = Api(app)
    sign_in(api.client, make_user(app.extensions["ivr"], "manager"))
    response = api.get("/agents/me/console", role=None)
    assert response.status_code == 403
    assert "not linked to an agent" in response.get_json()["error"]["message"]


def test_the_screen_pop_shows_the_caller_while_the_agents_phone_rings(svc, alex: Agent) -> None:
    case_id = ana_calls(svc)
    svc.dispatcher.sync_agents()
    svc.dispatcher.set_agent_status(alex.id, AgentState.AVAILABLE)
    svc.waiting.join(
        CALLER,
        queue="support",
        skills=frozenset(),
        number=None,
        customer_id=None,
        language="es",
        flow="demo",
        step="support_queue",
    )  # fmt: skip  (no number: a caller with a pending callback would take its place)
    assert svc.line.match(now=svc.line_clock.now().timestamp()) is not None
    state = alex.console()
    assert state["status"] == "reserved"
    pop = state["call"]
    assert pop["phase"] == "ringing"
    assert (pop["call_sid"], pop["customer_name"], pop["number"]) == (CALLER, "Ana García", ANA)
    assert (pop["reason"], pop["reason_source"], pop["language"]) == (
        "My bill is wrong",
        "words",
        "es",
    )
    assert [c["call_sid"] for c in pop["earlier_calls"]] == ["CA-old", "CA-older"]
    assert pop["earlier_calls"][0]["disposition"] == "resolved"
    assert [c["id"] for c in pop["open_cases"]] == [case_id]
    assert [c["reason"] for c in pop["pending_callbacks"]] == ["Call me about the meter"]
    assert [e["text"] for e in pop["estimates"]] == ["Su espera es de aproximadamente un minuto."]
    assert pop["waited_seconds"] >= 120


def test_an_agent_writes_notes_on_their_own_call_only(svc, alex: Agent, jordan: Agent) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    written = alex.send("POST", f"/calls/{CALLER}/notes", {"body": " Refund promised. "})
    assert written.status_code == 201
    assert written.get_json()["body"] == "Refund promised."
    assert written.get_json()["author"] == alex.user.email
    refused = jordan.send("POST", f"/calls/{CALLER}/notes", {"body": "Not mine"})
    assert refused.status_code == 403
    assert [n["body"] for n in alex.console()["call"]["notes"]] == ["Refund promised."]


def test_notes_are_refused_blank_to_tokens_of_nobody_and_for_unknown_calls(svc, alex) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    assert alex.send("POST", f"/calls/{CALLER}/notes", {"body": "   "}).status_code == 422
    token = Api(alex.api.app)
    as_agent = token.post(f"/calls/{CALLER}/notes", role="agent", json={"body": "x"})
    assert as_agent.status_code == 403
    as_manager = token.post(f"/calls/{CALLER}/notes", role="manager", json={"body": "Checked"})
    assert as_manager.status_code == 201
    assert token.post("/calls/CA-none/notes", role="manager", json={"body": "x"}).status_code == 404


def test_a_disposition_with_a_category_shows_in_the_customer_file(svc, alex: Agent) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    alex.send("POST", f"/calls/{CALLER}/notes", {"body": "Fixed the bill."})
    body = {"disposition": "resolved", "category": "billing"}
    response = alex.send("PUT", f"/calls/{CALLER}/disposition", body)
    assert response.status_code == 200
    assert response.get_json()["category"] == "billing"
    assert response.get_json()["case_status"] == "resolved"
    file = Api(alex.api.app).get("/customers", role="manager", query_string={"phone": ANA})
    (call,) = [c for c in file.get_json()["customers"][0]["calls"] if c["call_sid"] == CALLER]
    assert (call["category"], call["transferred_unresolved"]) == ("billing", False)
    assert [n["body"] for n in call["notes"]] == ["Fixed the bill."]


def test_an_unknown_category_is_a_422_naming_the_allowed_ones(svc, alex: Agent) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    body = {"disposition": "resolved", "category": "weather"}
    response = alex.send("PUT", f"/calls/{CALLER}/disposition", body)
    assert response.status_code == 422
    assert "billing, outage" in response.get_json()["error"]["fields"]["category"]


def test_an_agent_may_not_dispose_of_another_agents_call(svc, alex, jordan) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    response = jordan.send("PUT", f"/calls/{CALLER}/disposition", {"disposition": "resolved"})
    assert response.status_code == 403


def test_a_warm_transfer_puts_the_caller_back_at_their_place_for_the_agent_named(
    svc, alex: Agent, jordan: Agent
) -> None:
    ana_calls(svc)
    svc.dispatcher.sync_agents()
    svc.dispatcher.set_agent_status(jordan.id, AgentState.OFFLINE)
    put_on_call(svc, alex.id, CALLER)
    svc.dispatcher.set_agent_status(jordan.id, AgentState.AVAILABLE)
    note = {"to_agent_id": jordan.id, "note": "Needs a meter visit"}
    response = alex.send("POST", f"/calls/{CALLER}/transfer", note)
    assert response.status_code == 201, response.get_json()
    transfer = response.get_json()
    assert (transfer["status"], transfer["from_agent_name"]) == ("requested", "Alex Rivera")
    ((sid, url),) = svc.carrier.redirects
    assert sid == CALLER and "/voice/transfer/hold?" in url
    assert svc.line.agent_state(alex.id).state is AgentState.WRAP_UP
    entry = svc.line.entry(CALLER)
    assert entry.preferred_agent == jordan.id
    with svc.database.unit_of_work() as session:
        queued_at = session.scalar(select(Call.queued_at).where(Call.call_sid == CALLER))
    assert entry.arrived_at == queued_at.timestamp()  # their original place
    # The entry is held back a moment, then the receiving agent's phone rings.
    match = svc.line.match(now=svc.line_clock.now().timestamp() + 2)
    assert (match.entry.id, match.agent.id) == (CALLER, jordan.id)
    pop = jordan.console()["call"]
    assert pop["phase"] == "ringing"
    assert (pop["transfer"]["note"], pop["transfer"]["from_agent_name"]) == (
        "Needs a meter visit",
        "Alex Rivera",
    )
    assert pop["reason"] == "My bill is wrong"
    connection = svc.waiting.connection(CALLER, jordan.id)
    from ivr.web.voice_line import whisper_text

    assert whisper_text(connection).startswith("Transfer from Alex Rivera.")
    assert "Needs a meter visit" in whisper_text(connection)
    assert svc.waiting.accepted(CALLER, jordan.id)
    with svc.database.unit_of_work() as session:
        row = session.scalars(select(Transfer)).one()
        call = session.scalars(select(Call).where(Call.call_sid == CALLER)).one()
    assert (row.status, row.to_agent_id) == ("connected", jordan.id)
    assert call.agent_id == jordan.id
    # Both agents may write on it: the one who passed the caller on, and the one who took them.
    assert alex.send("POST", f"/calls/{CALLER}/notes", {"body": "Handed on"}).status_code == 201
    assert (
        jordan.send("POST", f"/calls/{CALLER}/notes", {"body": "Visit booked"}).status_code == 201
    )


def test_a_transfer_left_unresolved_when_the_call_ends_is_flagged(svc, alex, jordan) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    alex.send("POST", f"/calls/{CALLER}/transfer", {"to_queue": "support", "note": ""})
    with svc.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == CALLER)).one()
        call.status, call.ended_at = "completed", svc.line_clock.now()
    svc.waiting.call_ended(CALLER)  # they hung up while holding for the next agent
    manager = Api(alex.api.app)

    def flagged() -> bool:
        answer = manager.get("/customers", role="manager", query_string={"phone": ANA})
        calls = answer.get_json()["customers"][0]["calls"]
        return next(c for c in calls if c["call_sid"] == CALLER)["transferred_unresolved"]

    assert flagged()
    with svc.database.unit_of_work() as session:
        assert session.scalars(select(Transfer)).one().status == "failed"
    resolved = manager.put(f"/calls/{CALLER}/disposition", json={"disposition": "resolved"})
    assert resolved.status_code == 200
    assert not flagged()


def test_only_a_caller_in_a_conversation_can_be_transferred(svc, alex, jordan) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    response = jordan.send("POST", f"/calls/{CALLER}/transfer", {"to_queue": "support"})
    assert response.status_code == 403  # not theirs
    manager = Api(alex.api.app)
    as_manager = manager.post(
        "/calls/CA-old/transfer", role="manager", json={"to_queue": "support"}
    )
    assert as_manager.status_code == 409  # that call is over


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_queue": "nowhere"}, "to_queue"),
        ({"to_agent_id": 999}, "to_agent_id"),
        ({"to_agent_id": 1, "to_queue": "support"}, "to_agent_id"),
        ({}, "to_agent_id"),
    ],
)
def test_a_transfer_to_nowhere_is_a_422(svc, alex: Agent, body, field) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    response = alex.send("POST", f"/calls/{CALLER}/transfer", body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert svc.line.agent_state(alex.id).state is AgentState.ON_CALL  # nothing moved


def test_a_transfer_the_carrier_refuses_leaves_the_caller_with_the_agent(svc, alex) -> None:
    ana_calls(svc)
    put_on_call(svc, alex.id, CALLER)
    svc.carrier.refuse = RuntimeError("carrier down")
    response = alex.send("POST", f"/calls/{CALLER}/transfer", {"to_queue": "support"})
    assert response.status_code == 502
    assert svc.line.entry(CALLER) is None
    assert svc.line.agent_state(alex.id).state is AgentState.ON_CALL
    with svc.database.unit_of_work() as session:
        assert session.scalars(select(Transfer)).one().status == "failed"


def test_the_callbacks_due_to_an_agent_are_those_of_their_cases(svc, alex, jordan) -> None:
    case_id = ana_calls(svc)
    with svc.database.unit_of_work() as session:
        session.get(Case, case_id).agent_id = alex.id
    mine = alex.console()["callbacks_due"]
    assert [(c["reason"], c["why_mine"]) for c in mine] == [("Call me about the meter", "case")]
    assert mine[0]["customer_name"] == "Ana García"
    assert jordan.console()["callbacks_due"] == []


@pytest.mark.parametrize(
    "transcript_status, source, pending",
    [("done", "transcript", False), ("pending", None, True)],
)
def test_the_screen_pop_says_whether_the_reason_was_transcribed_or_is_still_coming(
    svc, transcript_status: str, source: str | None, pending: bool
) -> None:
    """A reason the caller said (a reason clip) is marked transcribed once Vosk has done it;
    until then the pop says it is on its way rather than showing nothing."""
    from ivr.adapters.sql.console import SqlAgentConsole
    from ivr.core.console import CallPhase

    ana_calls(svc, reason="")
    with svc.database.unit_of_work() as session:
        call = session.scalars(select(Call).where(Call.call_sid == CALLER)).one()
        call.reason = "my meter reading is wrong" if transcript_status == "done" else None
        clip = Recording(
            recording_sid="RE" + "r" * 32,
            call_sid=CALLER,
            kind="reason",
            source_url="x",
            status="stored",
        )
        session.add(clip)
        session.flush()
        session.add(
            TranscriptRecord(recording_id=clip.id, call_sid=CALLER, status=transcript_status)
        )

    pop = SqlAgentConsole(svc.database).screen_pop(
        CALLER, phase=CallPhase.RINGING, now=svc.line_clock.now()
    )

    assert (pop.reason_source, pop.reason_pending) == (source, pending)
