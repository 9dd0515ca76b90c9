"""Accounts in the core: e-mail addresses, password rules, session identities, sign-in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr.adapters.passwords import fast_passwords_for_tests
from ivr.core.access import Role
from ivr.core.accounts import (
    AccountError,
    UserAccount,
    check_password,
    normalise_email,
    parse_session_id,
)
from ivr.services.accounts import Accounts

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return NOW


class MemoryUsers:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[UserAccount, str]] = {}

    def add(self, *, email, name, role, password_hash, agent_id, at) -> UserAccount:
        user = UserAccount(len(self.rows) + 1, email, name, role, agent_id, True, 1, at)
        self.rows[user.id] = (user, password_hash)
        return user

    def by_id(self, user_id):
        return self.rows.get(user_id, (None,))[0]

    def by_email(self, email):
        return next((row for row in self.rows.values() if row[0].email == email), None)

    def by_agent(self, agent_id):
        return next((u for u, _ in self.rows.values() if u.agent_id == agent_id), None)

    def all(self):
        return [u for u, _ in self.rows.values()]

    def set_password_hash(self, user_id, password_hash, *, new_session):
        user, _ = self.rows[user_id]
        if new_session:
            user = UserAccount(**{**user.__dict__, "session_version": user.session_version + 1})
        self.rows[user_id] = (user, password_hash)

    def set_active(self, user_id, active):
        user, stored = self.rows[user_id]
        self.rows[user_id] = (
            UserAccount(
                **{**user.__dict__, "active": active, "session_version": user.session_version + 1}
            ),
            stored,
        )

    def record_login(self, user_id, at):
        pass


@pytest.fixture
def accounts() -> Accounts:
    return Accounts(
        users=MemoryUsers(),
        passwords=fast_passwords_for_tests(),
        clock=Clock(),
        agent_exists=lambda agent_id: agent_id == 7,
    )


@pytest.mark.parametrize(
    "raw, expected", [("Ann@Example.COM ", "ann@example.com"), ("a.b@x.org", "a.b@x.org")]
)
def test_an_email_address_is_kept_lower_cased(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "ann", "ann@", "@x.org", "ann@localhost", "a b@x.org"])
def test_what_is_not_an_email_address_is_refused(raw: str) -> None:
    with pytest.raises(AccountError):
        normalise_email(raw)


def test_a_password_needs_length_not_composition() -> None:
    check_password("all lower case words", email="a@x.org")
    with pytest.raises(AccountError, match="at least 12"):
        check_password("Sh0rt!", email="a@x.org")
    with pytest.raises(AccountError, match="e-mail"):
        check_password("longname@example.org", email="longname@example.org")


def test_a_session_id_names_the_user_and_their_session_version() -> None:
    assert parse_session_id("12.3") == (12, 3)
    for broken in ("", "12", "x.1", "1.x", "1.2.3"):
        assert parse_session_id(broken) is None


def test_an_agents_user_must_be_an_existing_agent(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="--agent"):
        accounts.create(email="a@x.org", name="A", role=Role.AGENT, password="p" * 12)
    with pytest.raises(AccountError, match="no agent 8"):
        accounts.create(email="a@x.org", name="A", role="agent", password="p" * 12, agent_id=8)
    user = accounts.create(email="a@x.org", name="A", role="agent", password="p" * 12, agent_id=7)
    assert user.agent_id == 7
    with pytest.raises(AccountError, match="already has a user"):
        accounts.create(email="b@x.org", name="B", role="agent", password="p" * 12, agent_id=7)


def test_signing_in_needs_the_right_password_of_an_active_user(accounts: Accounts) -> None:
    user = accounts.create(email="m@x.org", name="M", role="manager", password="p" * 12)
    assert accounts.authenticate("M@X.org", "p" * 12) == user
    assert accounts.authenticate("m@x.org", "q" * 12) is None
    assert accounts.authenticate("nobody@x.org", "p" * 12) is None
    assert accounts.authenticate("not an address", "p" * 12) is None
    accounts.deactivate(user.id)
    assert accounts.authenticate("m@x.org", "p" * 12) is None


def test_a_session_ends_when_the_password_changes(accounts: Accounts) -> None:
    user = accounts.create(email="m@x.org", name="M", role="manager", password="p" * 12)
    assert accounts.by_session_id(user.session_id) == user
    accounts.change_password(user.id, "a different passphrase")
    assert accounts.by_session_id(user.session_id) is None
    assert accounts.by_session_id(accounts.users.by_id(user.id).session_id) is not None
