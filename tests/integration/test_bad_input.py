"""Whatever the carrier (or an attacker with the token) sends, the answer is valid TwiML."""

import pytest

from tests.helpers import assert_valid_twiml, call_params

STEP = "/voice/step?flow=demo&step=main_menu&lang=en&attempt=0"
CORPUS = {
    "no CallSid": {k: v for k, v in call_params().items() if k != "CallSid"},
    "no From": {k: v for k, v in call_params().items() if k != "From"},
    "anonymous": call_params(From="anonymous"),
    "client caller": call_params(From="client:alice"),
    "sip caller": call_params(From="sip:bob@pbx.example.com"),
    "garbage From": call_params(From="\x00\x01<script>"),
    "300-digit Digits": call_params(Digits="7" * 300),
    "10 KB SpeechResult": call_params(SpeechResult="agent " * 1700, Confidence="0.9"),
    "non-Latin SpeechResult": call_params(
        SpeechResult="상담원 연결해 주세요 — عميل 客服", Confidence="x"
    ),
    "unknown CallStatus": call_params(CallStatus="exploded"),
    "empty": {},
}
ROUTES = ["/voice/incoming", STEP, "/voice/status", "/voice/hold?flow=demo&step=x&lang=en"]
CONTEXT = {"/voice/hold?flow=demo&step=x&lang=en": "enqueue-wait"}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_webhook_input_gets_valid_twiml_and_no_5xx(carrier, route: str, case: str) -> None:
    response = carrier.post(route, CORPUS[case])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    assert_valid_twiml(response.get_data(as_text=True), context=CONTEXT.get(route, "call"))


def test_json_body_instead_of_form_gets_valid_twiml(client, carrier) -> None:
    """Wrong content type: the signature (over no form parameters) holds, the input is empty."""
    response = client.post(
        "/voice/incoming",
        json=call_params(),
        headers={"X-Twilio-Signature": carrier.signature("/voice/incoming", {})},
    )
    assert response.status_code == 200
    assert_valid_twiml(response.get_data(as_text=True))


def test_step_url_for_a_flow_that_does_not_exist_routes_to_a_person(carrier) -> None:
    response = carrier.post("/voice/step?flow=nope&step=x&lang=en&attempt=0", call_params())
    body = response.get_data(as_text=True)
    assert_valid_twiml(body)
    assert "<Enqueue" in body or "<Dial" in body or "<Record" in body
