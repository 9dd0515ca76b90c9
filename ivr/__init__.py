"""The contact centre's Flask application.

``create_app`` reads and validates the settings, loads and checks every call flow, wires the
services once, and registers the blueprints. It does no I/O against the database, Redis or the
carrier: those are reached lazily, so a web process starts even while Redis restarts, and
``/healthz`` says what is down.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from ivr.bootstrap import Services, build_services
from ivr.config import Settings, load_settings
from ivr.web.forms import WebhookRequest
from ivr.web.sessions import WebhookAwareSessionInterface


def instance_path() -> Path:
    """Flask's instance folder for this package: where the default SQLite database lives."""
    return Path(Flask(__name__, instance_relative_config=True).instance_path)


def create_app(settings: Settings | None = None, *, env: Mapping[str, str] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder="web/static")
    app.request_class = WebhookRequest
    if settings is None:
        settings = load_settings(env, instance_path=Path(app.instance_path))
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    app.config.update(SECRET_KEY=settings.secret_key, IVR_SETTINGS=settings)
    app.session_interface = WebhookAwareSessionInterface()
    services = build_services(settings)
    app.extensions["ivr"] = services
    _configure_logging(app)

    from ivr.web import (
        api,
        click_to_call,
        pages,
        voice_line,  # noqa: F401  (its routes join the voice blueprint)
    )
    from ivr.web.health import bp as health_bp
    from ivr.web.voice import bp as voice_bp

    app.register_blueprint(voice_bp)
    app.register_blueprint(health_bp)
    api.register(app)
    click_to_call.init_app(app, settings)
    pages.register(app, settings)
    return app


def services_of(app: Flask) -> Services:
    return app.extensions["ivr"]


class CallSidFilter(logging.Filter):
    """Puts the webhook's CallSid on every log record, so one call's story can be grepped."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context, request

        if not hasattr(record, "call_sid"):
            sid = "-"
            if has_request_context():
                sid = request.values.get("CallSid", "-")[:64] or "-"
            record.call_sid = sid
        return True


def _configure_logging(app: Flask) -> None:
    root = logging.getLogger("ivr")
    if any(isinstance(f, CallSidFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.addFilter(CallSidFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [CallSid=%(call_sid)s] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
