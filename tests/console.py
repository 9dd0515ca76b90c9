"""Users and signed-in test clients for the consoles' tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count

from ivr.core.access import Role
from ivr.core.accounts import UserAccount
from ivr.core.directory import AgentDraft

PASSWORD = "correct horse battery staple"
_serial = count(1)


@dataclass(frozen=True)
class TestUser:
    account: UserAccount
    password: str

    @property
    def email(self) -> str:
        return self.account.email


def make_user(
    services,
    role: Role | str,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    agent_id: int | None = None,
    name: str | None = None,
    phone: str | None = None,
) -> TestUser:
    """A user of ``role``; an agent's user gets an agent of their own unless one is given."""
    role = Role(role)
    n = next(_serial)
    if role is Role.AGENT and agent_id is None:
        agent = services.agent_admin.register(
            AgentDraft(
                name=name or f"Agent {n}",
                phone=phone,
                client=None if phone else f"agent-{n}",
                skills=("support",),
            )
        )
        agent_id = agent.id
    account = services.accounts.create(
        email=email or f"{role}{n}@example.com",
        name=name or f"{role.title()} {n}",
        role=role,
        password=password,
        agent_id=agent_id,
    )
    return TestUser(account, password)


CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html) or CSRF_META.search(html)
    assert found, "the page has no CSRF token"
    return next(group for group in found.groups() if group)


def sign_in(client, user: TestUser, *, follow: bool = False):
    """Signs ``client`` in as ``user`` through the real form (with its CSRF token)."""
    page = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"email": user.email, "password": user.password, "csrf_token": csrf_of(page.text)},
        follow_redirects=follow,
    )
