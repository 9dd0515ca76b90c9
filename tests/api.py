"""A client for the JSON API that checks every answer against the published contract.

Each response the tests see is validated against the schema the OpenAPI document states for
that operation and status (an undocumented status fails the test), so the specification tests
double as contract tests.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import MethodNotAllowed, NotFound

from ivr.core.access import Role
from ivr.web.api.openapi import document

DOCUMENT_URI = "urn:ivr:api:openapi"
PREFIX = "/api/v1"
CATCH_ALL = (405, 500)
"""The statuses an operation may answer under ``default``; any other must be listed."""


def openapi_template(rule: str) -> str:
    """``/api/v1/agents/<int:agent_id>`` as the document writes it: ``/agents/{agent_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix(PREFIX))


def documented_schema(method: str, template: str | None, status: int) -> dict[str, Any]:
    """The schema the document promises for this answer; fails if it promises none."""
    doc = document()
    error = {"$ref": "#/components/schemas/Error"}
    if template is None:
        return error  # no route: a JSON 404 or 405
    operation = doc["paths"].get(template, {}).get(method.lower())
    if operation is None:
        return error  # a known path, another method: 405
    answers = operation["responses"]
    if status not in CATCH_ALL:
        assert str(status) in answers, f"{method} {template}: {status} is not documented"
    answer = answers.get(str(status)) or answers["default"]
    return answer["content"]["application/json"]["schema"]


def documented_media(method: str, template: str | None, status: int) -> str | None:
    """The media type of a documented answer that is not JSON (``audio/wav``), else None."""
    if template is None:
        return None
    operation = document()["paths"].get(template, {}).get(method.lower(), {})
    content = operation.get("responses", {}).get(str(status), {}).get("content", {})
    return None if not content or "application/json" in content else next(iter(content))


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    registry = Registry().with_resource(
        DOCUMENT_URI, Resource(contents=document(), specification=DRAFT202012)
    )
    if "$ref" in schema:
        schema = {"$ref": DOCUMENT_URI + schema["$ref"]}
    return Draft202012Validator(schema, registry=registry)


class Api:
    """``api.get("/agents", role="agent")``: paths are relative to /api/v1; ``role`` picks a
    token of that role (issued once through the real token service), ``token`` sends any."""

    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()
        self._tokens: dict[str, str] = {}

    def token(self, role: str) -> str:
        if role not in self._tokens:
            access = self.app.extensions["ivr"].api_access
            self._tokens[role] = access.issue(Role(role), name=f"test {role}").token
        return self._tokens[role]

    def request(
        self,
        method: str,
        path: str,
        *,
        role: str | None = "admin",
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ):
        headers = dict(headers or {})
        if token is None and role is not None:
            token = self.token(role)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)
        self.check(method, PREFIX + path.split("?")[0], response)
        return response

    def check(self, method: str, path: str, response) -> None:
        adapter = self.app.url_map.bind("ivr.example.com")
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
            template = openapi_template(rule.rule)
        except (NotFound, MethodNotAllowed):
            template = None
        media = documented_media(method, template, response.status_code)
        if media is not None:
            assert response.mimetype == media, (method, path, response.mimetype)
            return
        assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
        schema = documented_schema(method, template, response.status_code)
        errors = sorted(validator_for(schema).iter_errors(response.get_json()), key=str)
        assert not errors, f"{method} {path} {response.status_code}: {errors[0].message}"

    def get(self, path: str, **kwargs: Any):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any):
        return self.request("PUT", path, **kwargs)


def served_routes() -> dict[tuple[str, str], Any]:
    """Every (method, OpenAPI path) the API blueprint serves, with its view function."""
    from flask import Flask

    from ivr.web import api

    app = Flask("contract-check")
    api.register(app)
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes[(method.lower(), openapi_template(rule.rule))] = app.view_functions[
                rule.endpoint
            ]
    return routes


def example_path(template: str) -> str:
    """A concrete path for a template: ids 1, queue ``support``, an unknown recording."""
    return (
        template.replace("{agent_id}", "1")
        .replace("{name}", "support")
        .replace("{recording_sid}", "RE" + "0" * 32)
    )
