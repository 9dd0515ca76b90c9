"""Caller IDs are classified, never trusted: every kind still reaches a person."""

import pytest

from ivr.core.callers import CallerKind, parse_caller_id


@pytest.mark.parametrize(
    ("raw", "kind", "e164"),
    [
        ("+14155550123", CallerKind.NUMBER, "+14155550123"),
        ("4155550123", CallerKind.NUMBER, "+14155550123"),
        ("+44 7700 900123", CallerKind.NUMBER, "+447700900123"),
        ("anonymous", CallerKind.WITHHELD, None),
        ("Restricted", CallerKind.WITHHELD, None),
        ("+266696687", CallerKind.WITHHELD, None),
        ("", CallerKind.WITHHELD, None),
        (None, CallerKind.WITHHELD, None),
        ("client:alice", CallerKind.CLIENT, None),
        ("sip:bob@pbx.example.com", CallerKind.SIP, None),
        ("garbage!", CallerKind.INVALID, None),
        ("1" * 300, CallerKind.INVALID, None),
        ("+1", CallerKind.INVALID, None),
    ],
)
def test_caller_ids_are_classified(raw: str | None, kind: CallerKind, e164: str | None) -> None:
    caller = parse_caller_id(raw, default_region="US")
    assert caller.kind is kind
    assert caller.e164 == e164


def test_client_and_sip_callers_keep_their_identity() -> None:
    assert parse_caller_id("client:alice").identity == "alice"
    assert parse_caller_id("sip:bob@pbx.example.com").identity == "bob"


def test_overlong_raw_value_is_truncated_for_the_record() -> None:
    assert len(parse_caller_id("x" * 10_000).raw) == 64
