"""/healthz for load balancers and /metrics for Prometheus."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify

from ivr.web.metrics import exposition

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database and Redis answer; 503 naming the ones that did not."""
    services = current_app.extensions["ivr"]
    checks: dict[str, str] = {}
    for name, probe in (("database", services.database.ping), ("redis", services.redis.ping)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as error:  # any failure of a dependency is a 503, with its reason
            log.warning("health check %s failed: %s", name, error)
            checks[name] = f"failed: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), (
        200 if healthy else 503
    )


@bp.get("/metrics")
def metrics() -> Response:
    body, content_type = exposition()
    return Response(body, mimetype=content_type.split(";")[0], content_type=content_type)
