"""``/api/v1/customers``: a customer's file and calls, found by phone number."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from ivr.core.access import Role
from ivr.web.api import bp
from ivr.web.api.auth import requires_role
from ivr.web.api.inputs import dump, query
from ivr.web.api.schemas import CustomerList, CustomerQuery


@bp.get("/customers")
@requires_role(Role.MANAGER)
def find_customers() -> Response:
    phone = query(CustomerQuery).phone
    files = current_app.extensions["ivr"].customer_history.files_for_number(phone)
    return jsonify(dump({"customers": files}, CustomerList))
