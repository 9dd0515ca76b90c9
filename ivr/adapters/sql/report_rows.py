"""``ReportSource`` on SQLAlchemy: a period's rows for the manager's reports, in a few reads.

One read per table, each bounded by the period (the business's days as UTC instants, from
``Period``), with the related rows found by subqueries on the same bounds rather than by long
``IN`` lists, so a year's report is as many statements as a day's, on SQLite and PostgreSQL
alike. Only the columns the metrics use are read; the definitions themselves are the core's
(``ivr.core.reports``), not repeated here, except one filter, ``_customer_leg``, which mirrors
``is_customer_call`` so that agents' legs are not counted as a case's calls.

None of these columns has an index on time (``calls.started_at``, ``cases.opened_at``,
``callbacks.promised_at``, ``wait_estimates.at``): each read is a scan of its table. That is
deliberate for ``calls``, whose every index costs the webhooks' hottest INSERT.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import (
    Call,
    Callback,
    Case,
    Customer,
    CustomerNumber,
    Transfer,
    WaitEstimateSpoken,
)
from ivr.core.cases import CaseStatus
from ivr.core.reports.calls import AGENT_LEG, BUSINESS_DIALLED
from ivr.core.reports.period import Period
from ivr.core.reports.rows import (
    CallbackRow,
    CallRow,
    CaseRow,
    CustomerRow,
    EstimateRow,
    ReportRows,
    TransferRow,
)

_CALL_COLUMNS = (
    Call.call_sid,
    Call.direction,
    Call.started_at,
    Call.from_number,
    Call.to_number,
    Call.customer_id,
    Call.language,
    Call.status,
    Call.outcome,
    Call.queued_at,
    Call.agent_id,
    Call.wait_seconds,
    Call.ended_at,
    Call.reason,
    Call.category,
    Call.case_id,
    Call.disposition,
    Call.callback_id,
)
_IDENTITY_COLUMNS = (
    Call.call_sid,
    Call.direction,
    Call.started_at,
    Call.from_number,
    Call.to_number,
    Call.customer_id,
    Call.callback_id,
)
"""All a call before the period is read for: who made it, and when (repeat calls)."""


def _customer_leg() -> ColumnElement[bool]:
    """``ivr.core.reports.calls.is_customer_call`` in SQL."""
    return and_(
        Call.direction != AGENT_LEG,
        not_(and_(Call.direction == BUSINESS_DIALLED, Call.callback_id.is_not(None))),
    )


class SqlReportSource:
    def __init__(self, database: Database) -> None:
        self._db = database

    def joined_line_since(self, moment: datetime) -> tuple[CallRow, ...]:
        """Customers' calls that joined the line since ``moment`` (the wallboard's day so
        far): read through the partial index ``ix_calls_joined_line``, so a wallboard
        polling every few seconds reads today's callers, not the table."""
        with self._db.unit_of_work() as session:
            return tuple(
                CallRow(**row._mapping)
                for row in session.execute(
                    select(*_CALL_COLUMNS).where(
                        Call.queued_at.is_not(None), Call.queued_at >= moment, _customer_leg()
                    )
                )
            )

    def rows(self, period: Period, *, lookback_days: int) -> ReportRows:
        start, end = period.starts_at, period.ends_at
        in_period = and_(Call.started_at >= start, Call.started_at < end)
        with self._db.unit_of_work() as session:
            calls = tuple(
                CallRow(**row._mapping)
                for row in session.execute(
                    select(*_CALL_COLUMNS).where(in_period).order_by(Call.started_at, Call.id)
                )
            )
            earlier = tuple(
                CallRow(**row._mapping)
                for row in session.execute(
                    select(*_IDENTITY_COLUMNS).where(
                        Call.started_at >= start - timedelta(days=lookback_days),
                        Call.started_at < start,
                        _customer_leg(),
                    )
                )
            )
            return ReportRows(
                calls=calls,
                earlier_calls=earlier,
                cases=self._cases(session, period),
                customers=self._customers(session, period),
                transfers=self._transfers(session, period),
                callbacks=tuple(
                    CallbackRow(**row._mapping)
                    for row in session.execute(
                        select(
                            Callback.id,
                            Callback.status,
                            Callback.promised_at,
                            Callback.kept,
                            Callback.number,
                            Callback.customer_id,
                        ).where(Callback.promised_at >= start, Callback.promised_at < end)
                    )
                ),
                estimates=tuple(
                    EstimateRow(**row._mapping)
                    for row in session.execute(
                        select(
                            WaitEstimateSpoken.call_sid,
                            WaitEstimateSpoken.at,
                            WaitEstimateSpoken.kind,
                            WaitEstimateSpoken.mean_seconds,
                            WaitEstimateSpoken.p90_seconds,
                            WaitEstimateSpoken.claimed_low_seconds,
                            WaitEstimateSpoken.claimed_high_seconds,
                            WaitEstimateSpoken.actual_wait_seconds,
                        ).where(WaitEstimateSpoken.at >= start, WaitEstimateSpoken.at < end)
                    )
                ),
            )

    @staticmethod
    def _cases(session: Session, period: Period) -> tuple[CaseRow, ...]:
        """The cases opened in the period, and those the period's calls are filed under;
        for those opened in it, how many customers' calls each has (first-contact
        resolution). A case's calls come after it opened, so they are counted among the calls
        since the period began."""
        start, end = period.starts_at, period.ends_at
        opened = and_(Case.opened_at >= start, Case.opened_at < end)
        filed = select(Call.case_id).where(
            Call.started_at >= start, Call.started_at < end, Call.case_id.is_not(None)
        )
        counts = dict(
            session.execute(
                select(Call.case_id, func.count())
                .where(
                    Call.started_at >= start,
                    Call.case_id.in_(select(Case.id).where(opened)),
                    _customer_leg(),
                )
                .group_by(Call.case_id)
            ).all()
        )
        rows = session.execute(
            select(
                Case.id,
                Case.customer_id,
                Case.status,
                Case.opened_at,
                Case.resolved_at,
                Case.reason,
            ).where(or_(opened, Case.id.in_(filed)))
        )
        return tuple(CaseRow(**row._mapping, customer_calls=counts.get(row.id, 0)) for row in rows)

    @staticmethod
    def _customers(session: Session, period: Period) -> tuple[CustomerRow, ...]:
        """Everyone the period's calls are linked to, with their numbers and newest open case."""
        linked = select(Call.customer_id).where(
            Call.started_at >= period.starts_at,
            Call.started_at < period.ends_at,
            Call.customer_id.is_not(None),
        )
        numbers: dict[int, list[str]] = defaultdict(list)
        for customer_id, number in session.execute(
            select(CustomerNumber.customer_id, CustomerNumber.number)
            .where(CustomerNumber.customer_id.in_(linked))
            .order_by(CustomerNumber.id)
        ):
            numbers[customer_id].append(number)
        open_case: dict[int, tuple[int, str | None]] = {}
        for customer_id, case_id, reason in session.execute(
            select(Case.customer_id, Case.id, Case.reason)
            .where(Case.customer_id.in_(linked), Case.status == str(CaseStatus.OPEN))
            .order_by(Case.opened_at.desc(), Case.id.desc())
        ):
            open_case.setdefault(customer_id, (case_id, reason))
        customers = session.execute(
            select(Customer.id, Customer.name, Customer.language).where(Customer.id.in_(linked))
        )
        return tuple(
            CustomerRow(
                id=row.id,
                name=row.name,
                language=row.language,
                numbers=tuple(numbers.get(row.id, ())),
                open_case_id=open_case.get(row.id, (None, None))[0],
                open_case_reason=open_case.get(row.id, (None, None))[1],
            )
            for row in customers
        )

    @staticmethod
    def _transfers(session: Session, period: Period) -> tuple[TransferRow, ...]:
        """The transfers of the period's calls (by the call's start, not the transfer's)."""
        rows = session.execute(
            select(
                Transfer.id,
                Transfer.call_sid,
                Transfer.status,
                Transfer.requested_at,
                Transfer.case_id,
            )
            .join(Call, Call.call_sid == Transfer.call_sid)
            .where(Call.started_at >= period.starts_at, Call.started_at < period.ends_at)
        )
        return tuple(TransferRow(**row._mapping) for row in rows)
