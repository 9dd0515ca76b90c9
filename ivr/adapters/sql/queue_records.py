"""What the waiting line writes to and reads from the records.

The line lives in Redis; the records keep what must outlive it: when each caller joined (their
place, to rebuild the line after a loss), who took them and how long they waited, every estimate
they heard, and the agents' chosen status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import (
    Agent,
    Call,
    Callback,
    Case,
    Customer,
    WaitEstimateSpoken,
)
from ivr.adapters.sql.records import insert_if_new
from ivr.core.calls import FINAL_STATUSES, Outcome
from ivr.core.queueing import AgentOnShift, AgentState

_FINAL = [str(s) for s in FINAL_STATUSES]


@dataclass(frozen=True)
class WaitingCall:
    """A caller the records say is waiting in a queue (to rebuild the line from)."""

    call_sid: str
    queue: str
    skills: frozenset[str]
    queued_at: datetime
    number: str | None
    customer_id: int | None
    language: str | None
    flow: str | None


@dataclass(frozen=True)
class CallerSummary:
    """What an agent hears about a caller before taking them."""

    name: str | None
    number: str | None
    reason: str | None
    queue: str | None
    skills: tuple[str, ...]


@dataclass(frozen=True)
class RosterAgent:
    agent: AgentOnShift
    chosen: AgentState
    idle_since: datetime | None


class SqlQueueRecords:
    def __init__(self, database: Database) -> None:
        self._db = database

    def last_agent_for(self, number: str, *, since: datetime) -> int | None:
        """The agent who last took a call from this number since a time (sticky routing)."""
        with self._db.unit_of_work() as session:
            return session.scalar(
                select(Call.agent_id)
                .where(
                    Call.from_number == number,
                    Call.agent_id.is_not(None),
                    Call.direction == "inbound",
                    Call.started_at >= since,
                )
                .order_by(Call.started_at.desc())
                .limit(1)
            )

    def mark_queued(
        self, call_sid: str, *, at: datetime, callback_id: int | None = None
    ) -> datetime | None:
        """The caller joined the line (the first time only: their place does not move).
        Returns the time their place dates from (None for a call we have no record of)."""
        values: dict = {"queued_at": func.coalesce(Call.queued_at, at)}
        if callback_id is not None:
            values["callback_id"] = callback_id
        with self._db.unit_of_work() as session:
            session.execute(update(Call).where(Call.call_sid == call_sid).values(values))
            return session.scalar(select(Call.queued_at).where(Call.call_sid == call_sid))

    def mark_outcome(self, call_sid: str, outcome: Outcome) -> None:
        with self._db.unit_of_work() as session:
            session.execute(
                update(Call).where(Call.call_sid == call_sid).values(outcome=str(outcome))
            )

    def mark_answered(
        self, call_sid: str, *, agent_id: int, wait_seconds: int | None, at: datetime
    ) -> None:
        """An agent took the caller: who, after how long, and the estimates' real outcome.
        ``wait_seconds`` None (a transferred caller taken by the next agent) keeps the wait
        recorded when the first agent took them."""
        values: dict = {
            "agent_id": agent_id,
            "answered_at": func.coalesce(Call.answered_at, at),
            "outcome": str(Outcome.ANSWERED),
        }
        if wait_seconds is not None:
            values["wait_seconds"] = wait_seconds
        with self._db.unit_of_work() as session:
            session.execute(update(Call).where(Call.call_sid == call_sid).values(values))
            estimates = session.scalars(
                select(WaitEstimateSpoken).where(
                    WaitEstimateSpoken.call_sid == call_sid,
                    WaitEstimateSpoken.actual_wait_seconds.is_(None),
                )
            ).all()
            for estimate in estimates:
                estimate.actual_wait_seconds = max(0, round((at - estimate.at).total_seconds()))
            # The case the call is about now has this agent: its next call is offered to them.
            case_id = session.scalar(select(Call.case_id).where(Call.call_sid == call_sid))
            if case_id is not None:
                session.execute(
                    update(Case)
                    .where(Case.id == case_id)
                    .values(agent_id=agent_id, last_call_sid=call_sid, updated_at=at)
                )

    def agent_leg(self, call_sid: str, *, agent_id: int, to: str, at: datetime) -> None:
        """The leg that rang an agent for a caller: whose phone, so it can be audited."""
        with self._db.unit_of_work() as session:
            _ensure_row(session, call_sid, at)
            session.execute(
                update(Call)
                .where(Call.call_sid == call_sid)
                .values(
                    agent_id=agent_id,
                    direction="outbound-dial",
                    to_number=to[:64],
                    caller_kind="number",
                )
            )

    def callback_leg(
        self,
        call_sid: str,
        *,
        callback_id: int,
        to: str,
        customer_id: int | None,
        reason: str | None,
        queue: str,
        at: datetime,
    ) -> None:
        """The call a callback placed: to whom, for which promise, and why they wanted it."""
        with self._db.unit_of_work() as session:
            _ensure_row(session, call_sid, at)
            session.execute(
                update(Call)
                .where(Call.call_sid == call_sid)
                .values(
                    direction="outbound-api",
                    to_number=to[:64],
                    from_number=to,
                    caller_kind="number",
                    customer_id=customer_id,
                    callback_id=callback_id,
                    reason=reason,
                    queue=queue,
                )
            )

    def mark_waited(self, call_sid: str, *, wait_seconds: int) -> None:
        """The caller left the line without an agent, after this long."""
        with self._db.unit_of_work() as session:
            session.execute(
                update(Call).where(Call.call_sid == call_sid).values(wait_seconds=wait_seconds)
            )

    def record_estimate(
        self,
        call_sid: str,
        *,
        queue: str,
        at: datetime,
        kind: str,
        position: int | None,
        agents: int | None,
        mean_seconds: float,
        p90_seconds: float,
        claimed_low_seconds: float | None,
        claimed_high_seconds: float | None,
        text: str,
    ) -> None:
        with self._db.unit_of_work() as session:
            session.add(
                WaitEstimateSpoken(
                    call_sid=call_sid,
                    queue=queue,
                    at=at,
                    kind=kind,
                    position=position,
                    agents=agents,
                    mean_seconds=mean_seconds,
                    p90_seconds=p90_seconds,
                    claimed_low_seconds=_whole(claimed_low_seconds),
                    claimed_high_seconds=_whole(claimed_high_seconds),
                    text=text,
                )
            )

    def caller_summary(self, call_sid: str) -> CallerSummary | None:
        with self._db.unit_of_work() as session:
            row = session.execute(
                select(Call.from_number, Call.reason, Call.queue, Call.skills, Customer.name)
                .outerjoin(Customer, Customer.id == Call.customer_id)
                .where(Call.call_sid == call_sid)
            ).first()
        if row is None:
            return None
        return CallerSummary(
            name=row.name,
            number=row.from_number,
            reason=row.reason,
            queue=row.queue,
            skills=tuple(row.skills or ()),
        )

    def customer_name(self, customer_id: int) -> str | None:
        with self._db.unit_of_work() as session:
            return session.scalar(select(Customer.name).where(Customer.id == customer_id))

    def finished(self, call_sids: list[str]) -> set[str]:
        """Which of these calls the records say are over (their final status arrived)."""
        if not call_sids:
            return set()
        with self._db.unit_of_work() as session:
            return set(
                session.scalars(
                    select(Call.call_sid).where(
                        Call.call_sid.in_(call_sids), Call.status.in_(_FINAL)
                    )
                )
            )

    def waiting_calls(self, *, since: datetime) -> list[WaitingCall]:
        """Callers holding in a queue by the records: queued, not taken, not over."""
        with self._db.unit_of_work() as session:
            rows = session.execute(
                select(Call)
                .where(
                    Call.queued_at.is_not(None),
                    Call.queued_at >= since,
                    Call.outcome == str(Outcome.QUEUED),
                    Call.agent_id.is_(None),
                    or_(Call.status.is_(None), Call.status.not_in(_FINAL)),
                )
                .order_by(Call.queued_at)
            ).scalars()
            return [
                WaitingCall(
                    call_sid=call.call_sid,
                    queue=(call.queue or "support").split("+")[0],
                    skills=frozenset(call.skills or ()),
                    queued_at=call.queued_at,
                    number=call.from_number,
                    customer_id=call.customer_id,
                    language=call.language,
                    flow=call.flow,
                )
                for call in rows
            ]

    def callback_of(self, call_sid: str) -> int | None:
        """The callback a call placed or merged with."""
        with self._db.unit_of_work() as session:
            return session.scalar(select(Call.callback_id).where(Call.call_sid == call_sid))

    def callbacks_pending(self, queue: str | None = None) -> int:
        with self._db.unit_of_work() as session:
            query = select(func.count(Callback.id)).where(
                Callback.status.in_(("pending", "calling"))
            )
            if queue:
                query = query.where(Callback.queue == queue)
            return session.scalar(query) or 0

    # -- the roster ----------------------------------------------------------------------------

    def roster(self) -> list[RosterAgent]:
        """Active agents who can be reached (a phone or a browser identity)."""
        with self._db.unit_of_work() as session:
            agents = session.scalars(
                select(Agent)
                .where(
                    Agent.active.is_(True),
                    or_(Agent.phone.is_not(None), Agent.client_identity.is_not(None)),
                )
                .order_by(Agent.id)
            ).all()
            return [_rostered(agent) for agent in agents]

    def rostered(self, agent_id: int) -> RosterAgent | None:
        with self._db.unit_of_work() as session:
            agent = session.get(Agent, agent_id)
            if agent is None or not agent.active:
                return None
            return _rostered(agent)

    def set_chosen_status(self, agent_id: int, status: AgentState) -> bool:
        with self._db.unit_of_work() as session:
            return (
                session.execute(
                    update(Agent).where(Agent.id == agent_id).values(status=str(status))
                ).rowcount
                == 1
            )

    def agent_idle_since(self, agent_id: int, at: datetime) -> None:
        with self._db.unit_of_work() as session:
            session.execute(update(Agent).where(Agent.id == agent_id).values(idle_since=at))


def _ensure_row(session, call_sid: str, at: datetime) -> None:
    """A leg's row may not exist yet (its status callback can come first, or never)."""
    insert_if_new(session, Call.__table__, {"call_sid": call_sid, "started_at": at, "path": []})


def _rostered(agent: Agent) -> RosterAgent:
    try:
        chosen = AgentState(agent.status or "available")
    except ValueError:
        chosen = AgentState.OFFLINE
    return RosterAgent(
        agent=AgentOnShift(
            id=agent.id,
            name=agent.name,
            dial_target=agent.phone or f"client:{agent.client_identity}",
            skills=frozenset(agent.skills or ()),
        ),
        chosen=chosen,
        idle_since=agent.idle_since,
    )


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)
