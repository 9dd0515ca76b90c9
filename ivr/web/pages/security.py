"""What protects the consoles' pages: CSRF tokens, cookie flags and security headers.

- **CSRF** (Flask-WTF): every form carries a token, and the consoles' scripts send it in
  ``X-CSRFToken`` when they call the API with the session cookie. Checked on the consoles'
  blueprints and in the API's session sign-in, not app-wide: the carrier's webhooks are
  signed instead, and they are the hot path.
- **Cookies**: HttpOnly, SameSite=Lax, and Secure whenever ``PUBLIC_BASE_URL`` is https;
  a session lasts a working day.
- **Headers**: a Content-Security-Policy that allows only the app's own scripts, styles and
  media (no inline script, no eval, no CDN), framing by nobody, no MIME sniffing, no
  referrer to other sites. The Voice SDK needs Twilio's signalling hosts, and the sandbox's
  stand-in for it needs the sandbox; only those are added to ``connect-src``.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, Response
from flask_wtf.csrf import CSRFProtect

from ivr.config import TWILIO_API_DEFAULT, Settings

csrf = CSRFProtect()

TWILIO_VOICE_HOSTS = (
    "wss://voice-js.roaming.twilio.com",
    "wss://*.twilio.com",
    "https://eventgw.twilio.com",
)
"""Where the Twilio Voice JavaScript SDK connects (its documentation's CSP advice)."""

SESSION_HOURS = 12


def configure(app: Flask, settings: Settings) -> None:
    secure = settings.public_base_url.startswith("https://")
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="ivr_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    csrf.init_app(app)
    app.extensions["ivr_csp"] = content_security_policy(settings)


def content_security_policy(settings: Settings) -> str:
    connect = ["'self'", *TWILIO_VOICE_HOSTS]
    if settings.twilio_api_base_url != TWILIO_API_DEFAULT:
        parts = urlsplit(settings.twilio_api_base_url)
        connect.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "media-src 'self' blob:",
            "connect-src " + " ".join(connect),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def protect(app: Flask, blueprint: str) -> None:
    """A console blueprint: CSRF on its forms, security headers on its answers (hooks put on
    the app for that blueprint, as ``Blueprint.before_request`` would, so one blueprint can
    serve several apps: the tests make many)."""
    app.before_request_funcs.setdefault(blueprint, []).append(_check_csrf)
    app.after_request_funcs.setdefault(blueprint, []).append(with_security_headers)


def _check_csrf() -> None:
    csrf.protect()


def with_security_headers(response: Response) -> Response:
    from flask import current_app

    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["ivr_csp"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cache-Control", "no-store")
    return response
