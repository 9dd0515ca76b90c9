"""``/api/v1/transcripts`` (search) and ``/api/v1/recordings/<sid>/audio`` (the original audio).

Both are for managers and admins: an agent sees a caller's file through the customer lookup,
not by searching everyone's calls; and the audio holds what the searchable text had masked.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, jsonify, request, send_from_directory

from ivr.core.access import Role, may_open_call
from ivr.core.audit import AuditAction
from ivr.core.search import SearchHit, SearchQuery
from ivr.web.api import bp
from ivr.web.api.auth import current_principal, requires_role
from ivr.web.api.errors import ApiError, not_found
from ivr.web.api.inputs import dump, query
from ivr.web.api.schemas import TranscriptQuery, TranscriptSearch
from ivr.web.pages.access import audit

log = logging.getLogger(__name__)


@bp.get("/transcripts")
@requires_role(Role.MANAGER)
def search_transcripts() -> Response:
    asked = query(TranscriptQuery)
    parsed = SearchQuery.parse(asked.q)
    if parsed.empty:
        raise ApiError(
            422,
            "the query is not valid: q",
            fields={"q": "has no word to look for (only punctuation or -exclusions)"},
        )
    services = current_app.extensions["ivr"]
    hits = services.transcript_search.search(parsed, limit=asked.limit, offset=asked.offset)
    body = {"hits": [_hit(hit) for hit in hits], "limit": asked.limit, "offset": asked.offset}
    return jsonify(dump(body, TranscriptSearch))


def _hit(hit: SearchHit) -> dict[str, object]:
    customer = None
    if hit.customer_id is not None:
        customer = {"id": hit.customer_id, "name": hit.customer_name}
    return {
        "source": hit.source,
        "call_sid": hit.call_sid,
        "recording_sid": hit.recording_sid,
        "customer": customer,
        "started_at": hit.started_at,
        "speaker": hit.snippet.speaker,
        "snippet": hit.snippet.text,
        "highlights": list(hit.snippet.highlights),
        "snippet_html": hit.snippet.html,
        "rank": hit.rank,
    }


@bp.get("/recordings/<recording_sid>/audio")
@requires_role(Role.AGENT)
def recording_audio(recording_sid: str) -> Response:
    services = current_app.extensions["ivr"]
    principal = current_principal()
    audio = services.audio_access.find(recording_sid)
    if audio is None:
        raise not_found(f"no recording {recording_sid!r}")
    if not may_open_call(principal, lambda: services.call_notes.agents_of(audio.call_sid)):
        raise ApiError(403, "an agent may hear only the calls they took")
    if audio.pruned_at is not None or audio.status == "pruned":
        when = f" on {audio.pruned_at:%Y-%m-%d}" if audio.pruned_at else ""
        raise not_found(
            f"the audio of recording {recording_sid} was pruned{when} after the retention "
            "period; its transcript is kept"
        )
    if audio.path is None:
        raise not_found(f"the audio of recording {recording_sid} is not downloaded yet")
    directory = services.settings.recording.directory
    if not (directory / audio.path).is_file():
        log.error("recording %s: audio file %s is missing", recording_sid, audio.path)
        raise not_found(f"the audio file of recording {recording_sid} is missing")
    if _starts_listening(request.headers.get("Range")):
        services.audio_access.record_access(audio, principal, at=services.clock.now())
        audit(
            AuditAction.RECORDING_LISTEN, f"recording:{recording_sid}", {"call_sid": audio.call_sid}
        )
    log.info(
        "recording %s (call %s) audio sent to %s (%s)",
        recording_sid,
        audio.call_sid,
        principal.name,
        principal.role,
    )
    return send_from_directory(
        directory, audio.path, mimetype="audio/wav", conditional=True, max_age=0
    )


def _starts_listening(byte_range: str | None) -> bool:
    """A player fetches a recording in several ranges as it plays and seeks: one listen is
    recorded per fetch from the start (no Range, or ``bytes=0-``), not one per range."""
    if not byte_range:
        return True
    return byte_range.replace(" ", "").startswith("bytes=0-")
