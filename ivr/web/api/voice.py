"""``POST /api/v1/voice/token``: an access token for the signed-in agent's browser softphone.

POST, not GET: it mints a credential, which no cache or prefetch should ever produce or keep.
The answer also says where the softphone registers: Twilio (``sandbox_url`` null: the real
Voice SDK) or the sandbox's stand-in for it (its base URL), so the same console works with an
account and without one.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.config import TWILIO_API_DEFAULT
from ivr.core.access import Role
from ivr.web.api import bp
from ivr.web.api.auth import current_principal, requires_role
from ivr.web.api.errors import ApiError
from ivr.web.api.inputs import dump
from ivr.web.api.schemas import VoiceTokenGrant


@bp.post("/voice/token")
@requires_role(Role.AGENT)
def voice_token() -> Response:
    services = current_app.extensions["ivr"]
    principal = current_principal()
    if principal.agent_id is None:
        raise ApiError(403, "only a signed-in agent has a softphone (this user is no agent)")
    tokens = services.voice_tokens
    if tokens is None:
        raise ApiError(
            409,
            "the browser softphone is not configured (TWILIO_API_KEY, TWILIO_API_SECRET, "
            "TWILIO_TWIML_APP_SID); this agent is rung on their phone",
        )
    agent = services.agent_admin.agent(principal.agent_id)
    if agent.client is None:
        raise ApiError(
            409, f"{agent.name} is rung on their phone ({agent.phone}), not in the browser"
        )
    token = tokens.for_identity(agent.client)
    base = services.settings.twilio_api_base_url
    return jsonify(
        dump(
            {
                "token": token.token,
                "identity": token.identity,
                "expires_at": token.expires_at,
                "ttl_seconds": token.ttl_seconds,
                "sandbox_url": None if base == TWILIO_API_DEFAULT else base,
            },
            VoiceTokenGrant,
        )
    )
