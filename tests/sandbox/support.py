"""Helpers for the sandbox tests: the host-rewriting HTTP client and a tiny TwiML app.

The TwiML app is not the product: each test tells it what to answer on which path, and reads
back what the sandbox sent it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Response, request
from twilio.http.http_client import TwilioHttpClient

TIME_SCALE = 0.02
"""50 times faster than real time: a 5 s gather timeout lasts 0.1 s."""
BUSINESS = "+15550100"
CALLER = "+14155550123"
AGENT = "+15550111"


class RewritingHttpClient(TwilioHttpClient):
    """Sends the helper library's ``https://api.twilio.com`` requests to the sandbox."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        for host in ("https://api.twilio.com", "http://api.twilio.com"):
            if url.startswith(host):
                url = self.base_url + url[len(host) :]
        return super().request(method, url, *args, **kwargs)


@dataclass
class Received:
    method: str
    path: str
    url: str
    form: dict[str, str]
    args: dict[str, str]
    headers: dict[str, str]


Answer = str | Callable[[Received], "str | tuple[str, int] | tuple[str, int, dict] | Response"]


@dataclass
class TwimlApp:
    """Answers each path with the TwiML (or callable) a test registered."""

    base_url: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def on(self, path: str, answer: Answer) -> str:
        """Answer ``path`` with ``answer``; returns the absolute URL."""
        self.answers[path] = answer
        return self.url(path)

    def requests_to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def handle(self, path: str) -> Response:
        entry = Received(
            method=request.method,
            path="/" + path,
            url=request.url,
            form=request.form.to_dict(),
            args=request.args.to_dict(),
            headers=dict(request.headers),
        )
        with self.lock:
            self.received.append(entry)
        answer = self.answers.get(entry.path, "<Response/>")
        result = answer(entry) if callable(answer) else answer
        if isinstance(result, Response):
            return result
        if isinstance(result, tuple):
            body, status, *rest = result
            headers = rest[0] if rest else {}
            return Response(body, status=status, headers=headers, mimetype="text/xml")
        return Response(result, mimetype="text/xml")
