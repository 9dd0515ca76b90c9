"""One error shape for every ``/api/v1`` answer that is not a success::

    {"error": {"status": 422, "message": "...", "fields": {"phone": "..."}}}

Views raise ``ApiError`` (or let a domain error or an ``HTTPException`` rise); the handlers here
turn all of them, and anything unexpected, into that JSON, never into an HTML page. The voice
blueprint keeps its own handler: the carrier must always get TwiML.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Blueprint, Flask, Response, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from ivr.core.directory import AgentConflict, AgentNotFound, InvalidAgent

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


class ApiError(Exception):
    """An answer other than success, with the status it deserves."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


def error_response(
    status: int,
    message: str,
    *,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    response = jsonify(error={"status": status, "message": message, "fields": dict(fields or {})})
    response.status_code = status
    response.headers.update(dict(headers or {}))
    return response


def not_found(what: str) -> ApiError:
    return ApiError(404, what)


def invalid(error: ValidationError, *, source: str = "body") -> ApiError:
    """A 422 naming each offending field by its dotted path (``skills.2``)."""
    fields: dict[str, str] = {}
    for problem in error.errors(include_url=False):
        path = ".".join(str(part) for part in problem["loc"]) or source
        fields.setdefault(path, _message(problem))
    names = ", ".join(fields)
    return ApiError(422, f"the {source} is not valid: {names}", fields=fields)


def _message(problem: Mapping) -> str:
    kind = problem["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required"
    if kind == "model_type" or kind == "model_attributes_type":
        return "must be a JSON object"
    return str(problem["msg"]).removeprefix("Value error, ")


def _from_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, fields=error.fields, headers=error.headers)


def _from_http(error: HTTPException) -> Response:
    status = error.code or 500
    allowed = error.get_response().headers.get("Allow") if status == 405 else None
    return error_response(
        status, error.description or error.name, headers={"Allow": allowed} if allowed else None
    )


def _from_missing_agent(error: AgentNotFound) -> Response:
    return error_response(404, str(error))


def _from_conflict(error: AgentConflict) -> Response:
    return error_response(
        409,
        str(error),
        fields={error.field: f"already the {error.field} of agent {error.holder_id}"},
    )


def _from_invalid_agent(error: InvalidAgent) -> Response:
    return error_response(422, f"the agent is not valid: {error}", fields=error.fields)


def _from_unexpected(error: Exception) -> Response:
    log.exception("API %s %s failed", request.method, request.path, exc_info=error)
    return error_response(500, "internal error: it has been logged")


def install(bp: Blueprint) -> None:
    """Handlers for everything raised under the API blueprint, most specific first."""
    bp.register_error_handler(ApiError, _from_api_error)
    bp.register_error_handler(AgentNotFound, _from_missing_agent)
    bp.register_error_handler(AgentConflict, _from_conflict)
    bp.register_error_handler(InvalidAgent, _from_invalid_agent)
    bp.register_error_handler(HTTPException, _from_http)
    bp.register_error_handler(Exception, _from_unexpected)


def install_routing_errors(app: Flask) -> None:
    """A path under /api/v1 that matches no route (404), or a known one with the wrong method
    (405), fails before any blueprint is chosen, so only app-wide handlers see it. Other paths
    get Flask's usual answer, as before.

    Flask consults handlers registered by status code before a blueprint's ``Exception``
    handler, so a 404 or 405 *raised inside* another blueprint's view would come here too and
    be answered as Flask would; the voice views raise no HTTP errors (they answer TwiML)."""

    def handle(error: HTTPException) -> Response | HTTPException:
        if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
            return _from_http(error)
        return error

    app.register_error_handler(404, handle)
    app.register_error_handler(405, handle)
