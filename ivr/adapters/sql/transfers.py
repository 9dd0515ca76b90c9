"""``transfers`` on SQLAlchemy: each hand-on of a caller, and the note that went with it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.models import Agent, Call, Callback, Transfer
from ivr.core.calls import FINAL_STATUSES
from ivr.core.transfers import CallInHand, TransferNote, TransferStatus

_FINAL = {str(s) for s in FINAL_STATUSES}


class SqlTransfers:
    def __init__(self, database: Database) -> None:
        self._db = database

    def call(self, call_sid: str) -> CallInHand | None:
        with self._db.unit_of_work() as session:
            row = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
            if row is None:
                return None
            return CallInHand(
                call_sid=row.call_sid,
                agent_id=row.agent_id,
                case_id=row.case_id,
                carrier_queue=row.queue,
                skills=frozenset(row.skills or ()),
                flow=row.flow,
                language=row.language,
                queued_at=row.queued_at,
                number=row.from_number,
                customer_id=row.customer_id,
                ended=row.ended_at is not None or (row.status or "") in _FINAL,
            )

    def callback_leg(self, callback_id: int) -> str | None:
        """The outbound call of a callback's current attempt."""
        with self._db.unit_of_work() as session:
            return session.scalar(
                select(Callback.callback_call_sid).where(Callback.id == callback_id)
            )

    def request(
        self,
        *,
        call_sid: str,
        case_id: int | None,
        from_agent_id: int | None,
        to_agent_id: int | None,
        to_queue: str | None,
        note: str,
        at: datetime,
    ) -> int:
        """Stored before the caller moves: a caller the receiving agent takes finds it."""
        with self._db.unit_of_work() as session:
            # An earlier transfer of this call still waiting is superseded by this one.
            session.execute(
                update(Transfer)
                .where(Transfer.call_sid == call_sid, Transfer.status == TransferStatus.REQUESTED)
                .values(status=str(TransferStatus.FAILED))
            )
            row = Transfer(
                call_sid=call_sid,
                case_id=case_id,
                from_agent_id=from_agent_id,
                to_agent_id=to_agent_id,
                to_queue=to_queue,
                note=note,
                status=str(TransferStatus.REQUESTED),
                requested_at=at,
            )
            session.add(row)
            session.flush()
            return row.id

    def failed(self, transfer_id: int) -> None:
        with self._db.unit_of_work() as session:
            session.execute(
                update(Transfer)
                .where(Transfer.id == transfer_id)
                .values(status=str(TransferStatus.FAILED))
            )

    def connected(self, call_sid: str, *, agent_id: int, at: datetime) -> bool:
        """The receiving agent took the caller; False when no transfer of it was waiting."""
        with self._db.unit_of_work() as session:
            changed = session.execute(
                update(Transfer)
                .where(Transfer.call_sid == call_sid, Transfer.status == TransferStatus.REQUESTED)
                .values(status=str(TransferStatus.CONNECTED), connected_at=at, to_agent_id=agent_id)
            ).rowcount
            return bool(changed)

    def caller_gone(self, call_sid: str) -> None:
        """The caller hung up before anyone took them: the transfer failed."""
        with self._db.unit_of_work() as session:
            session.execute(
                update(Transfer)
                .where(Transfer.call_sid == call_sid, Transfer.status == TransferStatus.REQUESTED)
                .values(status=str(TransferStatus.FAILED))
            )

    def latest(self, call_sid: str) -> TransferNote | None:
        """The call's newest transfer, with the transferring agent's name."""
        with self._db.unit_of_work() as session:
            found = session.execute(
                select(Transfer, Agent.name)
                .outerjoin(Agent, Agent.id == Transfer.from_agent_id)
                .where(Transfer.call_sid == call_sid)
                .order_by(Transfer.requested_at.desc(), Transfer.id.desc())
                .limit(1)
            ).first()
        if found is None:
            return None
        row, name = found
        return TransferNote(
            id=row.id,
            call_sid=row.call_sid,
            from_agent_id=row.from_agent_id,
            from_agent_name=name,
            to_agent_id=row.to_agent_id,
            to_queue=row.to_queue,
            note=row.note,
            status=row.status,
            requested_at=row.requested_at,
            connected_at=row.connected_at,
        )

    def pending(self, call_sid: str) -> TransferNote | None:
        """The transfer waiting for a receiving agent, if any (what the whisper mentions)."""
        latest = self.latest(call_sid)
        return latest if latest and latest.status == TransferStatus.REQUESTED else None
