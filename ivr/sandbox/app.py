"""The sandbox's own Flask application: REST API, recording media and the phone page.

It shares nothing with the product's app: the sandbox is a separate carrier, reached only over
HTTP, exactly as Twilio is.
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from ivr.sandbox import errors, phone, rest, rest_keys, rest_records, voice_sdk
from ivr.sandbox.engine import Engine


def create_app(engine: Engine) -> Flask:
    """A WSGI app serving ``engine``; run it with any WSGI server (``Sandbox.serve`` does)."""
    app = Flask(__name__, static_url_path="/sandbox/static")
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False
    app.extensions["ivr_sandbox_engine"] = engine
    app.register_blueprint(rest.bp)
    app.register_blueprint(rest_records.bp)
    app.register_blueprint(rest_records.media)
    app.register_blueprint(rest_keys.bp)
    app.register_blueprint(phone.bp)
    app.register_blueprint(voice_sdk.bp)

    @app.errorhandler(errors.RestError)
    def rest_error(failure: errors.RestError):
        return jsonify(failure.body()), failure.status

    @app.errorhandler(HTTPException)
    def http_error(failure: HTTPException):
        if request.path.startswith("/2010-04-01"):
            code = errors.NOT_FOUND if failure.code == 404 else errors.INVALID_PARAMETER
            body = errors.RestError(failure.code or 500, code, failure.description or "").body()
            return jsonify(body), failure.code
        return jsonify({"error": failure.description}), failure.code

    return app
