"""Only the carrier may drive a call: every Twilio-facing route checks X-Twilio-Signature."""

import pytest

from tests.helpers import PUBLIC_BASE_URL, call_params

SIGNED_ROUTES = [
    "/voice/incoming",
    "/voice/status",
    "/voice/step?flow=demo&step=main_menu&lang=en&attempt=0",
    "/voice/hold?flow=demo&step=to_agent&lang=en&attempt=0&queue=support",
    "/voice/hold/leave?flow=demo&step=to_agent&lang=en&attempt=0&queue=support",
    "/voice/queue-done?flow=demo&step=to_agent&lang=en&attempt=0&queue=support",
    "/voice/queue/connect?entry=CA1&agent=1",
    "/voice/queue/dialed?entry=CA1&agent=1",
    "/voice/agent/whisper?entry=CA1&agent=1",
    "/voice/agent/take?entry=CA1&agent=1",
    "/voice/callback/confirm?flow=demo&step=support_queue&lang=en",
    "/voice/callback/answer?callback=1&agent=1",
    "/voice/callback/hold?entry=cb-1",
    "/voice/callback/status?callback=1&agent=1",
    "/voice/recording",
    "/voice/last-resort",
]


@pytest.mark.parametrize("path", SIGNED_ROUTES)
def test_unsigned_request_is_refused(client, path: str) -> None:
    response = client.post(path, data=call_params())
    assert response.status_code == 403


@pytest.mark.parametrize("path", SIGNED_ROUTES)
def test_wrongly_signed_request_is_refused(client, path: str) -> None:
    response = client.post(path, data=call_params(), headers={"X-Twilio-Signature": "bm9wZQ=="})
    assert response.status_code == 403


def test_signature_over_other_parameters_is_refused(client, carrier) -> None:
    signature = carrier.signature("/voice/incoming", call_params(From="+14155550100"))
    response = client.post(
        "/voice/incoming",
        data=call_params(From="+14155550999"),
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403


def test_signature_is_checked_against_public_url_not_host_header(client, carrier) -> None:
    """Behind a proxy the Host differs; the URL Twilio signed is PUBLIC_BASE_URL's."""
    params = call_params()
    response = carrier.post("/voice/incoming", params, headers={"Host": "internal-lb:8080"})
    assert response.status_code == 200
    forged = client.post(
        "/voice/incoming",
        data=params,
        headers={
            "Host": "attacker.example",
            "X-Twilio-Signature": carrier.validator.compute_signature(
                "http://attacker.example/voice/incoming", params
            ),
        },
    )
    assert forged.status_code == 403


def test_query_string_is_part_of_what_is_signed(client, carrier) -> None:
    signed_for = "/voice/step?flow=demo&step=main_menu&lang=en&attempt=0"
    signature = carrier.signature(signed_for, call_params())
    tampered = signed_for.replace("attempt=0", "attempt=1")
    response = client.post(tampered, data=call_params(), headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert PUBLIC_BASE_URL.startswith("https://")


def test_unreadable_unsigned_body_is_refused_not_answered(client, app) -> None:
    """A body Werkzeug refuses (over 1,000 multipart parts) must not reach the fallback."""
    from werkzeug.test import EnvironBuilder

    fields = {f"f{n}": "x" for n in range(1100)}
    builder = EnvironBuilder(
        path="/voice/step?flow=demo&step=main_menu&lang=en&attempt=0",
        method="POST",
        data=fields,
        content_type="multipart/form-data",
    )
    response = client.open(builder)
    assert response.status_code == 403
    assert app.extensions["ivr"].jobs.high.count == 0


def test_head_request_body_must_be_signed_too(client, carrier) -> None:
    params = call_params(CallStatus="completed")
    signature_for_url_only = carrier.signature("/voice/status", {})
    response = client.open(
        "/voice/status",
        method="HEAD",
        data=params,
        headers={"X-Twilio-Signature": signature_for_url_only},
    )
    assert response.status_code in (403, 405)
