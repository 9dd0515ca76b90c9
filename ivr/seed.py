"""The demo business: two agents' phones and a few customers. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Customer, CustomerNumber

DEMO_BUSINESS_NUMBER = "+12025550100"


@dataclass(frozen=True)
class DemoAgent:
    name: str
    phone: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    number: str
    language: str
    notes: str = ""


DEMO_AGENTS = (
    DemoAgent("Alex Rivera", "+12025550111", ("billing", "general")),
    DemoAgent("Jordan Kim", "+12025550112", ("tech", "general")),
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
        known_agents = set(session.scalars(select(Agent.phone)))
        for agent in DEMO_AGENTS:
            if agent.phone not in known_agents:
                session.add(Agent(name=agent.name, phone=agent.phone, skills=list(agent.skills)))
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
