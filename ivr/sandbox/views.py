"""Plain-data views of a call, shared by the phone page's JSON API and the driver."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ivr.sandbox.call import Call
from ivr.sandbox.engine import Engine


def call_view(engine: Engine, call: Call) -> dict[str, Any]:
    """What a person on this call can see; the caller holds ``engine.lock``."""
    queue = engine.queues.get(call.queue_sid) if call.queue_sid else None
    bridge = call.bridge if call.bridge is not None and not call.bridge.ended else None
    other = engine.calls.get(bridge.other(call.sid)) if bridge else None
    listening = call.listening
    return {
        "sid": call.sid,
        "status": str(call.status),
        "direction": call.direction,
        "from": call.from_,
        "to": call.to,
        "answered_by": call.answered_by,
        "ringing": call.ringing_device is not None,
        "heard": [asdict(p) for p in call.heard],
        "listening": (
            {
                "kind": listening.kind,
                "dtmf": listening.dtmf,
                "speech": listening.speech,
                "num_digits": listening.num_digits,
                "finish_keys": listening.finish_keys,
                "language": listening.language,
            }
            if listening is not None
            else None
        ),
        "awaiting_input": call.awaiting_input,
        "queue": (
            {
                "sid": queue.sid,
                "name": queue.friendly_name,
                "position": queue.position(call.sid),
                "size": len(queue.members),
            }
            if queue is not None
            else None
        ),
        "bridged_with": (
            {"sid": other.sid, "from": other.from_, "to": other.to} if other is not None else None
        ),
        "errors": [
            {"code": n.error_code, "level": n.level, "message": n.message, "url": n.request_url}
            for n in engine.notifications
            if n.call_sid == call.sid
        ],
    }
