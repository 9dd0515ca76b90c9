"""The demo business: agents (two on phones, one in the browser console), a few customers, and
the consoles' demo users. Safe to run again."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Customer, CustomerNumber

DEMO_BUSINESS_NUMBER = "+12025550100"


@dataclass(frozen=True)
class DemoAgent:
    name: str
    phone: str | None
    skills: tuple[str, ...]
    client: str | None = None
    """A browser agent's identity (``client:<identity>``): they answer in the agent console."""


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    number: str
    language: str
    notes: str = ""


DEMO_AGENTS = (
    DemoAgent("Alex Rivera", "+12025550111", ("billing", "general")),
    DemoAgent("Jordan Kim", "+12025550112", ("tech", "general")),
    DemoAgent("Casey Morgan", None, ("billing", "tech", "general"), client="casey"),
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    agent_client: str | None = None
    """The demo agent (by client identity) an agent's user is."""


DEMO_USERS = (
    DemoUser("casey@demo.example", "Casey Morgan", "agent", agent_client="casey"),
    DemoUser("morgan@demo.example", "Morgan Lee", "manager"),
)
DEMO_CUSTOMERS = (
    DemoCustomer("Ana García", "+14155550123", "es", "Prefers Spanish. Paperless billing."),
    DemoCustomer("Sam Lee", "+14155550124", "en", "Fibre customer since 2021."),
    DemoCustomer("Priya Shah", "+447700900123", "en"),
)


def seed_demo(database: Database) -> dict[str, int]:
    """Insert what is missing; existing rows (matched by phone number) are left as they are."""
    added = {"agents": 0, "customers": 0}
    with database.unit_of_work() as session:
        known_agents = set(session.scalars(select(Agent.phone))) | set(
            session.scalars(select(Agent.client_identity))
        )
        for agent in DEMO_AGENTS:
            if (agent.phone or agent.client) not in known_agents:
                session.add(
                    Agent(
                        name=agent.name,
                        phone=agent.phone,
                        client_identity=agent.client,
                        skills=list(agent.skills),
                        # A browser agent is offline until they sign in and say available.
                        status="offline" if agent.client else "available",
                    )
                )
                added["agents"] += 1
        known_numbers = set(session.scalars(select(CustomerNumber.number)))
        for customer in DEMO_CUSTOMERS:
            if customer.number not in known_numbers:
                session.add(
                    Customer(
                        name=customer.name,
                        language=customer.language,
                        notes=customer.notes,
                        numbers=[CustomerNumber(number=customer.number)],
                    )
                )
                added["customers"] += 1
    return added


def seed_demo_users(database: Database, logins_file: Path) -> list[tuple[DemoUser, str]]:
    """The demo's agent and manager users, with passwords made at random the first time and
    kept in ``logins_file`` (readable by its owner only) so the demo prints them every run.

    Never a fixed password: a demo left running on a reachable port must not open to a
    password printed in a public README."""
    from ivr.bootstrap import accounts_on

    known: dict[str, str] = {}
    if logins_file.exists():
        known = json.loads(logins_file.read_text())
    accounts = accounts_on(database)
    with database.unit_of_work() as session:
        agent_ids = {
            identity: agent_id
            for agent_id, identity in session.execute(select(Agent.id, Agent.client_identity))
            if identity
        }
    logins = []
    for user in DEMO_USERS:
        found = accounts.users.by_email(user.email)
        password = known.get(user.email)
        if found is None or password is None:
            password = secrets.token_urlsafe(12)
            if found is None:
                accounts.create(
                    email=user.email,
                    name=user.name,
                    role=user.role,
                    password=password,
                    agent_id=agent_ids.get(user.agent_client or ""),
                )
            else:
                accounts.change_password(found[0].id, password)
            known[user.email] = password
        logins.append((user, password))
    logins_file.parent.mkdir(parents=True, exist_ok=True)
    logins_file.touch(mode=0o600, exist_ok=True)
    logins_file.chmod(0o600)
    logins_file.write_text(json.dumps(known, indent=2))
    return logins
