"""Handles on the people's side of a call: a call leg, and a device (a phone).

A handle holds only a SID or a number and reads the engine each time, so it never shows a stale
state; every wait re-checks on each engine change and every 20 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ivr.sandbox.call import FINAL_STATUSES, Call, Input, Utterance
from ivr.sandbox.devices import check_policy
from ivr.sandbox.engine import Engine
from ivr.sandbox.models import Notification, Prompt, Recording, WebhookRequest

if TYPE_CHECKING:
    from ivr.sandbox.driver import Sandbox


class SandboxTimeout(TimeoutError):
    """A driver wait ran out; the message says what the call was doing."""


def wait_for(
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

    def talk(self, text: str, *, language: str = "en-US", wait: bool = True) -> Utterance:
        """Say ``text`` to the other party while bridged: synthesised like Record speech, it
        is on this leg's channel of a ``<Dial record>`` recording at the moment it was said.
        With ``wait`` (the default) it returns once said, so a conversation's turns follow
        each other. Raises NotBridged when the call is connected to nobody."""
        from ivr.sandbox.conversation import talk

        return talk(self._sandbox.engine, self._call, text, language=language, wait=wait)

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
        if wait_for(engine, predicate, timeout, locked=locked):
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
