"""Status callbacks record every call's lifecycle, idempotently and in order."""

from sqlalchemy import func, select

from ivr.adapters.sql.models import Call, CallEvent
from tests.helpers import call_params

SID = "CA" + "5" * 32


def _call(app) -> Call:
    with app.extensions["ivr"].database.unit_of_work() as session:
        return session.scalars(select(Call).where(Call.call_sid == SID)).one()


def _events(app) -> int:
    with app.extensions["ivr"].database.unit_of_work() as session:
        return session.scalar(
            select(func.count(CallEvent.id)).where(
                CallEvent.call_sid == SID, CallEvent.kind == "status"
            )
        )


def test_lifecycle_is_recorded_from_ringing_to_completed(app, carrier) -> None:
    carrier.post("/voice/incoming", call_params(SID))
    for status in ("ringing", "in-progress", "completed"):
        response = carrier.post(
            "/voice/status", call_params(SID, CallStatus=status, CallDuration="42")
        )
        assert response.status_code == 200
        assert response.mimetype == "text/xml"
    call = _call(app)
    assert call.status == "completed"
    assert call.answered_at is not None and call.ended_at is not None
    assert call.duration_seconds == 42
    assert _events(app) == 3


def test_same_status_twice_changes_nothing(app, carrier) -> None:
    carrier.post("/voice/incoming", call_params(SID))
    carrier.post("/voice/status", call_params(SID, CallStatus="completed", CallDuration="10"))
    first = _call(app)
    carrier.post("/voice/status", call_params(SID, CallStatus="completed", CallDuration="99"))
    again = _call(app)
    assert (again.status, again.ended_at, again.duration_seconds) == (
        first.status,
        first.ended_at,
        10,
    )
    assert _events(app) == 1


def test_late_ringing_after_completed_does_not_reopen_the_call(app, carrier) -> None:
    carrier.post("/voice/incoming", call_params(SID))
    carrier.post("/voice/status", call_params(SID, CallStatus="completed"))
    carrier.post("/voice/status", call_params(SID, CallStatus="ringing"))
    assert _call(app).status == "completed"
    assert _events(app) == 2


def test_status_for_a_call_never_seen_is_still_recorded(app, carrier) -> None:
    carrier.post("/voice/status", call_params(SID, CallStatus="no-answer"))
    assert _call(app).status == "no-answer"


def test_unknown_status_is_ignored_without_error(app, carrier) -> None:
    response = carrier.post("/voice/status", call_params(SID, CallStatus="exploded"))
    assert response.status_code == 200
    assert _events(app) == 0


def test_a_duplicate_status_reports_that_it_changed_nothing(app) -> None:
    """What the dispatcher relies on: an agent's leg ends once, however often it is reported."""
    from ivr.core.calls import CallStatus
    from ivr.core.ports import StatusReport

    records = app.extensions["ivr"].records
    report = StatusReport(
        call_sid=SID, status=CallStatus.COMPLETED, at=app.extensions["ivr"].clock.now()
    )
    assert records.record_status(report) is True
    assert records.record_status(report) is False
