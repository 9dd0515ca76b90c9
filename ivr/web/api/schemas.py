"""The API's bodies as pydantic models: request bodies are validated by them, responses are
built through them, and the OpenAPI document's schemas are generated from them, so what the
document promises is what the code does.

Request models are strict (``"active": "yes"`` is not a boolean) and refuse unknown fields (a
misspelt ``skils`` is an error, not silently ignored); the format rules themselves live in the
core (``ivr.core.directory``, ``ivr.core.reports``), these models only apply them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from ivr.core import directory
from ivr.core.cases import CaseStatus, Disposition
from ivr.core.reports import CALLBACK_STATUSES, searched_number
from ivr.core.search import MAX_LIMIT, MAX_QUERY_CHARS

# --- request bodies -------------------------------------------------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=directory.NAME_MAX_LENGTH),
    Field(description="Shown to managers; leading and trailing spaces are dropped."),
]
Phone = Annotated[
    str,
    StringConstraints(min_length=2, max_length=32),
    AfterValidator(directory.agent_phone),
    Field(
        description="E.164 (`+` and the country code); spaces and dashes are tolerated and "
        "removed, so the stored value is plain E.164.",
        examples=["+12025550111"],
    ),
]
Client = Annotated[
    str,
    AfterValidator(directory.client_identity),
    Field(
        description="A Twilio Client identity (the browser phone), without `client:`.",
        json_schema_extra={"pattern": directory.CLIENT_IDENTITY_PATTERN},
        examples=["alex"],
    ),
]
Skill = Annotated[
    str,
    AfterValidator(directory.skill),
    Field(json_schema_extra={"pattern": directory.SKILL_PATTERN}, examples=["billing"]),
]


def _unique(skills: list[str]) -> list[str]:
    return list(dict.fromkeys(skills))


Skills = Annotated[
    list[Skill],
    Field(
        max_length=directory.SKILLS_MAX,
        description="What the agent handles; duplicates are dropped, order kept.",
    ),
    AfterValidator(_unique),
]


class AgentCreate(_Request):
    """Exactly one of `phone` and `client`: it is where the agent's calls ring."""

    name: Name
    phone: Phone | None = None
    client: Client | None = None
    skills: Skills = []
    active: bool = True


def _absent_means_unchanged(schema: dict) -> None:
    """A PATCH field has no default: leaving it out keeps the stored value."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class AgentPatch(_Request):
    """Only the fields given change. To move an agent from a phone to a browser (or back),
    send the new one and `null` for the old one: an agent never has both."""

    model_config = ConfigDict(json_schema_extra=_absent_means_unchanged)

    name: Name = None  # type: ignore[assignment]  # absent means unchanged; null is refused
    phone: Phone | None = None
    client: Client | None = None
    skills: Skills = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]


class AgentStatusChange(_Request):
    status: Literal[tuple(directory.AgentStatus)] = Field(  # type: ignore[valid-type]
        description="`available` agents are offered callers; `wrap-up` agents are staffed "
        "but finishing their last call's notes; `offline` agents are not staffed."
    )


class DispositionChange(_Request):
    disposition: Literal[tuple(Disposition)] = Field(  # type: ignore[valid-type]
        description="`resolved` closes the call's case; `follow-up` keeps it open, and the "
        "customer's next call is asked about it; `transferred` means handed on without a "
        "resolution (the case stays open, and it is reported)."
    )
    category: str | None = Field(
        default=None,
        max_length=32,
        description="What the call was about, one of the configured categories "
        "(`IVR_CATEGORIES`, default billing, outage, technical, account, other); 422 "
        "otherwise. Left out, the call keeps the category it had.",
        examples=["billing"],
    )


# --- query strings --------------------------------------------------------------------------


class CustomerQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    phone: Annotated[
        str,
        AfterValidator(searched_number),
        Field(
            description="E.164; encode the `+` as `%2B` (a bare `+` reads as a space, which "
            "is also understood).",
            examples=["+14155550123"],
        ),
    ]


class CallbackQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Literal[CALLBACK_STATUSES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Only callbacks in this status."
    )
    limit: int = Field(default=100, ge=1, le=1000, description="At most this many, newest first.")


# --- responses ------------------------------------------------------------------------------


class _Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Agent(_Response):
    id: int
    name: str
    phone: str | None = Field(description="E.164, or null when the agent uses a browser.")
    client: str | None = Field(description="Client identity, or null when on a phone.")
    skills: list[str]
    active: bool = Field(description="Inactive agents are never offered a call.")
    status: str = Field(description="available, offline or wrap-up.", examples=["available"])


class AgentList(_Response):
    agents: list[Agent] = Field(description="In the order they were added.")


class Queue(_Response):
    name: str
    waiting: int = Field(description="Callers holding now.")
    callbacks_pending: int = Field(description="Callbacks holding a place in this line.")
    agents_available: int = Field(description="Staffed agents free to take a caller now.")
    agents_staffed: int = Field(description="Agents with a skill this queue needs, not offline.")
    estimated_wait_s: int | None = Field(
        description="Expected wait in seconds for a caller joining now; null when no agent "
        "is staffed (no honest estimate exists)."
    )
    longest_wait_s: int = Field(description="How long the longest-waiting caller has held; 0.")


class QueueList(_Response):
    queues: list[Queue]


class Call(_Response):
    call_sid: str
    direction: str = Field(examples=["inbound"])
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    status: str | None = Field(description="The carrier's last call status.")
    outcome: str | None = Field(description="What became of the call (answered, voicemail...).")
    queue: str | None
    wait_seconds: int | None = Field(description="Time in line before an agent took it.")
    reason: str | None = Field(
        description="Why they called, in their words (redacted): the carrier's speech result, "
        "the click-to-call form, or their transcribed reason clip. Null until known."
    )
    transcript: str | None = Field(
        description="The conversation (with the agent, else the message left), redacted, a "
        "line per segment with its speaker (`customer: ...`). Null while `transcript_status` "
        "is not `done`."
    )
    transcript_status: str | None = Field(
        description="Null when nothing was recorded; `pending`, `done`, `no-model` (no speech "
        "model for the call's language yet: it is transcribed once one is installed) or "
        "`failed`.",
        examples=["done"],
    )
    segments: list[TranscriptSegment] = Field(
        description="The transcript by speaker and time, oldest first; empty until done."
    )
    agent_id: int | None = Field(description="The agent who took the call.")
    disposition: str | None = Field(
        description="What the agent said became of it: resolved, follow-up, transferred."
    )
    case_id: int | None = Field(description="The customer's case the call is about.")
    recordings: list[RecordingInfo] = Field(description="What was recorded, oldest first.")
    category: str | None = Field(description="What it was about, as the agent filed it.")
    notes: list[Note] = Field(description="What agents wrote about it, oldest first.")
    transferred_unresolved: bool = Field(
        description="An agent transferred the caller, the call is over, and its disposition "
        "is not `resolved`: passed on with nothing fixed."
    )


class Note(_Response):
    id: int
    call_sid: str
    author: str = Field(description="Who wrote it: the user's e-mail, or the token's name.")
    agent_id: int | None = Field(description="The agent who wrote it, if an agent did.")
    body: str
    at: datetime


class TranscriptSegment(_Response):
    speaker: str = Field(examples=["customer"], description="`customer` or `agent`.")
    start: float = Field(description="Seconds from the start of the recording.")
    end: float
    text: str = Field(description="Redacted: card, account and phone numbers, e-mails masked.")
    words: list[tuple[str, float, float, float]] = Field(
        description="[word, start, end, confidence 0-1] for each word."
    )


class RecordingInfo(_Response):
    recording_sid: str
    kind: str = Field(description="`call` (two channels), `voicemail` or `reason`.")
    duration_seconds: int | None
    status: str = Field(description="reported, stored, failed or pruned (audio deleted).")
    transcript_status: str


class Case(_Response):
    id: int
    status: Literal[tuple(CaseStatus)]  # type: ignore[valid-type]
    reason: str | None
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    agent_id: int | None = Field(description="Who last worked on it: offered its next call.")
    call_sids: list[str] = Field(description="The calls about it, oldest first.")


class CallDisposition(_Response):
    call_sid: str
    disposition: str
    category: str | None = Field(description="The call's category after the change.")
    case_id: int | None
    case_status: str | None = Field(description="The call's case after the change.")


class Customer(_Response):
    id: int
    name: str | None
    language: str | None = Field(examples=["es"])
    notes: str
    numbers: list[str]
    calls: list[Call] = Field(
        description="Linked to this customer, and unlinked calls from one of their numbers "
        "(made before the number was on file); oldest first, newest last."
    )
    cases: list[Case] = Field(description="Newest first; open ones are unresolved.")


class CustomerList(_Response):
    customers: list[Customer] = Field(description="Empty when the number is not on file.")


class Callback(_Response):
    id: int
    number: str
    customer_id: int | None
    queue: str
    status: Literal[CALLBACK_STATUSES]  # type: ignore[valid-type]
    source: str = Field(description="queue (asked for while holding) or click-to-call.")
    reason: str | None
    place_at: datetime = Field(description="Their original place in line.")
    promised_at: datetime
    promised_within_seconds: int | None
    due_by: datetime | None = Field(description="Kept means connected by then.")
    attempts: int
    last_result: str | None = Field(description="Why the last attempt failed (busy, ...).")
    kept: bool | None
    connected_at: datetime | None
    completed_at: datetime | None


class CallbackList(_Response):
    callbacks: list[Callback] = Field(description="Newest promise first.")


class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status again, for logs that lose it.")
    message: str = Field(description="What went wrong, for a person.")
    fields: dict[str, str] = Field(
        description="For 422 (and a 409 naming what collides): each offending field, as a "
        "dotted path into the body or query (`skills.2`), and what is wrong with it. Empty "
        "otherwise."
    )


class Error(BaseModel):
    error: ErrorDetail


# --- transcripts and recordings -------------------------------------------------------------


class TranscriptQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        description='Web-search syntax: words (all must appear), `"a phrase"`, `-word` to '
        "leave out, `or` between alternatives. Case and accents do not matter on SQLite; "
        "other punctuation is ignored.",
        examples=["billing -refund"],
    )
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT, description="At most this many hits.")
    offset: int = Field(default=0, ge=0, le=10_000, description="Skip this many hits first.")

    @field_validator("q")
    @classmethod
    def _something_to_search(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class HitCustomer(_Response):
    id: int
    name: str | None


class TranscriptHit(_Response):
    source: Literal["transcript", "reason"] = Field(
        description="Where the words were found: a recording's transcript (redacted), or the "
        "call's reason for calling."
    )
    call_sid: str
    recording_sid: str | None = Field(description="The recording transcribed; null for a reason.")
    customer: HitCustomer | None = Field(description="The customer the call is linked to.")
    started_at: datetime | None = Field(description="When the call began.")
    speaker: str | None = Field(
        description="Who said the words of the snippet (customer, agent); null for a reason."
    )
    snippet: str = Field(
        description="A few words around the first match, plain text, prefixed with the "
        "speaker (`customer: ... billing ...`)."
    )
    highlights: list[tuple[int, int]] = Field(
        description="Each matched word in `snippet` as [start, end) character offsets."
    )
    snippet_html: str = Field(
        description="The snippet HTML-escaped, each match in `<mark>`: safe to insert as is."
    )
    rank: float = Field(description="Higher is more relevant; compare within one search.")


class TranscriptSearch(_Response):
    hits: list[TranscriptHit] = Field(description="Best first.")
    limit: int
    offset: int


class WallboardAgent(_Response):
    id: int
    name: str
    state: str = Field(description="available, reserved, on-call, wrap-up, not-ready, offline.")
    since: datetime | None = Field(description="When they entered this state (if known).")


class WallboardCallback(_Response):
    id: int
    number: str
    customer: str | None
    due_by: datetime
    overdue: bool
    attempts: int


class WallboardServiceLevel(_Response):
    threshold_seconds: int
    answered: int
    answered_within: int
    abandoned_after: int
    level: float | None = Field(
        description="Answered within the threshold / (answered + abandoned after it), today "
        "in the business's time zone; null before the first such call."
    )


class Wallboard(_Response):
    at: datetime
    waiting: int = Field(description="Callers holding now, in every queue.")
    longest_wait_s: int
    queues: list[Queue]
    agents: list[WallboardAgent] = Field(description="Taking calls first, then by name.")
    agents_by_state: dict[str, int]
    callbacks_due: list[WallboardCallback] = Field(
        description="Open callbacks due within 15 minutes or overdue, soonest first."
    )
    callbacks_due_soon: int
    callbacks_overdue: int
    service_level: WallboardServiceLevel | None


class VoiceTokenGrant(_Response):
    token: str = Field(
        description="A Twilio access token (JWT) with a Voice grant, for `Twilio.Device`."
    )
    identity: str = Field(description="The client identity calls ring (`client:<identity>`).")
    expires_at: datetime
    ttl_seconds: int
    sandbox_url: str | None = Field(
        description="Null with Twilio; else the sandbox whose stand-in for the Voice SDK the "
        "softphone registers with."
    )
