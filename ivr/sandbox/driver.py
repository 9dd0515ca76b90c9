"""The Python driver: what tests, benchmarks and demos hold to play the people on the phone.

::

    sb = Sandbox(time_scale=0.02)
    sb.add_number("+15550100", voice_url=f"{app_url}/voice/incoming")
    base_url = sb.serve()                       # REST API + phone page, background thread
    call = sb.dial("+15550100", from_="+14155550123")
    call.wait_for_prompt()                      # the menu, as a list of Prompt
    call.press("1")
    call.wait_for_status("completed")
    sb.close()

Timeouts given to the driver (``timeout=``) are wall-clock seconds, never scaled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

from ivr.sandbox.access_tokens import ApiKey
from ivr.sandbox.app import create_app
from ivr.sandbox.devices import normalize_number
from ivr.sandbox.engine import Engine
from ivr.sandbox.handles import CallHandle, DeviceHandle, SandboxTimeout, wait_for
from ivr.sandbox.models import Notification, PhoneNumber, Recording, WebhookRequest
from ivr.sandbox.operations import place_inbound

DEFAULT_CALLER = "+14155550123"


@dataclass(frozen=True)
class QueueView:
    sid: str
    name: str
    size: int
    max_size: int
    members: tuple[str, ...]
    """Call SIDs still waiting, front first."""


class Sandbox:
    """A Twilio-compatible carrier in this process. Use it as a context manager, or close()."""

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        *,
        time_scale: float = 1.0,
        default_policy: str = "human",
        synthesize_speech: bool = True,
        webhook_timeout_seconds: float | None = None,
        api_keys: Mapping[str, str] | None = None,
    ) -> None:
        self.engine = Engine(
            account_sid=account_sid,
            auth_token=auth_token,
            time_scale=time_scale,
            default_policy=default_policy,
            synthesize_speech=synthesize_speech,
            webhook_timeout_seconds=webhook_timeout_seconds,
        )
        for key_sid, secret in (api_keys or {}).items():
            self.engine.add_api_key(key_sid, secret)
        self._app = None
        self._server: BaseWSGIServer | None = None
        self._server_thread: threading.Thread | None = None
        self.base_url: str | None = None

    # -- configuration -------------------------------------------------------------------

    @property
    def account_sid(self) -> str:
        return self.engine.account_sid

    @property
    def auth_token(self) -> str:
        return self.engine.auth_token

    @property
    def time_scale(self) -> float:
        return self.engine.clock.time_scale

    def add_number(
        self,
        phone_number: str,
        voice_url: str | None = None,
        *,
        voice_method: str = "POST",
        status_callback: str | None = None,
        status_callback_method: str = "POST",
        voice_fallback_url: str | None = None,
        voice_fallback_method: str = "POST",
    ) -> PhoneNumber:
        """Register a business number (an IncomingPhoneNumber) and its webhooks."""
        return self.engine.add_number(
            phone_number,
            voice_url=voice_url,
            voice_method=voice_method.upper(),
            status_callback=status_callback,
            status_callback_method=status_callback_method.upper(),
            voice_fallback_url=voice_fallback_url,
            voice_fallback_method=voice_fallback_method.upper(),
        )

    def add_api_key(
        self, sid: str | None = None, secret: str | None = None, friendly_name: str = ""
    ) -> ApiKey:
        """An API key whose secret signs browser phones' access tokens (made up if not given)."""
        return self.engine.add_api_key(sid, secret, friendly_name)

    def browsers_online(self, identity: str) -> int:
        """How many browser phones a call to ``client:<identity>`` would ring now."""
        return len(self.engine.browsers.online(identity))

    def verify_caller_id(self, number: str) -> None:
        """Allow ``number`` as ``From`` of REST calls (a verified caller ID)."""
        with self.engine.lock:
            self.engine.verified_caller_ids.add(normalize_number(number))

    @property
    def app(self):
        """The sandbox's Flask app (REST API and phone page)."""
        if self._app is None:
            self._app = create_app(self.engine)
        return self._app

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the app in a background thread; returns its base URL (port 0: any free port)."""
        if self._server is not None:
            raise RuntimeError(f"the sandbox is already served at {self.base_url}")
        self._server = make_server(host, port, self.app, threaded=True)
        shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
        if ":" in shown:
            shown = f"[{shown}]"
        self.base_url = f"http://{shown}:{self._server.server_port}"
        self.engine.base_url = self.base_url
        self._server_thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # close() waits up to one poll interval
            name="sandbox-http",
            daemon=True,
        )
        self._server_thread.start()
        return self.base_url

    # -- people and phones ---------------------------------------------------------------

    def device(self, number: str) -> DeviceHandle:
        return DeviceHandle(self, self.engine.device(number).number)

    def set_policy(self, number: str, policy: str) -> None:
        self.engine.set_policy(number, policy)

    def dial(self, to: str, from_: str = DEFAULT_CALLER, *, scripted: bool = True) -> CallHandle:
        """A person calls ``to`` (a business number) from ``from_``.

        A *scripted* call waits for the script at every Gather and Record (see the README):
        its timeouts elapse only when the script calls ``stay_silent()``.
        """
        call = place_inbound(self.engine, to=to, from_=from_, scripted=scripted)
        return CallHandle(self, call.sid)

    # -- reading what happened -------------------------------------------------------------

    def calls(self) -> list[CallHandle]:
        with self.engine.lock:
            return [CallHandle(self, sid) for sid in self.engine.calls]

    def call(self, sid: str) -> CallHandle:
        if self.engine.call(sid) is None:
            raise KeyError(f"no call {sid} in the sandbox")
        return CallHandle(self, sid)

    def queues(self) -> list[QueueView]:
        with self.engine.lock:
            return [
                QueueView(
                    sid=q.sid,
                    name=q.friendly_name,
                    size=len(q.members),
                    max_size=q.max_size,
                    members=tuple(m.call_sid for m in q.waiting()),
                )
                for q in self.engine.queues.values()
            ]

    def queue(self, name: str) -> QueueView | None:
        return next((q for q in self.queues() if q.name == name), None)

    @property
    def requests(self) -> list[WebhookRequest]:
        """Every webhook request made, oldest first (a copy)."""
        return self.engine.snapshot_requests()

    @property
    def errors(self) -> list[Notification]:
        """The debugger log: errors and warnings, oldest first (a copy)."""
        return self.engine.snapshot_notifications()

    def recordings(self) -> list[Recording]:
        with self.engine.lock:
            return list(self.engine.recordings.values())

    def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Block until ``predicate()`` holds: checked at every change and every 20 ms, outside
        the engine's lock (so it may ask the application, or the sandbox's REST API)."""
        if not wait_for(self.engine, predicate, timeout, locked=False):
            raise SandboxTimeout(f"waited {timeout:g} s for {what}")

    # -- shutdown --------------------------------------------------------------------------

    def close(self) -> None:
        """End every call, join their threads, stop the server. Safe to call twice."""
        left = self.engine.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._server_thread is not None:
                self._server_thread.join(5)
            self._server = None
        if left:
            raise RuntimeError(f"sandbox threads still running after close: {', '.join(left)}")

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
