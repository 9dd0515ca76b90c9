"""The published contract: every operation of ``/api/v1``, its role, its bodies, its answers.

``openapi.py`` renders this table as the OpenAPI document; the tests check that every route
the app serves is here with the same role, and that every answer they see matches the schema
stated here. Adding a route means adding its ``Operation`` below, in the same commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ivr.core.access import Role
from ivr.web.api import console_schemas, report_schemas, review_schemas, schemas


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    """Relative to ``/api/v1``, OpenAPI style: ``/agents/{agent_id}``."""
    operation_id: str
    summary: str
    role: Role | None
    """The lowest role allowed; None for a public operation."""
    responses: Mapping[int, type[BaseModel] | None]
    """Success statuses and their bodies (None: any JSON object)."""
    errors: tuple[int, ...] = ()
    """Error statuses beyond those implied (401/403 by a role, 400/415/422 by a body, 422 by
    a query); each answers with ``Error``."""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    path_parameters: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""
    tag: str = ""
    media: Mapping[int, str] = field(default_factory=dict)
    """Success statuses whose body is not JSON, and its media type (``audio/wav``)."""

    def error_statuses(self) -> tuple[int, ...]:
        statuses = set(self.errors)
        if self.role is not None:
            statuses |= {401, 403}
        if self.body is not None:
            statuses |= {400, 415, 422}
        if self.query is not None:
            statuses |= {422}
        return tuple(sorted(statuses))


AGENT_ID = {"agent_id": {"type": "integer", "minimum": 1, "description": "The agent's id."}}
CALL_SID = {
    "call_sid": {
        "type": "string",
        "description": "The call's CallSid.",
        "examples": ["CA" + "0" * 32],
    }
}
RECORDING_SID = {
    "recording_sid": {
        "type": "string",
        "description": "The carrier's RecordingSid.",
        "examples": ["RE" + "0" * 32],
    }
}
QUEUE_NAME = {
    "name": {"type": "string", "description": "The queue's name.", "examples": ["support"]}
}

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/openapi.json",
        "openapi",
        "This document",
        role=None,
        responses={200: None},
        tag="meta",
    ),
    Operation(
        "get",
        "/agents",
        "listAgents",
        "List the agents",
        role=Role.AGENT,
        responses={200: schemas.AgentList},
        tag="agents",
    ),
    Operation(
        "post",
        "/agents",
        "createAgent",
        "Add an agent",
        role=Role.ADMIN,
        body=schemas.AgentCreate,
        responses={201: schemas.Agent},
        errors=(409,),
        description="409 when another agent already has that phone or client identity; "
        "422 when neither or both of them are given. The new agent is `available`.",
        tag="agents",
    ),
    Operation(
        "get",
        "/agents/{agent_id}",
        "getAgent",
        "One agent",
        role=Role.AGENT,
        responses={200: schemas.Agent},
        errors=(404,),
        path_parameters=AGENT_ID,
        tag="agents",
    ),
    Operation(
        "patch",
        "/agents/{agent_id}",
        "updateAgent",
        "Change an agent's name, phone or client, skills, or whether they are active",
        role=Role.ADMIN,
        body=schemas.AgentPatch,
        responses={200: schemas.Agent},
        errors=(404, 409),
        path_parameters=AGENT_ID,
        description="Fields not given stay as they are. The agent must end up with exactly "
        "one of phone and client (422 otherwise); 409 when another agent has it.",
        tag="agents",
    ),
    Operation(
        "put",
        "/agents/{agent_id}/status",
        "setAgentStatus",
        "Set an agent's status",
        role=Role.AGENT,
        body=schemas.AgentStatusChange,
        responses={200: schemas.Agent},
        errors=(404,),
        path_parameters=AGENT_ID,
        description="An agent token may set any agent's status (tokens are not linked to "
        "agents); an agent signed in to the console may set only their own (403 otherwise). "
        "`wrap-up` chosen by the agent lasts until they say `available`. Setting the status "
        "an agent already has changes nothing.",
        tag="agents",
    ),
    Operation(
        "get",
        "/queues",
        "listQueues",
        "Every queue, live",
        role=Role.AGENT,
        responses={200: schemas.QueueList},
        tag="queues",
    ),
    Operation(
        "get",
        "/queues/{name}",
        "getQueue",
        "One queue, live",
        role=Role.AGENT,
        responses={200: schemas.Queue},
        errors=(404,),
        path_parameters=QUEUE_NAME,
        tag="queues",
    ),
    Operation(
        "get",
        "/customers",
        "findCustomers",
        "Customers reached at a phone number, with their calls",
        role=Role.MANAGER,
        query=schemas.CustomerQuery,
        responses={200: schemas.CustomerList},
        description="An unknown number is an empty list, not a 404: this is a search.",
        tag="customers",
    ),
    Operation(
        "get",
        "/callbacks",
        "listCallbacks",
        "Callbacks promised, newest first",
        role=Role.MANAGER,
        query=schemas.CallbackQuery,
        responses={200: schemas.CallbackList},
        tag="callbacks",
    ),
    Operation(
        "put",
        "/calls/{call_sid}/disposition",
        "setCallDisposition",
        "Say what became of a call; resolved closes its case",
        role=Role.AGENT,
        body=schemas.DispositionChange,
        responses={200: schemas.CallDisposition},
        errors=(404,),
        path_parameters=CALL_SID,
        description="Setting it again replaces it; `follow-up` or `transferred` after "
        "`resolved` reopens the case. `category` (optional) must be one of `IVR_CATEGORIES`. "
        "An agent signed in to the console may dispose only of calls they took or were "
        "transferred (403 otherwise).",
        tag="customers",
    ),
    Operation(
        "get",
        "/agents/me/console",
        "getMyConsole",
        "The signed-in agent's console: status, the call in front of them, their callbacks",
        role=Role.AGENT,
        responses={200: console_schemas.AgentConsole},
        errors=(404,),
        description="For a principal that is an agent (a console user linked to one); 403 "
        "for anyone else. `call` is the call ringing for them or in progress, with its screen "
        "pop (the customer, their reason in their words, earlier calls, open cases, pending "
        "callbacks, every estimate they heard and their real wait, a transfer's note), else "
        "their last call, for notes in wrap-up. Polled by the console every `poll_seconds`.",
        tag="agents",
    ),
    Operation(
        "post",
        "/calls/{call_sid}/notes",
        "addCallNote",
        "Write a note on a call",
        role=Role.AGENT,
        body=console_schemas.NoteCreate,
        responses={201: schemas.Note},
        errors=(404,),
        path_parameters=CALL_SID,
        description="The author is who asks. An agent may write only on calls they took or "
        "were transferred (403 otherwise; an agent token is nobody's, so never).",
        tag="customers",
    ),
    Operation(
        "post",
        "/calls/{call_sid}/transfer",
        "transferCall",
        "Warm-transfer a caller to another agent or a queue, with a note",
        role=Role.AGENT,
        body=console_schemas.TransferCreate,
        responses={201: console_schemas.Transfer},
        errors=(404, 409, 502),
        path_parameters=CALL_SID,
        description="The caller goes back into the line at their original place, offered "
        "first to `to_agent_id` (or into `to_queue`); the agent transferring is hung up and "
        "goes into wrap-up. The receiving agent's console shows the note, who transferred and "
        "the caller's file while their phone rings; the whisper says it is a transfer. No "
        "three-way conference. 409 when the call is not in a conversation with the agent "
        "transferring (still ringing, over, already transferred); 422 for an unknown agent "
        "or queue, or the agent themselves; 502 when the carrier would not move the caller "
        "(they stay with the agent). The transfer is `requested`, then `connected` when the "
        "receiving agent takes the caller, or `failed`.",
        tag="customers",
    ),
    Operation(
        "get",
        "/transcripts",
        "searchTranscripts",
        "Find calls by what was said: transcripts (redacted) and reasons for calling",
        role=Role.MANAGER,
        query=schemas.TranscriptQuery,
        responses={200: schemas.TranscriptSearch},
        description="422 when `q` is blank, longer than 200 characters, or has no word to "
        "look for (`***`, only `-exclusions`). Card, phone and other long numbers and e-mail "
        "addresses were masked before the text was stored (`[card]`, `[phone]`, `[number]`, "
        "`[email]`): search for the mask word, never for the digits.",
        tag="transcripts",
    ),
    Operation(
        "get",
        "/recordings/{recording_sid}/audio",
        "getRecordingAudio",
        "A recording's original audio (WAV)",
        role=Role.AGENT,
        responses={200: None, 206: None},
        media={200: "audio/wav", 206: "audio/wav"},
        errors=(403, 404),
        path_parameters=RECORDING_SID,
        description="The audio holds what the transcript's redaction masked, so access is "
        "limited by role (managers and admins: any call; a signed-in agent: only calls they "
        "took or were transferred; 403 otherwise) and every listen is recorded in the audit log "
        "(`recording.listen`) and on the call (`audio-accessed`, with who). Byte ranges "
        "(`Range`) are honoured. 404 when the recording is unknown, not "
        "downloaded yet, or pruned after the retention period (the message says which; the "
        "transcript is kept).",
        tag="transcripts",
    ),
    Operation(
        "get",
        "/reports",
        "getReport",
        "The manager's report for a range of days, with a series per day",
        role=Role.MANAGER,
        query=report_schemas.ReportQuery,
        responses={200: report_schemas.Report},
        errors=(400,),
        description="Days are the business's (the default flow's time zone). Calls are "
        "customers' calls: agents' legs and callbacks being kept are not counted as calls. "
        "400 when a date is not `YYYY-MM-DD`, `to` is before `from`, or the range is over "
        "366 days. Root causes are the top 20 of each grouping, without their customers "
        "(`/reports/root-causes` has them all).",
        tag="reports",
    ),
    Operation(
        "get",
        "/reports/root-causes",
        "getRootCauses",
        "Calls grouped by category and by reason, with the customers affected",
        role=Role.MANAGER,
        query=report_schemas.ReportQuery,
        responses={200: report_schemas.RootCauseList},
        errors=(400,),
        tag="reports",
    ),
    Operation(
        "get",
        "/reports/outreach.csv",
        "getOutreachList",
        "The customers of one root cause, as CSV, to contact each of them",
        role=Role.MANAGER,
        query=report_schemas.OutreachQuery,
        responses={200: None},
        media={200: "text/csv"},
        errors=(400,),
        description="Columns: `customer_id`, `name`, `number` (E.164), `language`, `calls`, "
        "`last_call_at` (the business's time, with its offset), `last_reason`, "
        "`open_case_id`, `open_case_reason`; a header row, then one customer a line, latest "
        "call first. A text that a spreadsheet would read as a formula is prefixed with `'`. "
        "A group with no customers is the header alone. Every export is written to the "
        "audit log (`outreach.export`: who, the filter, how many rows).",
        tag="reports",
    ),
    Operation(
        "get",
        "/wallboard",
        "getWallboard",
        "The contact centre now: waiting, agents by state, callbacks due, service level",
        role=Role.MANAGER,
        responses={200: schemas.Wallboard},
        description="What the manager console's wallboard polls. Agents the live line does "
        "not know yet show the status stored for them.",
        tag="queues",
    ),
    Operation(
        "post",
        "/voice/token",
        "createVoiceToken",
        "An access token for the signed-in agent's browser softphone",
        role=Role.AGENT,
        responses={200: schemas.VoiceTokenGrant},
        errors=(409,),
        description="For a signed-in agent rung in the browser (`client:<identity>`): a token "
        "valid for an hour, minted from TWILIO_API_KEY / TWILIO_API_SECRET with a Voice grant "
        "for TWILIO_TWIML_APP_SID and incoming calls allowed. 403 for a user who is no agent "
        "(or a bearer token); 409 when the softphone is not configured or the agent is rung "
        "on a phone number.",
        tag="agents",
    ),
    Operation(
        "post",
        "/calls/{call_sid}/reviews",
        "createCallReview",
        "Review a call: the QA scorecard, flags and a comment",
        role=Role.MANAGER,
        body=review_schemas.ReviewCreate,
        responses={201: review_schemas.Review},
        errors=(404,),
        path_parameters=CALL_SID,
        description="Every criterion of the scorecard is required, each 0 (no), 1 (partly) or "
        "2 (yes); the answer adds the total and its percentage. The reviewer is whoever made "
        "the request. A call may be reviewed more than once: each review is kept. 404 when no "
        "call has this CallSid.",
        tag="reviews",
    ),
    Operation(
        "get",
        "/calls/{call_sid}/reviews",
        "listCallReviews",
        "A call's QA reviews, newest first",
        role=Role.MANAGER,
        responses={200: review_schemas.ReviewList},
        errors=(404,),
        path_parameters=CALL_SID,
        description="An empty list when the call is not reviewed yet; 404 when no call has "
        "this CallSid.",
        tag="reviews",
    ),
)


def operation(method: str, path: str) -> Operation | None:
    for candidate in OPERATIONS:
        if candidate.method == method.lower() and candidate.path == path:
            return candidate
    return None
