"""``POST /click-to-call``: a visitor is called back, and nothing else is ever dialled.

Requests that must not dial run against the ``app`` fixture, whose carrier URL has nothing
listening: had anything been dialled, the answer would be a 503 (and some tests use exactly
that, a carrier that cannot be reached, on purpose). Requests that dial run against the real
app on a real WSGI server with the sandbox carrier, which calls the app's webhooks back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from ivr import create_app
from ivr.adapters.sql.models import Call, Callback
from ivr.config import Settings
from ivr.sandbox import Sandbox
from tests.helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BUSINESS_NUMBER,
    FixedClock,
    assert_valid_twiml,
    call_params,
    free_port,
)

VISITOR = "+14155550123"
"""San Francisco: a valid US number (phonenumbers' example range), 07:00 there at OPEN_HOURS."""
OTHER_VISITOR = "+12125550188"
ALLOWED_SITE = "https://www.acme-utilities.example"


def post(client: FlaskClient, body: dict | None = None, *, form: bool = False, **kwargs):
    if form:
        return client.post("/click-to-call", data=body or {}, **kwargs)
    return client.post("/click-to-call", json=body or {}, **kwargs)


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    assert body["error"]["message"]
    return body["error"]


def app_with(settings: Settings, clock: FixedClock, **changes) -> Flask:
    app = create_app(replace(settings, **changes))
    app.config["TESTING"] = True
    app.extensions["ivr"].clock = clock
    return app


@pytest.fixture
def tuned(settings: Settings, clock: FixedClock) -> Iterator[Callable[..., FlaskClient]]:
    """A client of an app with some settings changed (tiny rate limits, origins, proxies)."""
    apps: list[Flask] = []

    def make(**changes) -> FlaskClient:
        app = app_with(settings, clock, **changes)
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["ivr"].close()


@dataclass
class Live:
    app: Flask
    client: FlaskClient
    sandbox: Sandbox

    def visitor_calls(self, number: str = VISITOR) -> list:
        return [c for c in self.sandbox.calls() if c.to == number]

    def call_row(self, call_sid: str) -> Call:
        database = self.app.extensions["ivr"].database
        with database.unit_of_work() as session:
            return session.scalars(select(Call).where(Call.call_sid == call_sid)).one()


@pytest.fixture
def live(settings: Settings, clock: FixedClock) -> Iterator[Live]:
    """The app served on a free port, the sandbox as its carrier."""
    sandbox = Sandbox(ACCOUNT_SID, AUTH_TOKEN, time_scale=0.02)
    sandbox_url = sandbox.serve()
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    app = app_with(settings, clock, public_base_url=public, twilio_api_base_url=sandbox_url)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    sandbox.add_number(
        BUSINESS_NUMBER, f"{public}/voice/incoming", status_callback=f"{public}/voice/status"
    )
    try:
        yield Live(app=app, client=app.test_client(), sandbox=sandbox)
    finally:
        sandbox.close()
        server.shutdown()
        thread.join(5)
        app.extensions["ivr"].close()


# Calling now ------------------------------------------------------------------------------------


def test_a_valid_request_rings_the_visitor_once_and_puts_them_in_line(live: Live) -> None:
    response = post(live.client, {"phone": "(415) 555-0123", "reason": "My power is out"})

    assert response.status_code == 202, response.get_json()
    answer = response.get_json()
    assert answer["outcome"] == "calling"
    assert answer["call_sid"].startswith("CA")
    assert "+1 415-555-0123" in answer["message"]
    [call] = live.visitor_calls()
    assert (call.sid, call.direction, call.from_) == (
        answer["call_sid"],
        "outbound-api",
        BUSINESS_NUMBER,
    )
    assert len(live.sandbox.calls()) == 1
    call.wait_for_queue(timeout=10)
    assert call.said[0] == "Hello, this is Acme Utilities returning your request."
    assert "Please hold for the next available representative." in call.said
    assert call.queue_name == "support"
    assert [e.message for e in live.sandbox.errors if e.level == "error"] == []
    row = live.call_row(answer["call_sid"])
    assert (row.direction, row.to_number, row.reason) == (
        "outbound-api",
        VISITOR,
        "My power is out",
    )
    assert (row.queue, row.outcome, row.path) == ("support", "queued", ["support_queue"])


def test_a_reason_typed_with_a_card_number_is_stored_masked(live: Live) -> None:
    reason = "Charged twice on card 4111 1111 1111 1111, mail me at ana@example.com"
    answer = post(live.client, {"phone": VISITOR, "reason": reason}).get_json()
    stored = live.call_row(answer["call_sid"]).reason
    assert "4111" not in stored and "ana@example.com" not in stored
    assert stored.startswith("Charged twice on card")


def test_voicemail_that_answers_gets_a_message_and_is_never_put_in_line(live: Live) -> None:
    live.sandbox.set_policy(VISITOR, "machine")

    answer = post(live.client, {"phone": VISITOR}).get_json()

    call = live.sandbox.call(answer["call_sid"])
    call.wait_for_status(timeout=20)
    assert call.answered_by == "machine_end_beep"
    assert "You asked us to call you, but we could not reach you" in call.said[-1]
    assert call.queue_name is None
    row = live.call_row(answer["call_sid"])
    assert (row.outcome, row.queue, row.status) == ("answered-by-machine", None, "completed")
    assert post(live.client, {"phone": VISITOR}).status_code == 202, "the number is free again"


def test_a_form_post_works_like_json(live: Live) -> None:
    response = post(live.client, {"phone": "+1 415 555 0123"}, form=True)

    assert response.status_code == 202
    assert len(live.visitor_calls()) == 1
    assert live.call_row(response.get_json()["call_sid"]).reason is None


def test_a_second_request_while_the_visitor_is_being_called_is_refused(live: Live) -> None:
    live.sandbox.set_policy(VISITOR, "manual")  # it keeps ringing
    assert post(live.client, {"phone": VISITOR}).status_code == 202

    again = post(live.client, {"phone": "415-555-0123"})

    assert again.status_code == 409
    assert error_of(again)["reason"] == "already-pending"
    assert "already calling you" in error_of(again)["message"]
    assert len(live.visitor_calls()) == 1


def test_once_the_call_is_over_the_number_may_ask_again(live: Live) -> None:
    live.sandbox.set_policy(VISITOR, "busy")
    first = post(live.client, {"phone": VISITOR}).get_json()
    live.sandbox.call(first["call_sid"]).wait_for_status(timeout=10)

    again = post(live.client, {"phone": VISITOR})

    assert again.status_code == 202
    assert len(live.visitor_calls()) == 2


def test_a_carrier_that_cannot_be_reached_gives_503_and_frees_the_number(client) -> None:
    """The ``app`` fixture's carrier URL has nothing listening."""
    first = post(client, {"phone": VISITOR})
    second = post(client, {"phone": VISITOR})

    assert first.status_code == 503
    assert error_of(first)["reason"] == "carrier-unavailable"
    assert "Nothing was dialled" in error_of(first)["message"]
    assert second.status_code == 503, "the claim was released, so this is not a 409"


# Refused numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "reason"),
    [
        ("not a number", "invalid"),
        ("+1 202 000 0000", "invalid"),
        ("+1 415 555 0123 ext. 12", "invalid"),
        ("+1 900 234 5678", "premium-rate"),
        ("+1 800 234 5678", "toll-free"),
        ("+44 7400 123456", "country-not-allowed"),
        ("+33 6 12 34 56 78", "country-not-allowed"),
        (BUSINESS_NUMBER, "our-number"),
    ],
)
def test_a_number_we_may_not_dial_gets_422_and_nothing_is_dialled(
    client, phone: str, reason: str
) -> None:
    response = post(client, {"phone": phone})

    assert response.status_code == 422  # a dial attempt would have been a 503
    assert error_of(response)["reason"] == reason


@pytest.mark.parametrize(
    "body",
    [{}, {"phone": ""}, {"phone": 4155550123}, {"phone": VISITOR, "reason": ["x"]}],
)
def test_a_malformed_request_gets_400(client, body: dict) -> None:
    response = post(client, body)

    assert response.status_code == 400
    assert error_of(response)["reason"] == "bad-request"


def test_a_body_that_is_not_a_json_object_gets_400(client) -> None:
    response = client.post("/click-to-call", data="[1]", content_type="application/json")

    assert response.status_code == 400


def test_an_oversized_body_is_refused_unread(client) -> None:
    response = post(client, {"phone": VISITOR, "reason": "x" * 5000})

    assert response.status_code == 413
    assert error_of(response)["reason"] == "bad-request"


def test_with_redis_down_nothing_can_be_counted_so_nothing_is_dialled(tuned) -> None:
    client = tuned(redis_url="redis://127.0.0.1:9/0")

    response = post(client, {"phone": VISITOR})

    assert response.status_code == 503
    assert error_of(response)["reason"] == "unavailable"


def test_a_reason_over_500_characters_gets_422(client) -> None:
    response = post(client, {"phone": VISITOR, "reason": "x" * 501})

    assert response.status_code == 422
    assert error_of(response)["reason"] == "reason-too-long"


def test_the_allowed_countries_come_from_the_configuration(tuned) -> None:
    client = tuned(dial_countries=frozenset({"GB"}))

    assert error_of(post(client, {"phone": VISITOR}))["reason"] == "country-not-allowed"
    assert post(client, {"phone": "+44 7400 123456"}).status_code == 503  # dialled: allowed


# Origins --------------------------------------------------------------------------------------


def test_a_page_on_another_site_is_refused_and_nothing_is_dialled(tuned) -> None:
    client = tuned(click_to_call_origins=frozenset({ALLOWED_SITE}))

    response = post(client, {"phone": VISITOR}, headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    assert error_of(response)["reason"] == "origin-not-allowed"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_allowed_site_gets_the_cors_headers(tuned) -> None:
    client = tuned(click_to_call_origins=frozenset({ALLOWED_SITE}))

    response = post(client, {"phone": "+44 7400 123456"}, headers={"Origin": ALLOWED_SITE})

    assert response.status_code == 422
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_SITE
    assert "Origin" in response.headers["Vary"]


def test_the_preflight_of_an_allowed_site_allows_a_json_post(tuned) -> None:
    client = tuned(click_to_call_origins=frozenset({ALLOWED_SITE}))

    response = client.options(
        "/click-to-call",
        headers={
            "Origin": ALLOWED_SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_SITE
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Origin" in response.headers["Vary"]


def test_the_preflight_of_another_site_is_refused(client) -> None:
    response = client.options(
        "/click-to-call",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_origin_is_matched_exactly_not_by_prefix(tuned) -> None:
    client = tuned(click_to_call_origins=frozenset({ALLOWED_SITE}))

    for origin in (ALLOWED_SITE + ".evil.example", "http://www.acme-utilities.example"):
        assert post(client, {"phone": VISITOR}, headers={"Origin": origin}).status_code == 403


def test_the_apps_own_pages_may_post(client) -> None:
    response = post(client, {"phone": "nope"}, headers={"Origin": "https://ivr.example.com"})

    assert response.status_code == 422


# Rate limits ----------------------------------------------------------------------------------


def test_each_address_is_limited_even_for_numbers_we_would_not_dial(tuned) -> None:
    client = tuned(click_to_call_limit_per_ip="2/hour")

    statuses = [post(client, {"phone": "+1 900 234 5678"}).status_code for _ in range(3)]
    other_address = post(
        client, {"phone": "+1 900 234 5678"}, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )

    assert statuses == [422, 422, 429]
    assert other_address.status_code == 422


def test_a_limited_request_says_when_to_come_back(tuned) -> None:
    client = tuned(click_to_call_limit_per_ip="1/hour")
    post(client, {"phone": "nope"})

    response = post(client, {"phone": "nope"})

    assert response.status_code == 429
    assert error_of(response)["reason"] == "rate-limited"
    assert 0 < int(response.headers["Retry-After"]) <= 3600


def test_each_number_is_limited_however_it_is_written(tuned) -> None:
    client = tuned(click_to_call_limit_per_number="1/hour")

    first = post(client, {"phone": "+1 415 555 0123"})
    second = post(client, {"phone": "(415) 555-0123"}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    other = post(client, {"phone": OTHER_VISITOR})

    assert first.status_code == 503  # dialled (the carrier is unreachable here)
    assert second.status_code == 429  # not dialled
    assert other.status_code == 503


def test_the_global_budget_limits_every_number_together(tuned) -> None:
    client = tuned(click_to_call_limit_global="1/hour")

    first = post(client, {"phone": VISITOR})
    second = post(client, {"phone": OTHER_VISITOR}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    refused_number = post(client, {"phone": "+1 900 234 5678"})

    assert (first.status_code, second.status_code) == (503, 429)
    assert refused_number.status_code == 422, "a number we would not dial spends no budget"


def test_x_forwarded_for_is_believed_only_behind_a_configured_proxy(tuned) -> None:
    direct = tuned(click_to_call_limit_per_ip="1/hour")
    proxied = tuned(click_to_call_limit_per_ip="1/hour", trusted_proxies=1)

    def attempt(client: FlaskClient, forwarded: str) -> int:
        return post(client, {"phone": "nope"}, headers={"X-Forwarded-For": forwarded}).status_code

    assert [attempt(direct, "203.0.113.1"), attempt(direct, "203.0.113.2")] == [422, 429]
    assert [attempt(proxied, "203.0.113.3"), attempt(proxied, "203.0.113.4")] == [422, 422]
    assert attempt(proxied, "203.0.113.3") == 429


# Scheduled ------------------------------------------------------------------------------------


def callbacks_of(client: FlaskClient) -> list[Callback]:
    database = client.application.extensions["ivr"].database
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(Callback)))
        session.expunge_all()
        return rows


def test_a_chosen_time_books_a_callback_and_dials_nothing(client) -> None:
    response = post(
        client, {"phone": "415 555 0123", "reason": "Billing", "when": "2026-12-01T13:30:00-05:00"}
    )

    assert response.status_code == 202, response.get_json()
    answer = response.get_json()
    assert answer["outcome"] == "scheduled"
    assert answer["when"] == "2026-12-01T13:30:00-05:00"
    assert "Tuesday 01 December at 13:30 (UTC-05:00)" in answer["message"]
    [row] = callbacks_of(client)
    assert row.id == answer["callback_id"]
    assert (row.number, row.source, row.reason, row.status) == (
        VISITOR,
        "click-to-call",
        "Billing",
        "pending",
    )
    assert (row.queue, row.flow, row.promised_within_seconds) == ("support", "demo", None)
    assert row.place_at.isoformat() == row.not_before.isoformat() == "2026-12-01T18:30:00+00:00"
    assert row.due_by.isoformat() == "2026-12-01T18:45:00+00:00"


def test_a_time_without_an_offset_is_the_businesss_local_time(client) -> None:
    response = post(client, {"phone": VISITOR, "when": "2026-12-01T13:30"})

    assert response.status_code == 202
    [row] = callbacks_of(client)
    assert row.place_at.isoformat() == "2026-12-01T18:30:00+00:00"  # New York, the flow's hours


def test_a_second_booking_for_the_same_number_is_refused(client) -> None:
    post(client, {"phone": VISITOR, "when": "2026-12-01T13:30:00-05:00"})

    again = post(client, {"phone": VISITOR, "when": "2026-12-02T13:30:00-05:00"})
    now = post(client, {"phone": VISITOR})

    assert again.status_code == now.status_code == 409
    assert len(callbacks_of(client)) == 1


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("2026-12-01T09:00:00-05:00", "when-past"),
        ("2026-12-01T10:02:00-05:00", "when-past"),  # two minutes from now: ask for now
        ("2026-12-10T12:00:00-05:00", "when-too-far"),
        ("2026-12-01T21:30:00-05:00", "when-outside-hours"),  # the business is closed
        ("2026-12-01T10:30:00-05:00", "when-outside-hours"),  # 07:30 in San Francisco
        ("2026-12-06T12:00:00-05:00", "when-outside-hours"),  # a Sunday
        ("tomorrow at noon", "when-invalid"),
    ],
)
def test_a_time_we_cannot_call_at_gets_422_and_books_nothing(
    client, when: str, reason: str
) -> None:
    response = post(client, {"phone": VISITOR, "when": when})

    assert response.status_code == 422
    assert error_of(response)["reason"] == reason
    assert callbacks_of(client) == []


# The answer webhook ---------------------------------------------------------------------------


ANSWER = "/voice/click-to-call/answer?flow=demo&step=support_queue&lang=en&attempt=0"


def outbound_params(call_sid: str = "CA" + "7" * 32) -> dict[str, str]:
    return call_params(
        call_sid,
        From=BUSINESS_NUMBER,
        To=VISITOR,
        Direction="outbound-api",
        CallStatus="in-progress",
    )


def test_the_answered_visitor_is_greeted_and_enqueued_through_the_queue_step(carrier) -> None:
    response = carrier.post(ANSWER, outbound_params())

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert_valid_twiml(body)
    assert body.index("returning your request") < body.index("Please hold") < body.index("<Enqueue")


@pytest.mark.parametrize("answered_by", ["machine_start", "machine_end_beep", "fax"])
def test_a_machine_is_never_enqueued(carrier, answered_by: str) -> None:
    response = carrier.post(ANSWER, {**outbound_params(), "AnsweredBy": answered_by})

    body = response.get_data(as_text=True)
    assert_valid_twiml(body)
    assert "<Enqueue" not in body and "<Hangup" in body


def test_a_person_or_an_undecided_detection_is_put_in_line(carrier) -> None:
    for answered_by in ("human", "unknown"):
        response = carrier.post(ANSWER, {**outbound_params(), "AnsweredBy": answered_by})

        assert "<Enqueue" in response.get_data(as_text=True)


def test_the_answer_webhook_must_be_signed(client) -> None:
    response = client.post(ANSWER, data=outbound_params())

    assert response.status_code == 403


@pytest.mark.parametrize(
    "query",
    ["", "?flow=nope&step=x&lang=en", "?flow=demo&step=no_such_step&lang=en", "?flow=demo&lang="],
)
def test_the_answer_webhook_answers_valid_twiml_to_anything(carrier, query: str) -> None:
    response = carrier.post("/voice/click-to-call/answer" + query, outbound_params())

    assert response.status_code == 200
    assert_valid_twiml(response.get_data(as_text=True))


# The widget -----------------------------------------------------------------------------------


def test_the_demo_page_includes_the_widget(client) -> None:
    page = client.get("/click-to-call/demo").get_data(as_text=True)
    script = client.get("/static/callme.js")

    assert 'src="https://ivr.example.com/static/callme.js"' in page
    assert 'data-endpoint="https://ivr.example.com/click-to-call"' in page
    assert script.status_code == 200
    assert "aria-live" in script.get_data(as_text=True)


def test_the_voice_webhooks_run_none_of_the_rate_limiters_hooks(app) -> None:
    """The limits are click-to-call's alone; hooked app-wide, the limiter cost every carrier
    webhook 65-90 µs of CPU resolving that it had nothing to limit."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    scopes_with_limiter_hooks = {
        scope
        for hooks_of in hooks
        for scope, functions in hooks_of.items()
        if any("limiter" in repr(hook).lower() for hook in functions)
    }

    assert scopes_with_limiter_hooks == {"click_to_call", "console_auth"}


def test_the_voice_webhooks_run_no_hook_of_the_consoles_extensions(app) -> None:
    """CSRF, sign-in sessions and rate limits are for people's pages and the API: none of
    their request hooks runs app-wide, where every carrier webhook would pay for it."""
    app_wide = [
        hook
        for hooks_of in (app.before_request_funcs, app.after_request_funcs)
        for hook in hooks_of.get(None, ())
    ]
    assert not [
        hook
        for hook in app_wide
        if any(name in repr(hook).lower() for name in ("limiter", "csrf", "login", "remember"))
    ]
