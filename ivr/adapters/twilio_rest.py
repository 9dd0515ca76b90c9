"""The carrier's REST API through the official twilio helper library.

``TWILIO_API_BASE_URL`` must govern every request (the sandbox, a regional edge, a
Twilio-compatible carrier), so the library's HTTP client is replaced by one that rewrites the
scheme and host of every URL the library builds. That seam (``Client(http_client=...)``) is the
library's own; nothing else of it is patched.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from ivr.core.ports import OutboundLeg

STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends every request the library builds for ``*.twilio.com`` to ``base_url`` instead."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        base = urlsplit(base_url)
        self._scheme, self._netloc, self._prefix = base.scheme, base.netloc, base.path.rstrip("/")
        if self.session is not None and self._scheme == "http":
            # The parent mounts its pooled adapter on https:// only.
            self.session.mount("http://", self.session.get_adapter("https://"))

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit(
            (self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment)
        )

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return super().request(method, self.rewrite(url), *args, **kwargs)


def make_client(account_sid: str, auth_token: str, api_base_url: str) -> Client:
    http_client = None
    if urlsplit(api_base_url).netloc != "api.twilio.com":
        http_client = BaseUrlHttpClient(api_base_url)
    return Client(account_sid, auth_token, http_client=http_client)


class TwilioCarrier:
    """The ``Carrier`` port on the REST API."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def place_call(self, leg: OutboundLeg) -> str:
        extra: dict[str, Any] = {}
        if leg.machine_detection:
            extra["machine_detection"] = "DetectMessageEnd"
        call = self._client.calls.create(
            to=leg.to,
            from_=leg.from_,
            url=leg.answer_url,
            method="POST",
            status_callback=leg.status_callback_url,
            status_callback_method="POST",
            status_callback_event=STATUS_EVENTS,
            timeout=leg.timeout_seconds,
            **extra,
        )
        return str(call.sid)

    def load_resources(self) -> None:
        """Import the library's REST resources now: it imports them on first use, which
        took 0.3-0.5 s, and the first caller an agent is connected to should not wait for
        that (nor, in a forking worker, every caller)."""
        _ = self._client.api.v2010.account.calls

    def redirect(self, call_sid: str, url: str) -> None:
        self._client.calls(call_sid).update(url=url, method="POST")
