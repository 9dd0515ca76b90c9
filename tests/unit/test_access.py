"""API roles and tokens: ranked roles, random tokens, only digests kept, the environment's admin."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ivr.core.access import Role, TokenRecord
from ivr.core.reports import searched_number
from ivr.services.access import ApiAccess
from tests.helpers import FixedClock

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


class FakeTokens:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[TokenRecord, str]] = {}
        self.writes = 0

    def add(self, *, name: str, role: Role, digest: str, at: datetime) -> TokenRecord:
        record = TokenRecord(id=len(self.rows) + 1, name=name, role=role, created_at=at)
        self.rows[record.id] = (record, digest)
        return record

    def by_digest(self, digest: str) -> TokenRecord | None:
        return next((r for r, d in self.rows.values() if d == digest), None)

    def all(self) -> list[TokenRecord]:
        return [record for record, _ in self.rows.values()]

    def revoke(self, token_id: int, at: datetime) -> TokenRecord | None:
        record, digest = self.rows[token_id]
        self.rows[token_id] = (replace(record, revoked_at=record.revoked_at or at), digest)
        return self.rows[token_id][0]

    def mark_used(self, token_id: int, at: datetime) -> None:
        self.writes += 1
        record, digest = self.rows[token_id]
        self.rows[token_id] = (replace(record, last_used_at=at), digest)


@pytest.fixture
def tokens() -> FakeTokens:
    return FakeTokens()


def access(tokens: FakeTokens, clock: FixedClock, environment_token: str | None = None):
    return ApiAccess(tokens, clock, environment_token=environment_token)


def test_each_role_may_act_as_the_roles_below_it() -> None:
    assert Role.ADMIN.may_act_as(Role.MANAGER) and Role.MANAGER.may_act_as(Role.AGENT)
    assert not Role.AGENT.may_act_as(Role.MANAGER)
    assert not Role.MANAGER.may_act_as(Role.ADMIN)


def test_an_issued_token_is_recognised_and_only_its_digest_is_kept(tokens: FakeTokens) -> None:
    service = access(tokens, FixedClock(NOW))
    issued = service.issue(Role.MANAGER, name="crm")
    ((_, digest),) = tokens.rows.values()
    assert digest == hashlib.sha256(issued.token.encode()).hexdigest()
    principal = service.recognise(issued.token)
    assert principal is not None and (principal.role, principal.name) == (Role.MANAGER, "crm")


def test_two_tokens_are_never_the_same(tokens: FakeTokens) -> None:
    service = access(tokens, FixedClock(NOW))
    assert len({service.issue(Role.AGENT, name="t").token for _ in range(50)}) == 50


def test_a_revoked_or_unknown_token_is_not_recognised(tokens: FakeTokens) -> None:
    service = access(tokens, FixedClock(NOW))
    issued = service.issue(Role.ADMIN, name="t")
    service.revoke(issued.record.id)
    assert service.recognise(issued.token) is None
    assert service.recognise("ivr_guess") is None


def test_last_used_is_written_at_most_once_a_minute(tokens: FakeTokens) -> None:
    clock = FixedClock(NOW)
    service = access(tokens, clock)
    token = service.issue(Role.AGENT, name="t").token
    for _ in range(5):
        service.recognise(token)
        clock.current += timedelta(seconds=10)
    assert tokens.writes == 1
    clock.current += timedelta(minutes=1)
    service.recognise(token)
    assert tokens.writes == 2


def test_the_environment_token_is_an_admin(tokens: FakeTokens) -> None:
    service = access(tokens, FixedClock(NOW), environment_token="e" * 40)
    principal = service.recognise("e" * 40)
    assert principal is not None and principal.role is Role.ADMIN
    assert service.recognise("e" * 39) is None


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("+14155550123", "+14155550123"),
        (" 14155550123", "+14155550123"),
        ("+1 415 555 0123", "+14155550123"),
    ],
)
def test_a_searched_number_is_normalised(text: str, e164: str) -> None:
    assert searched_number(text) == e164


@pytest.mark.parametrize("text", ["", "4155550123", "+1415", "abc"])
def test_a_searched_number_must_be_international_and_possible(text: str) -> None:
    with pytest.raises(ValueError):
        searched_number(text)
