"""The webhook a transferred caller's leg is redirected to (``ivr.services.transfers``).

Registered on the voice blueprint (same signature check, same never-a-5xx error handler): the
caller hears that they are being transferred and holds in the queue again; their entry in the
line (their original place, offered first to the agent named) was put there before the
redirect, and the dispatcher connects them from here as from any hold.
"""

from __future__ import annotations

from flask import Response

from ivr.core.holding import phrases
from ivr.web import links as paths
from ivr.web.security import twilio_signed
from ivr.web.voice import METHODS, bp, carrier_queue, flow_state, services
from ivr.web.voice_line import back_in_line


@bp.route(paths.TRANSFER_HOLD, methods=METHODS)
@twilio_signed
def transfer_hold() -> Response:
    state = flow_state()
    queue, skills = carrier_queue()
    spoken = services().voice.language_of(state.flow, state.language)
    lead = phrases(spoken.code)["transferring"]
    return back_in_line(state, queue or "support", tuple(sorted(skills)), lead)
