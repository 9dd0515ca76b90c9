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
import time
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

from ivr.sandbox.app import create_app
from ivr.sandbox.call import FINAL_STATUSES, Call, Input
from ivr.sandbox.devices import check_policy
from ivr.sandbox.engine import Engine
from ivr.sandbox.models import Notification, PhoneNumber, Prompt, Recording, WebhookRequest
from ivr.sandbox.operations import place_inbound

DEFAULT_CALLER = "+14155550123"


class SandboxTimeout(TimeoutError):
    """A driver wait ran out; the message says what the call was doing."""


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
    ) -> None:
        self.engine = Engine(
            account_sid=account_sid,
            auth_token=auth_token,
            time_scale=time_scale,
            default_policy=default_policy,
            synthesize_speech=synthesize_speech,
            webhook_timeout_seconds=webhook_timeout_seconds,
        )
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

    def verify_caller_id(self, number: str) -> None:
        """Allow ``number`` as ``From`` of REST calls (a verified caller ID)."""
        from ivr.sandbox.devices import normalize_number

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
        if not _wait_for(self.engine, predicate, timeout, locked=False):
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


class DeviceHandle:
    """A phone in the sandbox (any number that is not a business number)."""

    def __init__(self, sandbox: Sandbox, number: str) -> None:
        self._sandbox = sandbox
        self.number = number
        self._seen = 0

    @property
    def _device(self):
        return self._sandbox.engine.device(self.number)

    @property
    def policy(self) -> str:
        return self._device.policy

    @policy.setter
    def policy(self, value: str) -> None:
        self._sandbox.engine.set_policy(self.number, check_policy(value))

    def set_policy(self, policy: str) -> DeviceHandle:
        self.policy = policy
        return self

    @property
    def ring_seconds(self) -> float:
        return self._device.ring_seconds

    @ring_seconds.setter
    def ring_seconds(self, value: float) -> None:
        with self._sandbox.engine.lock:
            self._device.ring_seconds = float(value)

    def calls(self) -> list[CallHandle]:
        """Every call that rang this device, oldest first."""
        with self._sandbox.engine.lock:
            return [CallHandle(self._sandbox, sid) for sid in self._device.rung]

    def wait_for_call(self, timeout: float = 5.0) -> CallHandle:
        """The next call to ring this device (each call is returned once)."""
        device = self._device
        self._sandbox.wait_until(
            lambda: len(device.rung) > self._seen,
            timeout=timeout,
            what=f"a call to ring {self.number}",
        )
        with self._sandbox.engine.lock:
            sid = device.rung[self._seen]
            self._seen += 1
        return CallHandle(self._sandbox, sid)


def _wait_for(
    engine: Engine, predicate: Callable[[], bool], timeout: float, *, locked: bool = True
) -> bool:
    """Wait on the engine's condition, re-checking every 20 ms: a test's predicate may read
    state whose change nothing announces (its own database, say).

    ``locked=False`` evaluates the predicate outside the engine's lock, for predicates of
    tests': one that asked the application something, which asked the sandbox's REST API,
    would otherwise wait on the lock it holds.
    """
    deadline = time.monotonic() + timeout
    while True:
        with engine.lock:
            if locked and predicate():
                return True
        if not locked and predicate():
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        with engine.lock:
            engine.changed.wait(min(remaining, 0.02))


class CallHandle:
    """One call leg, seen from the person on it (the caller, or the device that answered)."""

    def __init__(self, sandbox: Sandbox, sid: str) -> None:
        self._sandbox = sandbox
        self.sid = sid

    def __repr__(self) -> str:
        return f"<CallHandle {self.sid} {self.status}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CallHandle) and other.sid == self.sid

    def __hash__(self) -> int:
        return hash(self.sid)

    @property
    def _call(self) -> Call:
        call = self._sandbox.engine.call(self.sid)
        if call is None:
            raise KeyError(f"call {self.sid} was deleted")
        return call

    # -- what can be seen ----------------------------------------------------------------

    @property
    def status(self) -> str:
        return str(self._call.status)

    @property
    def direction(self) -> str:
        return self._call.direction

    @property
    def from_(self) -> str:
        return self._call.from_

    @property
    def to(self) -> str:
        return self._call.to

    @property
    def answered_by(self) -> str | None:
        return self._call.answered_by

    @property
    def heard(self) -> list[Prompt]:
        """Everything said or played to this leg, in order."""
        with self._sandbox.engine.lock:
            return list(self._call.heard)

    @property
    def said(self) -> list[str]:
        """The texts of the <Say> prompts heard, in order."""
        return [p.text for p in self.heard if p.kind == "say"]

    @property
    def parent(self) -> CallHandle | None:
        parent = self._call.parent_sid
        return CallHandle(self._sandbox, parent) if parent else None

    @property
    def children(self) -> list[CallHandle]:
        return [CallHandle(self._sandbox, c.sid) for c in self._sandbox.engine.children(self._call)]

    @property
    def bridged_with(self) -> CallHandle | None:
        """The other leg while the two are connected, else None."""
        with self._sandbox.engine.lock:
            bridge = self._call.bridge
            if bridge is None or bridge.ended:
                return None
            return CallHandle(self._sandbox, bridge.other(self.sid))

    @property
    def queue_position(self) -> int | None:
        engine = self._sandbox.engine
        with engine.lock:
            queue = engine.queues.get(self._call.queue_sid) if self._call.queue_sid else None
            return queue.position(self.sid) if queue else None

    @property
    def queue_name(self) -> str | None:
        engine = self._sandbox.engine
        with engine.lock:
            queue = engine.queues.get(self._call.queue_sid) if self._call.queue_sid else None
            return queue.friendly_name if queue else None

    @property
    def errors(self) -> list[Notification]:
        return self._sandbox.engine.snapshot_notifications(self.sid)

    @property
    def requests(self) -> list[WebhookRequest]:
        return self._sandbox.engine.snapshot_requests(self.sid)

    @property
    def recordings(self) -> list[Recording]:
        return [r for r in self._sandbox.recordings() if r.call_sid == self.sid]

    @property
    def listening(self) -> str | None:
        """``gather``, ``record`` or ``bridge`` while a verb takes input, else None."""
        listening = self._call.listening
        return listening.kind if listening else None

    # -- what the person does --------------------------------------------------------------

    def press(self, keys: str) -> bool:
        """Press ``keys`` in one go, then stay quiet. False if no verb was listening (the
        keys are lost, as on Twilio)."""
        keys = "".join(keys.split())
        if not keys or any(k not in "0123456789*#" for k in keys):
            raise ValueError(f"press() takes keys 0-9, * and #, not {keys!r}")
        return self._give(Input(kind="dtmf", text=keys, then_silent=True))

    def speak(self, text: str) -> bool:
        """Say ``text`` (recognised as typed, confidence 0.9), then stay quiet."""
        if not text.strip():
            raise ValueError("speak() needs some words; use stay_silent() for silence")
        return self._give(Input(kind="speech", text=text, then_silent=True))

    def say_into_recording(self, text: str, *, finish_on_key: str | None = None) -> bool:
        """Speak into a <Record>, then stop by silence or by pressing ``finish_on_key``."""
        if finish_on_key is None:
            return self.speak(text)
        accepted = self._give(Input(kind="speech", text=text))
        return self._give(Input(kind="dtmf", text=finish_on_key, then_silent=True)) and accepted

    def stay_silent(self) -> bool:
        """Say and press nothing: the listening verb ends as on its timeout, at once."""
        return self._give(Input(kind="silence"))

    def hang_up(self) -> None:
        """Hang up (or, for a leg still ringing its device, decline it)."""
        engine, call = self._sandbox.engine, self._call
        if call.ringing_device is not None and call.direction != "inbound":
            engine.decide(call, "decline")
        else:
            engine.hang_up(call, "caller" if call.direction == "inbound" else "callee")

    def answer(self) -> None:
        """Answer this call ringing a "manual" device; the leg is then scripted."""
        if not self._sandbox.engine.decide(self._call, "answer", scripted=True):
            raise RuntimeError(f"{self.sid} is not ringing a manual device (it is {self.status})")

    def decline(self) -> None:
        if not self._sandbox.engine.decide(self._call, "decline"):
            raise RuntimeError(f"{self.sid} is not ringing a manual device (it is {self.status})")

    def _give(self, given: Input) -> bool:
        return self._sandbox.engine.give_input(self._call, given)

    # -- waiting -------------------------------------------------------------------------

    def wait_for_prompt(self, timeout: float = 5.0) -> list[Prompt]:
        """Block until the call waits for the person (a Gather or Record has played its
        prompts) or ends; returns what was heard since the person last did something."""
        call = self._call
        self._wait(lambda: call.awaiting_input or call.done.is_set(), timeout, "a prompt")
        with self._sandbox.engine.lock:
            return list(call.heard[call.heard_at_last_input :])

    def wait_for_status(self, *statuses: str, timeout: float = 5.0) -> str:
        """Block until the call's status is one of ``statuses`` (default: any final one).

        For a final status it also waits until the call's last callbacks were sent.
        """
        wanted = set(statuses) or {str(s) for s in FINAL_STATUSES}
        call = self._call

        def reached() -> bool:
            status = str(call.status)
            if status not in wanted:
                return False
            return call.done.is_set() or call.status not in FINAL_STATUSES

        self._wait(reached, timeout, "status " + " or ".join(sorted(wanted)))
        return str(call.status)

    def wait_for_bridge(self, timeout: float = 5.0) -> CallHandle:
        self._wait(lambda: self.bridged_with is not None, timeout, "a bridge")
        other = self.bridged_with
        assert other is not None
        return other

    def wait_for_queue(self, timeout: float = 5.0) -> int:
        """Block until the call waits in a queue; returns its position."""
        self._wait(lambda: self.queue_position is not None, timeout, "the call to be queued")
        return self.queue_position or 0

    def wait_until(self, predicate: Callable[[CallHandle], bool], timeout: float = 5.0) -> None:
        """Block until ``predicate(call)`` holds (checked as for ``Sandbox.wait_until``)."""
        self._wait(lambda: predicate(self), timeout, "the condition", locked=False)

    def _wait(
        self, predicate: Callable[[], bool], timeout: float, what: str, *, locked: bool = True
    ) -> None:
        engine = self._sandbox.engine
        if _wait_for(engine, predicate, timeout, locked=locked):
            return
        with engine.lock:
            call = self._call
            heard = "; ".join(str(p) for p in call.heard[-3:]) or "nothing"
            listening = call.listening.kind if call.listening else "nothing"
            problems = "; ".join(
                f"{n.error_code} {n.message}"
                for n in engine.notifications
                if n.call_sid == call.sid
            )
        raise SandboxTimeout(
            f"call {self.sid} waited {timeout:g} s for {what}: it is {call.status}, "
            f"listening to {listening}, last heard {heard}"
            + (f"; debugger: {problems}" if problems else "")
        )
