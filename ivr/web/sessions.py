"""No cookie session for the carrier's webhooks.

Flask opens the session on every request; the carrier never sends a cookie and the webhooks
never read one, so building a signing serializer for each webhook is wasted work on the hottest
path. Pages for people (later issues) keep Flask's signed-cookie session.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

WEBHOOK_PREFIX = "/voice/"


class WebhookAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(WEBHOOK_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)
