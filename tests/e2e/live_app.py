"""The web app as gunicorn serves it to the resilience tests: settings from the environment,
as in production, with the flows' clock fixed in business hours (the line keeps real time).

``gunicorn 'tests.e2e.live_app:create()'``
"""

from __future__ import annotations

import os

from flask import Flask

from ivr import create_app
from tests.helpers import OPEN_HOURS, VOICE_SDK_ENV, FixedClock


def create() -> Flask:
    """Browser phones are configured when the environment leaves them out, with the key the
    tests' sandboxes know (tests.helpers), so console pages can mint tokens here too."""
    if not any(os.environ.get(name) for name in VOICE_SDK_ENV):
        os.environ.update(VOICE_SDK_ENV)
    app = create_app()
    app.extensions["ivr"].clock = FixedClock(OPEN_HOURS)
    return app
