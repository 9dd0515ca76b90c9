"""The baseline: a bare Flask route returning a fixed TwiML document, nothing else."""

from flask import Flask, Response

DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/voice/step" '
    'input="dtmf speech" timeout="5"><Say language="en-US">Thanks for calling. For billing '
    "press 1. For technical support press 2. To speak to a person press 0.</Say></Gather>"
    "<Redirect>/voice/step</Redirect></Response>"
)


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/voice/incoming")
    @app.post("/voice/step")
    def fixed() -> Response:
        return Response(DOCUMENT, mimetype="text/xml")

    return app
