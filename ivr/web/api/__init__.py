"""The JSON API, ``/api/v1``: a published contract, described at ``/api/v1/openapi.json``.

One blueprint; each area is a module that adds its routes to ``bp``. To add an area (the
queue's ``queues.py``: ``GET /queues``, ``GET /queues/<name>``, ``PUT /agents/<id>/status``):

1. write ``ivr/web/api/queues.py`` with ``from ivr.web.api import bp`` and views decorated
   with ``@requires_role(...)`` (``ivr.web.api.auth``); raise ``ApiError`` or
   ``not_found(...)`` (``ivr.web.api.errors``) for errors, and answer with
   ``dump(value, Model)`` (``ivr.web.api.inputs``) using the models in ``schemas.py``;
2. add its name to ``AREAS`` below;
3. its operations are already in ``contract.py`` (roles, bodies, answers); keep them in step.

The tests fail if a served route is missing from the contract or has another role there.
"""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint, Flask

from ivr.web.api.errors import API_PREFIX, install, install_routing_errors

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
install(bp)

AREAS = (
    "openapi",
    "agents",
    "customers",
    "callbacks",
    "queues",
    "calls",
    "transcripts",
    "console",
    "reports",
    "wallboard",
    "voice",
    "reviews",
)
"""The modules whose routes make up the API (``ivr.web.api.<area>``)."""

for _area in AREAS:
    import_module(f"{__name__}.{_area}")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    install_routing_errors(app)
