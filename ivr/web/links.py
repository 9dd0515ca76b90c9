"""Absolute webhook URLs on ``PUBLIC_BASE_URL``, for TwiML and for calls the app places.

Built without Flask's request context because the worker places calls too. A flow state rides in
the query string: Twilio signs the full URL, so a caller cannot forge a state.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ivr.core.flows.instructions import FlowState

# Route paths: the blueprint registers these, the links point at them. /voice/incoming and
# /voice/status are a published contract (the number's Voice URL and status callback).
INCOMING = "/voice/incoming"
STATUS = "/voice/status"
STEP = "/voice/step"
HOLD = "/voice/hold"
HOLD_LEAVE = "/voice/hold/leave"
QUEUE_DONE = "/voice/queue-done"
RECORDING = "/voice/recording"
HOLD_MUSIC = "/voice/hold-music.wav"
LAST_RESORT = "/voice/last-resort"
QUEUE_CONNECT = "/voice/queue/connect"
QUEUE_DIALED = "/voice/queue/dialed"
AGENT_WHISPER = "/voice/agent/whisper"
AGENT_TAKE = "/voice/agent/take"
CALLBACK_CONFIRM = "/voice/callback/confirm"
CALLBACK_ANSWER = "/voice/callback/answer"
CALLBACK_STATUS = "/voice/callback/status"
CALLBACK_HOLD = "/voice/callback/hold"
CLICK_TO_CALL_ANSWER = "/voice/click-to-call/answer"
TRANSFER_HOLD = "/voice/transfer/hold"


def state_params(state: FlowState) -> dict[str, str]:
    params = {
        "flow": state.flow,
        "step": state.step,
        "lang": state.language,
        "attempt": str(state.attempt),
    }
    if state.noticed:
        params["rec"] = "1"  # the recording notice was said: not again on this call
    return params


def state_from_params(params: dict[str, str]) -> FlowState | None:
    """The flow state a URL carries, or None when it carries none (or a malformed one)."""
    flow, step, language = params.get("flow"), params.get("step"), params.get("lang")
    if not (flow and step and language):
        return None
    attempt = params.get("attempt", "0")
    return FlowState(
        flow=flow[:64],
        step=step[:64],
        language=language[:16],
        attempt=int(attempt) if attempt.isdigit() and len(attempt) < 3 else 0,
        noticed=params.get("rec") == "1",
    )


@dataclass(frozen=True)
class PublicUrls:
    base: str

    def _url(self, path: str, params: dict[str, str] | None = None) -> str:
        return self.base + path + (f"?{urlencode(params)}" if params else "")

    def incoming(self) -> str:
        return self._url(INCOMING)

    def status(self) -> str:
        return self._url(STATUS)

    def step(self, state: FlowState, *, event: str | None = None) -> str:
        params = state_params(state)
        if event:
            params["event"] = event
        return self._url(STEP, params)

    def hold(self, state: FlowState, queue: str) -> str:
        return self._url(HOLD, {**state_params(state), "queue": queue})

    def hold_leave(self, state: FlowState, queue: str) -> str:
        return self._url(HOLD_LEAVE, {**state_params(state), "queue": queue})

    def queue_done(self, state: FlowState, queue: str) -> str:
        return self._url(QUEUE_DONE, {**state_params(state), "queue": queue})

    def hold_music(self) -> str:
        return self._url(HOLD_MUSIC)

    def recording_status(self, kind: str | None = None) -> str:
        """The recordingStatusCallback; ``kind`` (call, voicemail, reason) rides in the query,
        signed with the URL, because the carrier's parameters cannot tell a reason clip from a
        voicemail (both are ``RecordVerb``)."""
        return self._url(RECORDING, {"kind": kind} if kind else None)

    def last_resort(self) -> str:
        return self._url(LAST_RESORT)

    def click_to_call_answer(self, state: FlowState) -> str:
        return self._url(CLICK_TO_CALL_ANSWER, state_params(state))

    def agent_status(self, queue: str, agent_id: int) -> str:
        return self._url(STATUS, {"queue": queue, "agent": str(agent_id)})

    # The Redis line (queue issue): an entry is a caller's CallSid or ``cb-<id>``.
    def queue_connect(self, entry_id: str, agent_id: int) -> str:
        return self._url(QUEUE_CONNECT, {"entry": entry_id, "agent": str(agent_id)})

    def queue_dialed(self, entry_id: str, agent_id: int) -> str:
        return self._url(QUEUE_DIALED, {"entry": entry_id, "agent": str(agent_id)})

    def agent_whisper(self, entry_id: str, agent_id: int) -> str:
        return self._url(AGENT_WHISPER, {"entry": entry_id, "agent": str(agent_id)})

    def agent_take(self, entry_id: str, agent_id: int) -> str:
        return self._url(AGENT_TAKE, {"entry": entry_id, "agent": str(agent_id)})

    def callback_confirm(self, state: FlowState, attempt: int = 0) -> str:
        return self._url(CALLBACK_CONFIRM, {**state_params(state), "try": str(attempt)})

    def callback_answer(self, callback_id: int, agent_id: int) -> str:
        return self._url(CALLBACK_ANSWER, {"callback": str(callback_id), "agent": str(agent_id)})

    def callback_status(self, callback_id: int, agent_id: int) -> str:
        return self._url(CALLBACK_STATUS, {"callback": str(callback_id), "agent": str(agent_id)})

    def callback_hold(self, entry_id: str) -> str:
        return self._url(CALLBACK_HOLD, {"entry": entry_id})

    def transfer_hold(self, state: FlowState, queue: str) -> str:
        """Where a transferred caller's leg is redirected: back on hold, place kept."""
        return self._url(TRANSFER_HOLD, {**state_params(state), "queue": queue})
