"""Broken applications: the caller hears Twilio's apology and the debugger says why."""

from __future__ import annotations

import socket
import threading

import pytest
from flask import Response

from ivr.sandbox import APPLICATION_ERROR_MESSAGE, Sandbox
from ivr.sandbox.errors import DocumentError
from ivr.sandbox.twiml import parse


@pytest.mark.parametrize(
    ("twiml", "code"),
    [
        ("<Response><Say>unclosed</Response>", 12100),
        ("<Reply><Say>Hi</Say></Reply>", 12100),
        ("", 12100),
        ("<Response><Speak>Hi</Speak></Response>", 12200),
        ("<Response><say>lower case</say></Response>", 12200),
        ("<Response><Gather><Dial>+15550111</Dial></Gather></Response>", 12200),
        ("<Response><Pause>text</Pause></Response>", 12200),
        ("<Response>stray text<Say>Hi</Say></Response>", 12200),
    ],
)
def test_invalid_twiml_plays_the_application_error_and_ends_the_call(
    sandbox, business, twiml, code
):
    call = sandbox.dial(business(twiml))
    assert call.wait_for_status() == "completed"
    assert call.said == [APPLICATION_ERROR_MESSAGE]
    assert [e.error_code for e in call.errors] == [code]
    assert sandbox.errors[0].level == "error"


def test_a_document_is_validated_before_any_verb_runs(sandbox, business):
    call = sandbox.dial(business("<Response><Say>First</Say><Sayy>Typo</Sayy></Response>"))
    call.wait_for_status()
    assert call.said == [APPLICATION_ERROR_MESSAGE]


def test_an_http_error_is_11200(sandbox, business):
    call = sandbox.dial(business(lambda received: ("oops", 500)))
    call.wait_for_status()
    assert [e.error_code for e in call.errors] == [11200]
    assert call.said == [APPLICATION_ERROR_MESSAGE]
    (request,) = call.requests
    assert request.status_code == 500 and request.error_code == 11200


def test_an_unusable_content_type_is_12300(sandbox, business):
    call = sandbox.dial(business(lambda received: Response("{}", mimetype="application/json")))
    call.wait_for_status()
    assert [e.error_code for e in call.errors] == [12300]


def test_a_document_over_64_kilobytes_is_11750(sandbox, business):
    body = "<Response>" + "<Say>padding</Say>" * 5000 + "</Response>"
    call = sandbox.dial(business(body))
    call.wait_for_status()
    assert [e.error_code for e in call.errors] == [11750]


def test_an_unreachable_server_is_11205(sandbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sandbox.add_number("+15550100", voice_url=f"http://127.0.0.1:{port}/voice")
    call = sandbox.dial("+15550100")
    call.wait_for_status()
    assert [e.error_code for e in call.errors] == [11205]


def test_a_slow_server_times_out_as_11205(twiml_app):
    release = threading.Event()
    twiml_app.on("/voice", lambda received: release.wait(2) and "<Response/>")
    with Sandbox(time_scale=0.02, webhook_timeout_seconds=0.2) as sb:
        sb.add_number("+15550100", voice_url=twiml_app.url("/voice"))
        call = sb.dial("+15550100")
        call.wait_for_status()
        release.set()
        assert [e.error_code for e in call.errors] == [11205]


def test_the_fallback_url_is_tried_with_the_error(sandbox, business, twiml_app):
    fallback = twiml_app.on("/fallback", "<Response><Say>Sorry, try later</Say></Response>")
    call = sandbox.dial(business("<Response><Oops/></Response>", voice_fallback_url=fallback))
    call.wait_for_status()
    assert call.said == ["Sorry, try later"]
    (tried,) = twiml_app.requests_to("/fallback")
    assert tried.form["ErrorCode"] == "12200"
    assert tried.form["ErrorUrl"] == twiml_app.url("/voice")


def test_an_endless_redirect_loop_is_stopped(sandbox, business):
    call = sandbox.dial(business("<Response><Redirect>/voice</Redirect></Response>"))
    call.wait_for_status()
    assert [e.error_code for e in call.errors] == [12400]
    assert "loop" in call.errors[0].message


def test_bad_attribute_values_are_warnings_and_use_the_default(sandbox, business):
    call = sandbox.dial(
        business('<Response><Pause length="soon"/><Say loop="x">Hi</Say></Response>')
    )
    call.wait_for_status()
    assert call.said == ["Hi"]
    assert {(e.error_code, e.level) for e in call.errors} == {(12200, "warning")}


def test_unsupported_verbs_are_skipped_with_a_warning(sandbox, business):
    call = sandbox.dial(business("<Response><Start/><Say>Still here</Say></Response>"))
    call.wait_for_status()
    assert call.said == ["Still here"]
    assert call.errors[0].level == "warning"


def test_document_type_declarations_are_refused():
    with pytest.raises(DocumentError) as caught:
        parse('<!DOCTYPE r [<!ENTITY a "b">]><Response/>', url=None)
    assert caught.value.code == 12100


def test_comments_and_ssml_are_accepted():
    document = parse(
        '<?xml version="1.0" encoding="UTF-8"?><Response><!-- menu -->'
        '<Say>Hello <break time="1s"/><emphasis>there</emphasis></Say></Response>',
        url=None,
    )
    (say,) = document.verbs
    assert say.text == "Hello there"


def test_endless_http_redirects_are_11215(sandbox, business, twiml_app):
    number = business(lambda received: Response("", status=302, headers={"Location": "/voice"}))
    call = sandbox.dial(number)
    call.wait_for_status()
    assert [e.error_code for e in call.errors] == [11215]


def test_an_audio_answer_is_played_then_the_call_ends(sandbox, business, twiml_app):
    number = business(lambda received: Response(b"ID3", mimetype="audio/mpeg"))
    call = sandbox.dial(number)
    call.wait_for_status("completed")
    assert [p.kind for p in call.heard] == ["play"]
    assert call.heard[0].url == twiml_app.url("/voice")
