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
BRIDGING = "/voice/bridging"
AGENT_ANSWER = "/voice/agent/answer"
AGENT_ACCEPT = "/voice/agent/accept"
AGENT_AFTER = "/voice/agent/after"
RECORDING = "/voice/recording"
HOLD_MUSIC = "/voice/hold-music.wav"
LAST_RESORT = "/voice/last-resort"
CLICK_TO_CALL_ANSWER = "/voice/click-to-call/answer"


def state_params(state: FlowState) -> dict[str, str]:
    return {
        "flow": state.flow,
        "step": state.step,
        "lang": state.language,
        "attempt": str(state.attempt),
    }


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

    def bridging(self, queue: str, language: str = "en") -> str:
        return self._url(BRIDGING, {"queue": queue, "lang": language})

    def hold_music(self) -> str:
        return self._url(HOLD_MUSIC)

    def recording_status(self) -> str:
        return self._url(RECORDING)

    def last_resort(self) -> str:
        return self._url(LAST_RESORT)

    def click_to_call_answer(self, state: FlowState) -> str:
        return self._url(CLICK_TO_CALL_ANSWER, state_params(state))

    def agent_answer(self, queue: str, agent_id: int) -> str:
        return self._url(AGENT_ANSWER, {"queue": queue, "agent": str(agent_id)})

    def agent_accept(self, queue: str, agent_id: int) -> str:
        return self._url(AGENT_ACCEPT, {"queue": queue, "agent": str(agent_id)})

    def agent_after(self, queue: str, agent_id: int) -> str:
        return self._url(AGENT_AFTER, {"queue": queue, "agent": str(agent_id)})

    def agent_status(self, queue: str, agent_id: int) -> str:
        return self._url(STATUS, {"queue": queue, "agent": str(agent_id)})
