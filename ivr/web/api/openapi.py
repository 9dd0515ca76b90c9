"""``GET /api/v1/openapi.json``: the contract (``contract.py``) as an OpenAPI 3.1 document.

Schemas are generated from the pydantic models that validate the requests and build the
responses; nothing here is written twice.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ivr.web.api import bp, schemas
from ivr.web.api.contract import OPERATIONS, Operation
from ivr.web.api.errors import API_PREFIX

VERSION = "1.0.0"
REF = "#/components/schemas/{model}"

DESCRIPTION = """\
The contact centre's agents, queues, customers and callbacks, as JSON.

## Authentication

Every operation but this document needs `Authorization: Bearer <token>`. Tokens are made on the
server with `ivr tokens create --role admin|manager|agent [--name NAME]` (shown once, stored
only as a SHA-256 digest), listed with `ivr tokens list` and revoked with `ivr tokens revoke ID`.
When the deployment sets `IVR_API_TOKEN`, that value is also accepted, as an admin token, for
automation. A missing, unknown or revoked token gets 401 with `WWW-Authenticate: Bearer`; a
token whose role is too low gets 403.

## Roles

Each role may do everything the roles before it may:

| role | may |
|---|---|
| `agent` | read agents and queues; set any agent's status; hear their own calls (signed in) |
| `manager` | also read customers, calls, callbacks and reports; search; hear any call; QA reviews |
| `admin` | also add agents and change them |

Besides bearer tokens, the consoles call the API with the signed-in user's session cookie;
a request that changes something must then carry the page's CSRF token in `X-CSRFToken`.

## Errors

Every error is JSON with the HTTP status again, a message for a person, and, for 422 (and a
409 that names what collides), the offending fields by dotted path into the body or query:

    {"error": {"status": 422, "message": "the body is not valid: phone",
               "fields": {"phone": "must be an E.164 number: ..."}}}

400 is a body that is not JSON, 415 a body not sent as `application/json`, 422 a body or
query that is JSON but breaks a rule, 404 an unknown resource or path, 405 a method the path
does not have, 409 a conflict with another resource, 500 our fault (logged).

## Phone numbers

E.164 throughout: `+` and the country code, e.g. `+14155550123`. In a query string, encode the
`+` as `%2B`.
"""


def _status_text(status: int) -> str:
    return {
        200: "OK",
        201: "Created",
        206: "The byte range asked for (`Range`)",
        400: "The body is not valid JSON, or (reports) the date range is not",
        401: "Missing, unknown or revoked bearer token",
        403: "The token's role is too low",
        404: "No such resource",
        409: "Conflicts with another resource",
        415: "The body is not application/json",
        422: "The body or query breaks a rule; `fields` says which",
        502: "The carrier refused the request",
    }.get(status, "")


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


_refs: dict[type[BaseModel], dict[str, Any]] = {}
"""Each model's ``$ref`` as pydantic named it (filled by ``document``)."""


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return _refs[model]


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": schema.get("description", ""),
            "schema": {k: v for k, v in schema.items() if k != "description"},
        }
        for name, schema in operation.path_parameters.items()
    ]
    if operation.query is not None:
        query_schema = operation.query.model_json_schema(ref_template=REF)
        required = set(query_schema.get("required", ()))
        for name, schema in query_schema["properties"].items():
            schema = _optional_parameter(dict(schema))
            description = schema.pop("description", "")
            schema.pop("title", None)
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "description": description,
                    "schema": schema,
                }
            )
    return parameters


def _optional_parameter(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent, never null: ``anyOf [X, null]`` with default null is X."""
    branches = schema.get("anyOf", [])
    if schema.get("default", 0) is None and len(branches) == 2 and {"type": "null"} in branches:
        (kept,) = [branch for branch in branches if branch != {"type": "null"}]
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return {**rest, **kept}
    return schema


def _operation(operation: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, model in operation.responses.items():
        schema = {"type": "object"} if model is None else _ref(model)
        content = {operation.media[status]: {}} if status in operation.media else _json(schema)
        responses[str(status)] = {"description": _status_text(status), "content": content}
    for status in operation.error_statuses():
        responses[str(status)] = {
            "description": _status_text(status),
            "content": _json(_ref(schemas.Error)),
        }
    responses["default"] = {
        "description": "Any other error (405, 500, ...), in the same shape",
        "content": _json(_ref(schemas.Error)),
    }
    document: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag] if operation.tag else [],
        "responses": responses,
    }
    if operation.description:
        document["description"] = operation.description
    if operation.role is None:
        document["security"] = []
    else:
        document["x-required-role"] = str(operation.role)
        role_note = f"Needs a token with the `{operation.role}` role or higher."
        document["description"] = f"{operation.description}\n\n{role_note}".strip()
    parameters = _parameters(operation)
    if parameters:
        document["parameters"] = parameters
    if operation.body is not None:
        document["requestBody"] = {"required": True, "content": _json(_ref(operation.body))}
    return document


def _models() -> list[tuple[type[BaseModel], str]]:
    bodies = {op.body for op in OPERATIONS if op.body is not None}
    answers = {m for op in OPERATIONS for m in op.responses.values() if m is not None}
    answers.add(schemas.Error)
    return [(m, "validation") for m in sorted(bodies, key=lambda m: m.__name__)] + [
        (m, "serialization") for m in sorted(answers, key=lambda m: m.__name__)
    ]


@cache
def document() -> dict[str, Any]:
    """Built once per process: the contract does not change while it runs."""
    refs, definitions = models_json_schema(_models(), ref_template=REF)
    _refs.update({model: ref for (model, _mode), ref in refs.items()})
    components: dict[str, Any] = {
        "schemas": definitions.get("$defs", {}),
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from `ivr tokens create`, or `IVR_API_TOKEN`.",
            }
        },
    }
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ivr contact centre API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": API_PREFIX}],
        "security": [{"bearer": []}],
        "tags": [
            {"name": "agents"},
            {"name": "queues"},
            {"name": "customers"},
            {"name": "callbacks"},
            {"name": "transcripts"},
            {"name": "reports"},
            {"name": "reviews"},
            {"name": "meta"},
        ],
        "paths": paths,
        "components": components,
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())
