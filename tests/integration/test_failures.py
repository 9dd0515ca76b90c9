"""When something breaks mid-call, the caller still reaches a person or voicemail."""

import logging

from sqlalchemy import text

from tests.helpers import assert_valid_twiml, call_params

SID = "CA" + "9" * 32


def test_a_broken_flow_state_is_logged_with_the_call_sid_and_routed_to_a_person(
    carrier, caplog
) -> None:
    with caplog.at_level(logging.ERROR, logger="ivr"):
        response = carrier.post(
            "/voice/step?flow=demo&step=no_such_step&lang=en&attempt=0", call_params(SID)
        )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_valid_twiml(body)
    assert "Sorry, something went wrong" in body
    assert "<Enqueue" in body
    assert any(SID in record.getMessage() for record in caplog.records)


def test_with_the_database_gone_the_caller_can_still_leave_a_message(app, carrier) -> None:
    """The fallback needs the records too; the last resort needs nothing at all."""
    with app.extensions["ivr"].database.engine.begin() as connection:
        for table in ("call_events", "calls", "customer_numbers", "voicemails"):
            connection.execute(text(f"DROP TABLE {table}"))
    try:
        response = carrier.post("/voice/incoming", call_params(SID))
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert_valid_twiml(body)
        assert "<Record" in body and "technical difficulties" in body
        followed = carrier.post("/voice/last-resort", call_params(SID))
        assert "<Hangup" in followed.get_data(as_text=True)
    finally:
        from ivr.adapters.sql.models import Base

        Base.metadata.create_all(app.extensions["ivr"].database.engine)


def test_after_hours_fallback_goes_to_voicemail_not_an_empty_queue(carrier, clock) -> None:
    from datetime import UTC, datetime

    clock.current = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)  # Sunday: closed
    response = carrier.post("/voice/step?flow=demo&step=nope&lang=es&attempt=0", call_params(SID))
    body = response.get_data(as_text=True)
    assert "<Record" in body and "<Enqueue" not in body
    assert "Perdón, algo salió mal" in body


def test_a_failure_in_the_hold_loop_keeps_the_caller_in_line(carrier) -> None:
    """The fallback's <Enqueue> is not allowed in a wait document; hold music is."""
    response = carrier.post("/voice/hold?queue=support", call_params(SID))  # no flow state
    body = response.get_data(as_text=True)
    assert_valid_twiml(body, context="enqueue-wait")
    assert "<Play" in body


def test_a_failure_in_the_agents_whisper_gives_the_agent_an_apology(app, carrier) -> None:
    """A whisper runs on the agent's leg: the caller's fallback (an Enqueue) is not valid
    there, and would not be for the agent anyway."""
    with app.extensions["ivr"].database.engine.begin() as connection:
        connection.execute(text("DROP TABLE calls"))
    try:
        response = carrier.post("/voice/agent/whisper?entry=CA1&agent=1", call_params(SID))
        body = response.get_data(as_text=True)
        assert_valid_twiml(body, context="whisper")
        assert "<Hangup" in body
    finally:
        from ivr.adapters.sql.models import Base

        Base.metadata.create_all(app.extensions["ivr"].database.engine)


def test_with_redis_gone_callers_still_hear_the_flow(settings) -> None:
    """Redis holds jobs, not the records: a caller is greeted and recorded without it."""
    from ivr import create_app
    from tests.helpers import free_port, with_settings

    app = create_app(with_settings(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    client = app.test_client()
    from tests.helpers import Carrier

    signature = Carrier(client, settings).signature("/voice/incoming", call_params(SID))
    response = client.post(
        "/voice/incoming", data=call_params(SID), headers={"X-Twilio-Signature": signature}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_valid_twiml(body)
    assert "Thank you for calling Acme Utilities" in body
    app.extensions["ivr"].close()
