"""Run the sandbox as a process of its own (``ivr sandbox``, the demo, ``make run``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Mapping

from ivr.sandbox.driver import Sandbox


def run(
    host: str = "127.0.0.1",
    port: int = 5055,
    *,
    account_sid: str | None = None,
    auth_token: str | None = None,
    numbers: Mapping[str, Mapping[str, str]] | Iterable[Mapping[str, str]] = (),
    time_scale: float = 1.0,
    default_policy: str = "human",
    api_keys: Mapping[str, str] | None = None,
    announce=print,
) -> None:
    """Serve the sandbox until Ctrl-C (SIGINT) or SIGTERM, then end every call cleanly.

    ``numbers`` are the business numbers, ``{"+15550100": {"voice_url": ...,
    "status_callback": ...}}`` (settings: ``voice_url``, ``voice_method``, ``status_callback``,
    ``status_callback_method``, ``voice_fallback_url``, ``voice_fallback_method``), or a list
    of such mappings each with its ``phone_number``. ``api_keys`` (SID to secret) are the keys
    whose secrets sign browser phones' access tokens. Without an account SID or auth token,
    fresh ones are made and announced, so the product can be configured with them (a token
    that was given is never printed).
    """
    sandbox = Sandbox(
        account_sid,
        auth_token,
        time_scale=time_scale,
        default_policy=default_policy,
        api_keys=api_keys,
    )
    if isinstance(numbers, Mapping):
        entries = [{"phone_number": key, **value} for key, value in numbers.items()]
    else:
        entries = [dict(entry) for entry in numbers]
    for settings in entries:
        phone_number = settings.pop("phone_number")
        sandbox.add_number(phone_number, **settings)
    base_url = sandbox.serve(host, port)
    announce(f"Twilio sandbox at {base_url} (phone page: {base_url}/)")
    announce(f"  TWILIO_ACCOUNT_SID={sandbox.account_sid}")
    if auth_token is None:
        # Made up just now, so the product must be told it; a given token is not echoed.
        announce(f"  TWILIO_AUTH_TOKEN={sandbox.auth_token}")
    announce(f"  TWILIO_API_BASE_URL={base_url}")
    for key_sid in sandbox.engine.api_keys:
        announce(f"  API key {key_sid} (browser phones: {base_url}/sandbox/voice/)")
    for number in sandbox.engine.numbers.values():
        announce(f"  number {number.phone_number} -> {number.voice_url or '(no voice URL)'}")
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        announce("Stopping the sandbox: ending calls...")
        sandbox.close()
