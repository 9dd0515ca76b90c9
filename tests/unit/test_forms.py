"""WebhookRequest parses the carrier's forms exactly as werkzeug would."""

import pytest
from flask import Request
from werkzeug.test import EnvironBuilder

from ivr.web.forms import WebhookRequest


def environ(data: bytes | dict, content_type: str | None) -> dict:
    builder = EnvironBuilder(method="POST", path="/voice/step?flow=demo", data=data)
    if content_type:
        builder.content_type = content_type
    try:
        return builder.get_environ()
    finally:
        builder.close()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"CallSid=CA1&From=%2B14155550123&Digits=1", "application/x-www-form-urlencoded"),
        (b"a=1&a=2&b=&c", "application/x-www-form-urlencoded; charset=UTF-8"),
        (b"SpeechResult=se%C3%B1or+qu%C3%A9&x=%FF", "application/x-www-form-urlencoded"),
        (b"caf\xc3\xa9=\xff\xfe", "application/x-www-form-urlencoded"),
        ({"a": "1", "b": "2"}, None),  # multipart: left to werkzeug
        (b"not a form", "text/plain"),
    ],
    ids=["webhook", "repeated and blank", "escapes", "undecodable", "multipart", "not a form"],
)
def test_same_form_as_werkzeug(data, content_type) -> None:
    ours = WebhookRequest(environ(data, content_type))
    theirs = Request(environ(data, content_type))
    assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))
    assert list(ours.values.items(multi=True)) == list(theirs.values.items(multi=True))
    assert ours.get_data() == theirs.get_data()
