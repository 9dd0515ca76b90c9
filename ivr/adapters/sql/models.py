"""The records: customers, their numbers, calls, the call event log, agents and voicemails.

Plain SQLAlchemy 2 tables; the schema is owned by the Alembic migrations in ``ivr/migrations``.
Times are stored as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ivr.adapters.sql import search_schema


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on SQLite (which forgets the zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# The full-text index is no model (FTS5 tables, expression indexes): ``create_all`` makes it too.
event.listen(Base.metadata, "after_create", search_schema.install_after_create)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    numbers: Mapped[list[CustomerNumber]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", lazy="selectin"
    )


class CustomerNumber(Base):
    __tablename__ = "customer_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32), unique=True)
    """E.164."""

    customer: Mapped[Customer] = relationship(back_populates="numbers")


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    client_identity: Mapped[str | None] = mapped_column(String(128))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    not_ready_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when the agent let a call ring out: they are skipped until then."""
    status: Mapped[str] = mapped_column(String(16), default="available")
    """What the agent chose (available, offline, ...): the live state is in Redis, rebuilt
    from this after a restart of Redis."""
    idle_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the agent's last call (or shift) ended: longest idle is offered the next caller."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        # Only callers waiting in line are in it: a new call's INSERT (the webhooks' hottest
        # write) pays nothing for it, and the sweep finds the waiting without a table scan.
        Index(
            "ix_calls_waiting",
            "queued_at",
            sqlite_where=text("outcome = 'queued'"),
            postgresql_where=text("outcome = 'queued'"),
        ),
        # Callers who joined the line, by when: the wallboard's service level today. Partial,
        # so a new call's INSERT (queued_at is NULL then) never touches it.
        Index(
            "ix_calls_joined_line",
            "queued_at",
            sqlite_where=text("queued_at IS NOT NULL"),
            postgresql_where=text("queued_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(32), default="inbound")
    from_raw: Mapped[str] = mapped_column(String(64), default="")
    """Exactly what the carrier sent in From (truncated), for the audit trail."""
    caller_kind: Mapped[str] = mapped_column(String(16), default="invalid")
    from_number: Mapped[str | None] = mapped_column(String(32), index=True)
    """E.164 when the caller ID is a number, else None."""
    to_number: Mapped[str] = mapped_column(String(64), default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    """For an agent's leg: whose phone it rang. For a caller's leg: who took the call."""
    flow: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str | None] = mapped_column(String(16))
    queue: Mapped[str | None] = mapped_column(String(64))
    """The carrier queue the caller held in (``support+billing``), or an agent leg's queue."""
    skills: Mapped[list[str] | None] = mapped_column(JSON)
    """The skills a caller in a queue needs from the agent who takes them."""
    path: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    """Why the customer called, in their words (click-to-call form, later a transcript)."""
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the caller joined the line (their place in it)."""
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    """How long they waited in line before an agent took them (or before they gave up)."""
    callback_id: Mapped[int | None] = mapped_column(Integer)
    """The callback this call placed, or the pending callback an incoming call merged with."""
    case_id: Mapped[int | None] = mapped_column(Integer)
    """The customer's case this call is about (an open one they confirmed, or a new one)."""
    disposition: Mapped[str | None] = mapped_column(String(16))
    """What the agent said became of it: resolved, follow-up, transferred (``Disposition``)."""
    category: Mapped[str | None] = mapped_column(String(64))
    """What it was about, as the agent filed it (billing, outage, ...): root-cause reports
    group calls by it."""

    customer: Mapped[Customer | None] = relationship()


class CallEvent(Base):
    """The event log: everything that happened to a call, in order, once.

    ``dedupe_key`` makes retried webhooks harmless: the same status for the same call is one
    row however often the carrier reports it.
    """

    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("call_sid", "dedupe_key", name="uq_call_events_dedupe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(96))


class Voicemail(Base):
    __tablename__ = "voicemails"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    recording_url: Mapped[str] = mapped_column(String(500))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="completed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Callback(Base):
    """A promise to call a customer back: stored before it is spoken, kept or missed.

    The callback holds the customer's place in line (``place_at``, their original arrival) while
    nobody is on the phone. At most one is pending per number (a partial unique index).
    """

    __tablename__ = "callbacks"
    __table_args__ = (
        Index(
            "uq_callbacks_pending_number",
            "number",
            unique=True,
            sqlite_where=text("status IN ('pending', 'calling')"),
            postgresql_where=text("status IN ('pending', 'calling')"),
        ),
        Index("ix_callbacks_status_due", "status", "due_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    """E.164, validated by the dialling policy before it was stored."""
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    queue: Mapped[str] = mapped_column(String(64))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(16))
    flow: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="queue")
    """``queue`` (asked for while holding) or ``click-to-call`` (the web widget)."""
    call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    """The call in which it was promised (None for the web widget)."""
    place_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The customer's original place in line: their arrival time."""
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Not called before this (a chosen time, a retry's backoff, the calling-hours window)."""
    promised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promised_within_seconds: Mapped[int | None] = mapped_column(Integer)
    """The P90 of the wait estimate when promised (what the customer was told)."""
    due_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """promised_at + promised_within, or the chosen time plus the grace: kept means by then."""
    promise_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending, calling, completed, missed, merged, cancelled."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(String(32))
    """busy, no-answer, machine, failed, canceled, declined: why the last attempt failed."""
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    callback_call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    """The outbound call of the current or last attempt."""
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kept: Mapped[bool | None] = mapped_column(Boolean)
    """True when the customer reached an agent by ``due_by``; False when late or missed."""


class WaitEstimateSpoken(Base):
    """Every estimate a caller heard, so its error can be measured against the real wait."""

    __tablename__ = "wait_estimates"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), default="hold")
    """``hold`` (announced while waiting) or ``callback`` (a callback promise)."""
    position: Mapped[int | None] = mapped_column(Integer)
    agents: Mapped[int | None] = mapped_column(Integer)
    mean_seconds: Mapped[float] = mapped_column(Float)
    p90_seconds: Mapped[float] = mapped_column(Float)
    claimed_low_seconds: Mapped[int | None] = mapped_column(Integer)
    claimed_high_seconds: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    actual_wait_seconds: Mapped[int | None] = mapped_column(Integer)
    """Filled in when the caller reached an agent: the wait from ``at``."""


class ApiToken(Base):
    """A bearer token for the JSON API: only its SHA-256 is stored, never the token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    """A label saying whose or what it is (``wallboard``, ``crm-sync``)."""
    role: Mapped[str] = mapped_column(String(16))
    """agent, manager or admin."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """Hex SHA-256 of the token, the only form it is looked up by."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Written at most once a minute per token."""
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Recording(Base):
    """A recording the carrier made, and our copy of its audio.

    Keyed by RecordingSid: the carrier may report the same recording twice, and a duplicate
    changes nothing. ``path`` is relative to the recordings directory (``IVR_RECORDINGS_DIR``).
    """

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """call, voicemail or reason (``RecordingKind``)."""
    source_url: Mapped[str] = mapped_column(String(500))
    """The carrier's RecordingUrl (without a media extension)."""
    channels: Mapped[int] = mapped_column(Integer, default=1)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(16))
    """The call's language when it was recorded: which speech model transcribes it."""
    status: Mapped[str] = mapped_column(String(16), default="reported")
    """reported, stored, failed, pruned (``RecordingStatus``)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pruned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TranscriptRecord(Base):
    """A recording's transcript, redacted: the only form of its words that is stored.

    ``segments`` holds ``[{"speaker", "start", "end", "words": [[text, start, end, conf]]}]``;
    ``text`` the whole conversation, a line per segment (``customer: ...``), for search.
    """

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        ForeignKey("recordings.id", ondelete="CASCADE"), unique=True
    )
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending, done, no-model, failed (``TranscriptStatus``)."""
    language: Mapped[str | None] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str | None] = mapped_column(Text)
    segments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    processing_seconds: Mapped[float | None] = mapped_column(Float)
    """Wall time the recogniser took: its real-time factor is this over the duration."""
    transcribed_seconds: Mapped[float | None] = mapped_column(Float)
    """How far into the audio the transcript has got: a long recording is transcribed a piece
    at a time (one job each, so a reason clip never waits behind a whole long call) and the
    next piece resumes here. Written only together with that piece's segments."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    """Why it is not done, in words: ``no model for 'en'``, the last failure."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Case(Base):
    """A customer's problem, open until an agent resolves it; the calls about it point here."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    """open or resolved (``CaseStatus``)."""
    reason: Mapped[str | None] = mapped_column(Text)
    """The customer's words for it, from the call that opened it (redacted)."""
    opened_call_sid: Mapped[str | None] = mapped_column(String(64))
    last_call_sid: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    """The agent who last worked on it: the repeat call goes to them when possible."""
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class User(Base):
    """A person who signs in to the consoles: an agent, a manager or an admin.

    Only an argon2 hash of the password is kept. An agent's user points at the agent they are,
    so their console shows their calls and sets their own status, nobody else's."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Lower-cased: how they sign in."""
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    """agent, manager or admin (``Role``)."""
    password_hash: Mapped[str] = mapped_column(String(200))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    """Part of the session's identity: changing a password or deactivating the user bumps it,
    which signs out every session they had."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who listened to, exported or changed what, and when: kept apart from the call's own
    history so that exports (which span many calls) and sign-ins are audited too."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    """``user:3 ann@example.com`` or ``token:2 wallboard``: readable after the user is gone."""
    user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    """``recording.listen``, ``transcripts.export``, ``outreach.export``, ``login``, ..."""
    target: Mapped[str] = mapped_column(String(200), default="")
    """What it was done to: ``recording:RE...``, ``call:CA...``, a query."""
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))
    """The client's IP address."""


class CallNote(Base):
    """What an agent wrote about a call, during or after it; the next agent reads it."""

    __tablename__ = "call_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    author_user_id: Mapped[int | None] = mapped_column(Integer)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Transfer(Base):
    """A caller handed on by an agent to another agent or queue, with a note for the next one.

    A transfer whose case is still open when the caller's last call ends is the failure
    customers hate most (passed around, nothing fixed): reports count those."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    """The caller's leg."""
    case_id: Mapped[int | None] = mapped_column(Integer)
    from_agent_id: Mapped[int | None] = mapped_column(Integer)
    to_agent_id: Mapped[int | None] = mapped_column(Integer)
    to_queue: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="requested")
    """requested, connected, failed (``TransferStatus``)."""
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QaReview(Base):
    """A manager's quality review of a call: a short scorecard, flags and a comment."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    reviewer_user_id: Mapped[int | None] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """Criterion → points (``ivr.core.qa.SCORECARD``)."""
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
