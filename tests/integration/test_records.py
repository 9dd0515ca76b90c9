"""A call's path grows turn by turn, in order, on both back ends."""

from sqlalchemy import select

from ivr.adapters.sql.models import Call
from tests.helpers import call_params

SID = "CA" + "3" * 32


def path(app) -> list[str]:
    with app.extensions["ivr"].database.unit_of_work() as session:
        return session.scalar(select(Call.path).where(Call.call_sid == SID))


def test_each_turn_appends_the_steps_it_visited(app, carrier) -> None:
    carrier.post("/voice/incoming", call_params(SID))
    assert path(app) == ["greeting", "choose_language"]
    carrier.post(
        "/voice/step?flow=demo&step=choose_language&lang=en&attempt=0", call_params(SID, Digits="2")
    )
    assert path(app) == ["greeting", "choose_language", "office_hours", "returning", "reason"]
    carrier.post(  # no reason given: the Continue after the recording
        "/voice/step?flow=demo&step=reason&lang=es&attempt=0&rec=1&event=no-recording",
        call_params(SID),
    )
    carrier.post(
        "/voice/step?flow=demo&step=main_menu&lang=es&attempt=0&rec=1", call_params(SID, Digits="1")
    )
    assert path(app) == [
        "greeting",
        "choose_language",
        "office_hours",
        "returning",
        "reason",
        "main_menu",
        "billing_menu",
    ]


def test_a_retried_incoming_webhook_appends_rather_than_duplicating_the_call(app, carrier) -> None:
    carrier.post("/voice/incoming", call_params(SID))
    carrier.post("/voice/incoming", call_params(SID))
    assert path(app) == ["greeting", "choose_language"] * 2
