"""The two apps bench/dispatch serves under gunicorn: the product, and its baseline.

``create_app``: the product as production runs it, except that the flows' clock (business
hours only) is shifted into opening hours, so the benchmark measures the same path whatever the
hour it is run at. The waiting line's own clock (waits, timers, wrap-up) stays real.

``create_bare_app``: the baseline, the same TwiML shapes with nothing behind them: hold in a
queue, a redirect to a document that dials the agent with a whisper,
a whisper that asks for 1, and an empty document that lets the bridge go ahead. What the
sandbox needs to carry a connection when the app costs (almost) nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, Response, request
from twilio.twiml.voice_response import Dial, VoiceResponse

from ivr import create_app as create_ivr_app

OPEN = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
"""A Tuesday at 10:00 in New York: the demo business is open."""


class OpenHoursClock:
    """Real time, moved to a moment when the demo business is open."""

    def __init__(self) -> None:
        self.shift = OPEN - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


def create_app() -> Flask:
    app = create_ivr_app()
    app.extensions["ivr"].clock = OpenHoursClock()
    return app


def _xml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


def create_bare_app() -> Flask:
    app = Flask(__name__)

    @app.post("/bare/incoming")
    def incoming() -> Response:
        response = VoiceResponse()
        response.enqueue("bare", action="/bare/done", wait_url="/bare/hold")
        return _xml(response)

    @app.post("/bare/hold")
    def hold() -> Response:
        response = VoiceResponse()
        response.gather(num_digits=1, timeout=1).play("/bare/music.wav")
        return _xml(response)

    @app.post("/bare/done")
    def done() -> Response:
        return _xml(VoiceResponse())

    @app.post("/bare/connect")
    def connect() -> Response:
        response = VoiceResponse()
        dial = Dial(action="/bare/done", timeout=20)
        dial.number(request.args.get("agent", ""), url="/bare/whisper")
        response.append(dial)
        return _xml(response)

    @app.post("/bare/whisper")
    def whisper() -> Response:
        response = VoiceResponse()
        response.gather(num_digits=1, action="/bare/take").say(
            "Call from the support queue. Press 1 to take it.", language="en-US"
        )
        response.hangup()
        return _xml(response)

    @app.post("/bare/take")
    def take() -> Response:
        return _xml(VoiceResponse())

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok")

    return app
