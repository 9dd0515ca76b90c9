"""The web app as gunicorn serves it to the resilience tests: settings from the environment,
as in production, with the flows' clock fixed in business hours (the line keeps real time).

``gunicorn 'tests.e2e.live_app:create()'``
"""

from __future__ import annotations

from flask import Flask

from ivr import create_app
from tests.helpers import OPEN_HOURS, FixedClock


def create() -> Flask:
    app = create_app()
    app.extensions["ivr"].clock = FixedClock(OPEN_HOURS)
    return app
