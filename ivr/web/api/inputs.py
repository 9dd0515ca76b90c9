"""Reading a request's JSON body or query string into a model, or failing with the right status:
415 when the body is not declared JSON, 400 when it does not parse, 422 when it breaks a rule."""

from __future__ import annotations

from typing import TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from ivr.web.api.errors import ApiError, invalid

M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> M:
    if not request.is_json:
        raise ApiError(415, "send the body as JSON, with Content-Type: application/json")
    try:
        return model.model_validate_json(request.get_data(cache=True) or b"")
    except ValidationError as error:
        if any(problem["type"] == "json_invalid" for problem in error.errors()):
            raise ApiError(400, "the body is not valid JSON") from None
        raise invalid(error, source="body") from None


def query(model: type[M]) -> M:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise invalid(error, source="query") from None


def dump(value: object, model: type[BaseModel]) -> dict:
    """A core value as the JSON the contract documents for it."""
    return model.model_validate(value, from_attributes=True).model_dump(mode="json")
