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


def csrf_header(client) -> dict[str, str]:
    """The CSRF token of a signed-in client's console page, as the page's script sends it."""
    return {"X-CSRFToken": csrf_of(client.get("/console/agent").text)}


class RecordingCarrier:
    """The ``Carrier`` port, remembering what it was asked; ``refuse`` makes it fail."""

    def __init__(self) -> None:
        self.redirects: list[tuple[str, str]] = []
        self.refuse: Exception | None = None

    def place_call(self, leg) -> str:
        raise AssertionError("no call should be placed here")

    def redirect(self, call_sid: str, url: str) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.redirects.append((call_sid, url))


def use_carrier(services, carrier) -> None:
    """The services' REST carrier replaced (before anything that holds it is built)."""
    for name in ("carrier", "transfers", "dispatcher"):
        services.__dict__.pop(name, None)
    services.__dict__["carrier"] = carrier


def put_on_call(services, agent_id: int, call_sid: str, *, queue: str = "support") -> None:
    """The agent took ``call_sid`` from the line, as the whisper's key press leaves it: the
    caller's entry connected, the agent on the call, the call answered by them."""
    from ivr.core.queueing import AgentState, EntryKind, LineEntry

    now = services.line_clock.now()
    services.dispatcher.sync_agents()
    for other, (state, _, _) in services.line.agent_states().items():
        if other != agent_id and state is AgentState.AVAILABLE:
            services.dispatcher.set_agent_status(other, AgentState.OFFLINE)
    services.dispatcher.set_agent_status(agent_id, AgentState.AVAILABLE)
    services.line.join(
        LineEntry(
            id=call_sid,
            queue=queue,
            kind=EntryKind.CALLER,
            arrived_at=now.timestamp() - 30,
            leg=call_sid,
            flow="demo",
            step="support_queue",
            language="en",
        ),
        now=now.timestamp(),
    )
    match = services.line.match(now=now.timestamp())
    assert match is not None and match.agent.id == agent_id, match
    assert services.waiting.accepted(call_sid, agent_id)
