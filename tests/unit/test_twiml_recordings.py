"""The TwiML for the demo's recordings: where Twilio reports each clip, and what it is.

A reason clip's ``recordingStatusCallback`` says ``kind=reason`` (it is transcribed ahead of
the backlog); a message left at a voicemail step says no kind. Both documents are the ones
the interpreter's turns render to, with the real ``PublicUrls``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from ivr.core.flows import interpreter
from ivr.core.flows.context import CallContext
from ivr.core.flows.loader import load_flow
from ivr.web.links import RECORDING, STEP, PublicUrls
from ivr.web.twiml import render
from tests.unit.flows.conftest import DEMO, TUESDAY_NOON

BASE = "https://ivr.example.com"
SUNDAY_NOON = datetime(2026, 3, 15, 16, 0, tzinfo=UTC)


def demo_document(*, at: datetime, step: str | None = None) -> ElementTree.Element:
    flow = load_flow(DEMO)
    ctx = CallContext(call_sid="CA1", now=at, customer_language="en")
    turn = interpreter.enter(flow, step, ctx) if step else interpreter.start(flow, ctx)
    return ElementTree.fromstring(render(turn.instructions, PublicUrls(BASE)))


def url_parts(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


def test_a_reason_clip_is_reported_as_a_reason() -> None:
    document = demo_document(at=TUESDAY_NOON)  # open: asked why they call

    [record] = document.iter("Record")
    callback, query = url_parts(record.get("recordingStatusCallback"))
    assert (callback, query) == (BASE + RECORDING, {"kind": ["reason"]})
    assert record.get("recordingStatusCallbackMethod") == "POST"
    assert (record.get("maxLength"), record.get("timeout")) == ("15", "3")


def test_the_reason_documents_verbs_come_in_order_and_carry_the_notice_mark() -> None:
    document = demo_document(at=TUESDAY_NOON)

    gather, record, redirect = list(document)[-3:]
    assert (gather.tag, record.tag, redirect.tag) == ("Gather", "Record", "Redirect")
    assert (gather.get("input"), gather.get("numDigits"), gather.get("timeout")) == (
        "dtmf",
        "1",
        "1",
    )
    for url in (gather.get("action"), record.get("action"), redirect.text):
        path, query = url_parts(url)
        assert path == BASE + STEP
        assert (query["step"], query["rec"]) == (["reason"], ["1"])
    assert url_parts(redirect.text)[1]["event"] == ["no-recording"]


def test_a_voicemail_message_is_reported_without_a_kind() -> None:
    document = demo_document(at=SUNDAY_NOON, step="voicemail")

    [record] = document.iter("Record")
    assert record.get("recordingStatusCallback") == BASE + RECORDING
