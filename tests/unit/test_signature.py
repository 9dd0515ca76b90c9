"""Our one-pass signature is the twilio library's, for every shape of parameters."""

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from ivr.web.security import expected_signature

TOKEN = "12345678901234567890123456789012"
URL = "https://ivr.example/voice/step?flow=demo&step=main_menu&lang=en&attempt=0"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"CallSid": "CA" + "1" * 32, "From": "+14155550123", "Digits": "1"},
        MultiDict([("b", "2"), ("a", "1"), ("b", "1"), ("b", "2"), ("c", "")]),
        MultiDict([("SpeechResult", "señor, ¿qué tal?"), ("Confidence", "0.9")]),
    ],
    ids=["none", "dict", "repeated names and values", "non-ascii"],
)
def test_matches_the_twilio_library(params) -> None:
    validator = RequestValidator(TOKEN)
    assert expected_signature(validator.token, URL, params) == validator.compute_signature(
        URL, params
    )
