"""The app with its records kept in process memory: where the webhook's time goes.

Not a way to run the product (nothing is kept). bench/webhooks serves it beside the real app
and the bare route, so the cost of the SQL reads and writes on the webhook path is measured,
not guessed: real app vs this = the database's share; this vs bare Flask = everything else
(signature, parsing, flow, TwiML, metrics).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from ivr import create_app as create_ivr_app
from ivr.core.ports import KnownCustomer, NewCall, StatusReport


class InMemoryRecords:
    """CallRecords in a dict; same calls, no I/O."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def customer_for(self, number: str) -> KnownCustomer | None:
        return None

    def open_call_with_turn(
        self, call: NewCall, *, visited, outcome, language, queue=None, skills=()
    ) -> None:
        self.calls.setdefault(call.call_sid, {"path": []})["path"].extend(visited)

    def record_turn(
        self, call_sid: str, *, visited, outcome, language, queue=None, skills=()
    ) -> None:
        self.calls.setdefault(call_sid, {"path": []})["path"].extend(visited)

    def record_status(self, report: StatusReport) -> bool:
        return True

    def log(self, call_sid: str, kind: str, detail: dict[str, Any], *, dedupe_key=None) -> bool:
        return True

    def call_flow(self, call_sid: str) -> tuple[str | None, str | None]:
        return None, None

    def mark_bridged(self, caller_sid: str, agent_leg_sid: str | None) -> int | None:
        return None

    def store_voicemail(self, call_sid: str, **kwargs: Any) -> bool:
        return True


def create_app() -> Flask:
    app = create_ivr_app()
    app.extensions["ivr"].records = InMemoryRecords()  # before the first request builds voice
    return app
