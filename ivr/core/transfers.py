"""Warm transfers: an agent hands their caller on to another agent or queue, with a note.

"Warm" here means the context travels with the caller, not that three people talk at once:
the transferring agent writes a note, the caller goes back into the line at the head (their
original place and priority, so nobody who came after them goes first), offered first to the
agent named, and the receiving agent's console shows the note, who transferred and what the
caller said (reason, transcript) while their phone rings; the whisper says it is a transfer.
There is no three-way conference in this version: the transferring agent's leg ends when the
caller moves, and they go into wrap-up to finish their notes.

A transfer is ``requested`` when the caller moves, ``connected`` when the receiving agent takes
the caller, ``failed`` when the carrier would not move the caller or the caller hung up first.
A transferred call whose case is still open once the caller's call has ended (the call's
disposition is not ``resolved``) is flagged: being passed around with nothing fixed is what
customers hate most, and reports count it. The flag is read, not stored: a disposition the
receiving agent files during wrap-up, after the caller hung up, still counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ivr.core.cases import Disposition

NOTE_MAX_CHARS = 1000
"""A transfer note is a few sentences for the next agent, read while their phone rings."""


class TransferStatus(StrEnum):
    REQUESTED = "requested"
    CONNECTED = "connected"
    FAILED = "failed"


class TransferRefused(Exception):
    """A transfer that cannot be made; ``status`` is the HTTP status an API answers with."""

    def __init__(self, message: str, *, status: int = 409, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@dataclass(frozen=True)
class TransferTarget:
    """Exactly one of an agent and a queue (``support``, or ``support+billing`` with skills)."""

    agent_id: int | None = None
    queue: str | None = None

    def __post_init__(self) -> None:
        if (self.agent_id is None) == (self.queue is None):
            raise TransferRefused(
                "name exactly one of to_agent_id and to_queue", status=422, field="to_agent_id"
            )


@dataclass(frozen=True)
class TransferNote:
    """What the receiving agent reads before taking the caller."""

    id: int
    call_sid: str
    from_agent_id: int | None
    from_agent_name: str | None
    to_agent_id: int | None
    to_queue: str | None
    note: str
    status: str
    requested_at: datetime
    connected_at: datetime | None = None


def check_note(note: str) -> str:
    """The note as stored: trimmed, at most ``NOTE_MAX_CHARS``; raises TransferRefused."""
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise TransferRefused(
            f"the note is {len(note)} characters long; at most {NOTE_MAX_CHARS}",
            status=422,
            field="note",
        )
    return note


def transferred_unresolved(*, transferred: bool, ended: bool, disposition: str | None) -> bool:
    """A transferred call that ended without its case resolved."""
    return transferred and ended and disposition != Disposition.RESOLVED


@dataclass(frozen=True)
class CallInHand:
    """The caller's call as the records know it, enough to put them back in line."""

    call_sid: str
    agent_id: int | None
    """Who took it."""
    case_id: int | None
    carrier_queue: str | None
    """``support+billing``: the queue and skills they held in."""
    skills: frozenset[str]
    flow: str | None
    language: str | None
    queued_at: datetime | None
    """Their place in line."""
    number: str | None
    customer_id: int | None
    ended: bool
