"""A Twilio-compatible carrier for tests, benchmarks and demos (see README.md here).

The public surface::

    from ivr.sandbox import Sandbox          # the driver: numbers, devices, calls, logs
    from ivr.sandbox import create_app       # its Flask app, for a WSGI server of your own
    from ivr.sandbox import run              # serve until Ctrl-C (the ``ivr sandbox`` command)
"""

from ivr.sandbox.app import create_app
from ivr.sandbox.driver import QueueView, Sandbox
from ivr.sandbox.engine import Engine
from ivr.sandbox.errors import APPLICATION_ERROR_MESSAGE
from ivr.sandbox.handles import CallHandle, DeviceHandle, SandboxTimeout
from ivr.sandbox.models import Notification, PhoneNumber, Prompt, Recording, WebhookRequest
from ivr.sandbox.serve import run

__all__ = [
    "APPLICATION_ERROR_MESSAGE",
    "CallHandle",
    "DeviceHandle",
    "Engine",
    "Notification",
    "PhoneNumber",
    "Prompt",
    "QueueView",
    "Recording",
    "Sandbox",
    "SandboxTimeout",
    "WebhookRequest",
    "create_app",
    "run",
]
