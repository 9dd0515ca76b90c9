"""Say, Play, Pause, Gather, Redirect, Hangup and Reject, as a caller experiences them."""

from __future__ import annotations

from twilio.request_validator import RequestValidator

from .support import CALLER


def test_caller_hears_say_and_play_in_order(sandbox, business, twiml_app):
    number = business(
        '<Response><Say voice="alice" language="fr-FR" loop="2">Bonjour</Say>'
        "<Play>https://example.com/jingle.mp3</Play><Pause/><Say>Bye</Say></Response>"
    )
    call = sandbox.dial(number)
    assert call.wait_for_status("completed") == "completed"
    heard = call.heard
    assert [(p.kind, p.text or p.url) for p in heard] == [
        ("say", "Bonjour"),
        ("say", "Bonjour"),
        ("play", "https://example.com/jingle.mp3"),
        ("say", "Bye"),
    ]
    assert heard[0].language == "fr-FR" and heard[0].voice == "alice"


def test_voice_request_carries_twilios_parameters_and_a_valid_signature(
    sandbox, business, twiml_app
):
    number = business("<Response><Say>Hi</Say></Response>")
    call = sandbox.dial(number, from_=CALLER)
    call.wait_for_status("completed")
    (first,) = twiml_app.requests_to("/voice")
    assert first.form["CallSid"] == call.sid and call.sid.startswith("CA") and len(call.sid) == 34
    assert first.form["AccountSid"] == sandbox.account_sid
    assert first.form["From"] == CALLER and first.form["Caller"] == CALLER
    assert first.form["To"] == number and first.form["Called"] == number
    assert first.form["CallStatus"] == "ringing"
    assert first.form["Direction"] == "inbound"
    assert first.form["ApiVersion"] == "2010-04-01"
    assert first.form["FromCountry"] == "US"
    validator = RequestValidator(sandbox.auth_token)
    assert validator.validate(first.url, first.form, first.headers["X-Twilio-Signature"])
    assert not RequestValidator("wrong-token").validate(
        first.url, first.form, first.headers["X-Twilio-Signature"]
    )


def test_get_webhooks_are_signed_over_the_query_string(sandbox, business, twiml_app):
    number = business("<Response><Hangup/></Response>", voice_method="GET")
    sandbox.dial(number).wait_for_status("completed")
    (first,) = twiml_app.requests_to("/voice")
    assert first.method == "GET" and first.args["CallSid"]
    validator = RequestValidator(sandbox.auth_token)
    assert validator.validate(first.url, {}, first.headers["X-Twilio-Signature"])


def test_gather_posts_digits_to_its_action(sandbox, business, twiml_app):
    twiml_app.on("/menu", "<Response><Say>Thanks</Say></Response>")
    number = business(
        '<Response><Gather action="/menu" numDigits="1"><Say>Press 1 for sales</Say></Gather>'
        "<Say>Nothing?</Say></Response>"
    )
    call = sandbox.dial(number)
    assert [p.text for p in call.wait_for_prompt()] == ["Press 1 for sales"]
    assert call.press("1")
    call.wait_for_status("completed")
    (menu,) = twiml_app.requests_to("/menu")
    assert menu.form["Digits"] == "1" and menu.form["CallStatus"] == "in-progress"
    assert call.said == ["Press 1 for sales", "Thanks"]


def test_gather_finish_on_key_ends_the_input_and_is_not_sent(sandbox, business, twiml_app):
    twiml_app.on("/account", "<Response/>")
    number = business('<Response><Gather action="/account"><Say>Account?</Say></Gather></Response>')
    call = sandbox.dial(number)
    call.wait_for_prompt()
    call.press("1234#")
    call.wait_for_status("completed")
    assert twiml_app.requests_to("/account")[0].form["Digits"] == "1234"


def test_gather_without_action_posts_to_the_current_document(sandbox, business, twiml_app):
    answers = iter(
        ['<Response><Gather numDigits="2"><Say>Code</Say></Gather></Response>', "<Response/>"]
    )
    number = business(lambda received: next(answers))
    call = sandbox.dial(number)
    call.wait_for_prompt()
    call.press("42")
    call.wait_for_status("completed")
    first, second = twiml_app.requests_to("/voice")
    assert "Digits" not in first.form and second.form["Digits"] == "42"


def test_gather_speech_posts_speech_result_and_confidence(sandbox, business, twiml_app):
    twiml_app.on("/speech", "<Response/>")
    number = business(
        '<Response><Gather input="speech" action="/speech" language="en-GB">'
        "<Say>What can I do for you?</Say></Gather></Response>"
    )
    call = sandbox.dial(number)
    call.wait_for_prompt()
    assert call.listening == "gather"
    call.speak("talk to an agent")
    call.wait_for_status("completed")
    (posted,) = twiml_app.requests_to("/speech")
    assert posted.form["SpeechResult"] == "talk to an agent"
    assert posted.form["Confidence"] == "0.9"
    assert "Digits" not in posted.form


def test_gather_with_no_input_goes_on_with_the_next_verb(sandbox, business, twiml_app):
    twiml_app.on("/never", "<Response/>")
    number = business(
        '<Response><Gather action="/never"><Say>Press a key</Say></Gather>'
        "<Say>We did not get your choice</Say></Response>"
    )
    call = sandbox.dial(number)
    call.wait_for_prompt()
    call.stay_silent()
    call.wait_for_status("completed")
    assert call.said == ["Press a key", "We did not get your choice"]
    assert twiml_app.requests_to("/never") == []


def test_gather_times_out_on_a_live_call(sandbox, business, twiml_app):
    number = business(
        '<Response><Gather timeout="3"><Say>Press a key</Say></Gather>'
        "<Say>Timed out</Say></Response>"
    )
    call = sandbox.dial(number, scripted=False)
    call.wait_for_status("completed")
    assert call.said == ["Press a key", "Timed out"]


def test_gather_action_on_empty_result_posts_without_digits(sandbox, business, twiml_app):
    twiml_app.on("/empty", "<Response/>")
    number = business(
        '<Response><Gather action="/empty" actionOnEmptyResult="true"><Say>Hi</Say></Gather>'
        "<Say>Unreachable</Say></Response>"
    )
    call = sandbox.dial(number)
    call.wait_for_prompt()
    call.stay_silent()
    call.wait_for_status("completed")
    (posted,) = twiml_app.requests_to("/empty")
    assert "Digits" not in posted.form
    assert "Unreachable" not in call.said


def test_keys_pressed_during_a_prompt_interrupt_it(sandbox, business, twiml_app):
    twiml_app.on("/choice", "<Response/>")
    number = business(
        '<Response><Gather action="/choice" numDigits="1">'
        '<Say loop="20">First option is a very long description of the first option</Say>'
        "<Say>Second option</Say></Gather></Response>"
    )
    call = sandbox.dial(number)
    sandbox.wait_until(lambda: call.listening == "gather", what="the gather")
    call.press("2")
    call.wait_for_status("completed")
    assert "Second option" not in call.said
    assert twiml_app.requests_to("/choice")[0].form["Digits"] == "2"


def test_keys_pressed_when_nothing_listens_are_lost(sandbox, business):
    number = business('<Response><Pause length="2"/><Say>Done</Say></Response>')
    call = sandbox.dial(number)
    call.wait_for_status("in-progress")
    assert call.press("5") is False
    call.wait_for_status("completed")


def test_redirect_fetches_the_next_document_with_its_method(sandbox, business, twiml_app):
    twiml_app.on("/next", "<Response><Say>Next</Say></Response>")
    number = business(
        '<Response><Redirect method="GET">/next</Redirect><Say>Never</Say></Response>'
    )
    call = sandbox.dial(number)
    call.wait_for_status("completed")
    (second,) = twiml_app.requests_to("/next")
    assert second.method == "GET" and second.args["CallSid"] == call.sid
    assert call.said == ["Next"]


def test_hangup_ends_the_call_completed(sandbox, business):
    number = business("<Response><Hangup/><Say>Never</Say></Response>")
    call = sandbox.dial(number)
    assert call.wait_for_status("completed") == "completed"
    assert call.said == []


def test_reject_busy_ends_the_call_busy_without_answering(sandbox, business):
    number = business('<Response><Reject reason="busy"/></Response>')
    call = sandbox.dial(number)
    assert call.wait_for_status() == "busy"
    assert call._call.answered_at is None


def test_reject_defaults_to_rejected_which_ends_no_answer(sandbox, business):
    number = business("<Response><Reject/></Response>")
    assert sandbox.dial(number).wait_for_status() == "no-answer"


def test_text_plain_answer_is_read_out_then_the_call_ends(sandbox, business, twiml_app):
    from flask import Response

    number = business(lambda received: Response("Hello there", mimetype="text/plain"))
    call = sandbox.dial(number)
    call.wait_for_status("completed")
    assert call.said == ["Hello there"]


def test_caller_hanging_up_ends_the_call(sandbox, business):
    number = business("<Response><Gather><Say>Menu</Say></Gather></Response>")
    call = sandbox.dial(number)
    call.wait_for_prompt()
    call.hang_up()
    assert call.wait_for_status() == "completed"


def test_calling_an_unknown_number_fails(sandbox):
    call = sandbox.dial("+15559999")
    assert call.wait_for_status() == "failed"
