"""The agent console's bodies: its state (screen pop included), notes and transfers.

Apart from ``schemas.py`` because they are one area's, read together; the shared ones (a case,
a note) come from there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from ivr.core import notes, transfers
from ivr.web.api.schemas import Case, Note, _Request, _Response


class NoteCreate(_Request):
    body: Annotated[str, StringConstraints(min_length=1, max_length=notes.NOTE_MAX_CHARS)] = Field(
        description="What happened, what was promised: for the next person who reads the file."
    )


class TransferCreate(_Request):
    """Exactly one of `to_agent_id` and `to_queue`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    to_agent_id: int | None = Field(
        default=None, ge=1, description="The agent the caller is offered first."
    )
    to_queue: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="A queue of the call flows, alone (`support`) or with the skills the "
        "next agent needs (`support+billing`, as calls show it).",
        examples=["support"],
    )
    note: Annotated[str, StringConstraints(max_length=transfers.NOTE_MAX_CHARS)] = Field(
        default="",
        description="For the receiving agent, shown with the caller's file while their phone "
        "rings (and said in the whisper).",
    )


class Transfer(_Response):
    id: int
    call_sid: str
    from_agent_id: int | None
    from_agent_name: str | None
    to_agent_id: int | None = Field(description="Who was asked for, then who took the caller.")
    to_queue: str | None
    note: str
    status: str = Field(description="requested, connected or failed.", examples=["requested"])
    requested_at: datetime
    connected_at: datetime | None


class SpokenEstimate(_Response):
    at: datetime
    kind: str = Field(description="`hold` (said while holding) or `callback` (a promise).")
    position: int | None
    text: str = Field(description="What the caller heard.")
    mean_seconds: float
    p90_seconds: float
    claimed_low_seconds: int | None
    claimed_high_seconds: int | None
    actual_wait_seconds: int | None = Field(
        description="How long they then waited, from this estimate: null until an agent took them."
    )


class DueCallback(_Response):
    id: int
    number: str
    customer_id: int | None
    customer_name: str | None
    status: str = Field(description="pending or calling.")
    reason: str | None
    queue: str
    promised_at: datetime
    due_by: datetime | None = Field(description="Kept means connected by then.")
    why_mine: str = Field(
        description="`case` (the case is this agent's), `last-agent` (the customer last "
        "spoke to them), `attempt` (reserved for its current attempt); `customer` in a "
        "screen pop (the caller's own)."
    )


class EarlierCall(_Response):
    call_sid: str
    started_at: datetime
    direction: str
    agent_id: int | None
    reason: str | None
    transcript: str | None
    transcript_status: str | None
    disposition: str | None
    category: str | None
    notes: list[Note]
    transferred_unresolved: bool


class ScreenPop(_Response):
    call_sid: str
    phase: str = Field(
        description="`ringing` (offered to the agent, not theirs yet), `on-call`, or `ended` "
        "(their last call, for notes and disposition in wrap-up)."
    )
    customer_id: int | None
    customer_name: str | None = Field(description="Null for a caller nobody has named.")
    number: str | None = Field(description="E.164, or null for a withheld number.")
    language: str | None
    customer_notes: str
    reason: str | None = Field(description="Why they call, in their words (redacted).")
    reason_source: str | None = Field(
        description="`transcript` (their reason clip, transcribed) or `words` (typed on the "
        "web, or heard by the carrier's speech recognition); null while unknown."
    )
    reason_pending: bool = Field(description="A reason clip waits for its transcript.")
    queue: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    waited_seconds: int | None = Field(
        description="How long they actually waited for an agent (so far, while ringing)."
    )
    estimates: list[SpokenEstimate] = Field(description="Every estimate they heard, in order.")
    disposition: str | None
    category: str | None
    case_id: int | None
    notes: list[Note]
    transfer: Transfer | None = Field(
        description="The call's latest transfer: for the receiving agent, the note and who "
        "passed the caller on."
    )
    transferred_unresolved: bool
    transcript: str | None
    transcript_status: str | None
    earlier_calls: list[EarlierCall] = Field(description="Newest first, at most 10.")
    open_cases: list[Case]
    pending_callbacks: list[DueCallback]


class ConsoleAgent(_Response):
    id: int
    name: str
    dial_target: str | None = Field(description="E.164 or `client:<identity>`.")


class AgentConsole(_Response):
    agent: ConsoleAgent
    status: str = Field(
        description="The live line's state: available, reserved (their phone rings for a "
        "caller), on-call, wrap-up, not-ready (they let a call ring out), offline.",
        examples=["available"],
    )
    status_since: datetime | None
    wrap_up_until: datetime | None = Field(
        description="When a wrap-up after a call (or a not-ready rest) ends; null for a "
        "wrap-up the agent chose, which lasts until they say available."
    )
    chosen_status: str | None = Field(description="What the agent last chose.")
    call: ScreenPop | None = Field(
        description="The call ringing for them or in progress, else their last call."
    )
    callbacks_due: list[DueCallback] = Field(description="Theirs, soonest due first.")
    categories: list[str] = Field(description="What a call may be filed under.")
    dispositions: list[str]
    poll_seconds: int = Field(description="How often the console asks again.")
