"""Fixtures for the sandbox's own tests: a sandbox, a tiny TwiML app, the real helper library."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from twilio.rest import Client
from werkzeug.serving import make_server

from ivr.sandbox import Sandbox

from .support import BUSINESS, TIME_SCALE, Answer, RewritingHttpClient, TwimlApp


@pytest.fixture
def twiml_app() -> Iterator[TwimlApp]:
    app = Flask("twiml-test-app")
    state = TwimlApp()

    @app.route("/<path:path>", methods=["GET", "POST"])
    def anything(path: str):
        return state.handle(path)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    state.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox(time_scale=TIME_SCALE)
    sb.serve()
    yield sb
    sb.close()


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    """The official helper library, pointed at the sandbox."""
    return Client(
        sandbox.account_sid,
        sandbox.auth_token,
        http_client=RewritingHttpClient(sandbox.base_url),
    )


@pytest.fixture
def business(sandbox: Sandbox, twiml_app: TwimlApp) -> Callable[..., str]:
    """Register the business number with ``/voice`` answering ``twiml``; returns the number."""

    def configure(twiml: Answer = "<Response/>", **settings) -> str:
        voice_url = twiml_app.on("/voice", twiml)
        sandbox.add_number(BUSINESS, voice_url=voice_url, **settings)
        return BUSINESS

    return configure
