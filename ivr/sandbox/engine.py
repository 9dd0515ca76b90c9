"""The call engine: the sandbox's state, its one lock, and the life of every call.

One re-entrant lock guards everything, with one condition notified on every change: calls
wait on it for their timers, for the person's input and for each other (bridges, queues).
A single lock makes cross-call changes (dequeue one call into another's bridge) atomic without
lock ordering, and the sandbox carries few enough calls for it never to be contended. No HTTP
request is ever made while holding it.

Each call runs in its own thread (:mod:`ivr.sandbox.lifecycle`), which alone sets the call's
final status and sends its status callbacks, in order.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ivr.sandbox import errors
from ivr.sandbox.access_tokens import ApiKey
from ivr.sandbox.browsers import Browsers
from ivr.sandbox.call import (
    Bridge,
    Call,
    CallEnded,
    CallStatus,
    Dequeued,
    Input,
    Redirected,
)
from ivr.sandbox.clock import Clock
from ivr.sandbox.defaults import MAX_CALL_SECONDS, MAX_LIVE_CALLS, THREAD_JOIN_SECONDS
from ivr.sandbox.devices import Device, check_policy, normalize_number
from ivr.sandbox.ids import new_sid, rfc2822
from ivr.sandbox.models import Notification, PhoneNumber, Queue, Recording, WebhookRequest
from ivr.sandbox.webhooks import Webhooks

_logger = logging.getLogger("ivr.sandbox")


class Engine:
    """Everything the sandbox knows; REST views, the phone page and the driver all read it."""

    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        time_scale: float = 1.0,
        default_policy: str = "human",
        synthesize_speech: bool = True,
        webhook_timeout_seconds: float | None = None,
    ) -> None:
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or new_sid("")[:32]
        self.clock = Clock(time_scale)
        self.default_policy = check_policy(default_policy)
        self.synthesize_speech = synthesize_speech
        self.media_auth = False
        """Require basic auth for recording media (Twilio's "HTTP auth on media" setting)."""
        self.base_url = "http://sandbox.invalid"
        """Where the REST API is served; recording URLs point here (set by ``serve``)."""
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.numbers: dict[str, PhoneNumber] = {}
        self.devices: dict[str, Device] = {}
        self.calls: dict[str, Call] = {}
        self.queues: dict[str, Queue] = {}
        self.recordings: dict[str, Recording] = {}
        self.notifications: list[Notification] = []
        self.requests: list[WebhookRequest] = []
        self.verified_caller_ids: set[str] = set()
        self.api_keys: dict[str, ApiKey] = {}
        """API keys by SID: their secrets sign the access tokens of browser phones."""
        self.browsers = Browsers(self)
        self.closed = False
        self._threads: list[threading.Thread] = []
        self.webhooks = Webhooks(self.auth_token, self.clock, self._record_request)
        if webhook_timeout_seconds is not None:
            self.webhooks.timeout_seconds = webhook_timeout_seconds

    # -- numbers and devices -------------------------------------------------------------

    def add_number(self, phone_number: str, **settings: str | None) -> PhoneNumber:
        """Register (or reconfigure) a business number."""
        key = normalize_number(phone_number)
        with self.lock:
            now = self.clock.now()
            number = self.numbers.get(key)
            if number is None:
                number = PhoneNumber(phone_number=key, created_at=now)
                self.numbers[key] = number
            for name, value in settings.items():
                if not hasattr(number, name):
                    raise TypeError(f"a phone number has no setting {name!r}")
                if value is not None:
                    setattr(number, name, value)
            number.updated_at = now
            self.notify()
            return number

    def number_for(self, phone_number: str) -> PhoneNumber | None:
        with self.lock:
            return self.numbers.get(normalize_number(phone_number))

    def device(self, number: str) -> Device:
        """The device for a number, made on first use with the default policy."""
        key = normalize_number(number)
        with self.lock:
            device = self.devices.get(key)
            if device is None:
                device = Device(number=key, policy=self.default_policy)
                self.devices[key] = device
            return device

    def set_policy(self, number: str, policy: str) -> Device:
        device = self.device(number)
        with self.lock:
            device.policy = check_policy(policy)
            self.notify()
        return device

    def add_api_key(
        self, sid: str | None = None, secret: str | None = None, friendly_name: str = ""
    ) -> ApiKey:
        """Know an API key (made up when not given), as the REST API's ``Keys.json`` does."""
        with self.lock:
            key = ApiKey(
                sid=sid or new_sid("SK"),
                secret=secret or new_sid("")[:32],
                friendly_name=friendly_name,
                created_at=self.clock.now(),
            )
            self.api_keys[key.sid] = key
            return key

    # -- calls ---------------------------------------------------------------------------

    def new_call(
        self,
        *,
        direction: str,
        from_: str,
        to: str,
        status: CallStatus,
        parent: Call | None = None,
        scripted: bool = False,
    ) -> Call:
        with self.lock:
            if self.closed:
                raise errors.RestError(503, errors.INTERNAL_FAILURE, "the sandbox is closing")
            live = sum(1 for c in self.calls.values() if not c.is_final)
            if live >= MAX_LIVE_CALLS:
                raise errors.RestError(
                    429,
                    errors.TOO_MANY_REQUESTS,
                    f"the sandbox carries at most {MAX_LIVE_CALLS} live calls",
                )
            call = Call(
                sid=new_sid("CA"),
                account_sid=self.account_sid,
                direction=direction,
                from_=from_,
                to=to,
                status=status,
                created_at=self.clock.now(),
                parent_sid=parent.sid if parent else None,
                scripted=scripted,
            )
            call.session = self.webhooks.new_session()
            self.calls[call.sid] = call
            self.notify()
            return call

    def start(self, call: Call, target: Callable[[], None]) -> None:
        """Run ``target`` as the call's thread."""

        def guarded() -> None:
            try:
                target()
            except Exception as exc:  # a sandbox bug: keep it visible, never kill the process
                _logger.exception("sandbox call %s crashed", call.sid)
                self.log(call, errors.INTERNAL_FAILURE, f"sandbox internal error: {exc!r}")
                with self.lock:
                    if not call.is_final:
                        call.status = CallStatus.FAILED
                        call.ended_at = self.clock.now()
                        call.ended_at_seconds = self.clock.seconds()
                    call.done.set()
                    self.notify()

        thread = threading.Thread(target=guarded, name=f"sandbox-{call.sid[:12]}", daemon=True)
        call.thread = thread
        self.start_helper(thread)

    def start_helper(self, thread: threading.Thread) -> None:
        with self.lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def call(self, sid: str) -> Call | None:
        with self.lock:
            return self.calls.get(sid)

    def children(self, call: Call) -> list[Call]:
        with self.lock:
            return [c for c in self.calls.values() if c.parent_sid == call.sid]

    # -- waiting -------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake every waiter; the caller holds the lock (or it is taken here)."""
        with self.lock:
            self.changed.notify_all()

    def wait(
        self,
        call: Call,
        predicate: Callable[[], bool] | None = None,
        seconds: float | None = None,
    ) -> bool:
        """Wait ``seconds`` of call time (None: no limit) for ``predicate``.

        Returns whether the predicate came true. Raises CallEnded, Redirected or Dequeued as
        soon as the call is hung up, redirected or dequeued, whatever the call was doing.
        """
        if seconds is not None and seconds > 0:
            call.idle_documents = 0
        start = time.monotonic()
        deadline = None if seconds is None else start + self.clock.real(seconds)
        with self.lock:
            while True:
                self._raise_interruptions(call)
                if predicate is not None and predicate():
                    return True
                now = time.monotonic()
                limit = self._call_deadline(call, now)
                if deadline is not None:
                    limit = deadline if limit is None else min(limit, deadline)
                if deadline is not None and now >= deadline:
                    return False
                timeout = None if limit is None else max(0.0, limit - now)
                self.changed.wait(timeout)

    def wait_quietly(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait without acting on any call's interruptions (helper threads); True if
        ``predicate`` came true or the engine closed."""
        deadline = time.monotonic() + self.clock.real(seconds)
        with self.lock:
            while not (self.closed or predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
            return True

    def sleep(self, call: Call, seconds: float, *, until: Callable[[], bool] | None = None) -> bool:
        """Let ``seconds`` of call time pass; True if ``until`` came true first."""
        if seconds <= 0:
            self.check(call)
            return bool(until and until())
        return self.wait(call, until, seconds)

    def check(self, call: Call) -> None:
        """Raise now if the call was hung up, redirected or dequeued."""
        with self.lock:
            self._raise_interruptions(call)

    def _raise_interruptions(self, call: Call) -> None:
        if self.closed and call.hangup_reason is None:
            call.hangup_reason = "engine"
        if (
            call.hangup_reason is None
            and call.answered_at_seconds is not None
            and self.clock.seconds() - call.answered_at_seconds >= MAX_CALL_SECONDS
        ):
            call.hangup_reason = "time-limit"
        if call.hangup_reason is not None:
            raise CallEnded(call.hangup_reason)
        if call.redirect is not None:
            redirect, call.redirect = call.redirect, None
            raise Redirected(redirect)
        if call.dequeue is not None and call.queue_sid is not None:
            dequeue, call.dequeue = call.dequeue, None
            raise Dequeued(dequeue)

    def _call_deadline(self, call: Call, now_monotonic: float) -> float | None:
        """Monotonic time at which the call reaches its longest allowed duration."""
        if call.answered_at_seconds is None:
            return None
        remaining = MAX_CALL_SECONDS - (self.clock.seconds() - call.answered_at_seconds)
        return now_monotonic + self.clock.real(remaining)

    # -- what the person does ------------------------------------------------------------

    def give_input(self, call: Call, given: Input) -> bool:
        """Hand the person's input to the listening verb; False (dropped) when none listens."""
        with self.lock:
            if call.is_final:
                return False
            call.input_count += 1
            call.heard_at_last_input = len(call.heard)
            call.awaiting_input = False
            if call.listening is None:
                call.dropped_inputs.append(given)
                self.notify()
                return False
            call.inputs.append(given)
            self.notify()
            return True

    def hang_up(self, call: Call, reason: str) -> None:
        """Ask the call to end; its thread finishes it at once."""
        with self.lock:
            if not call.is_final and call.hangup_reason is None:
                call.hangup_reason = reason
            self.notify()

    def decide(self, call: Call, decision: str, *, scripted: bool | None = None) -> bool:
        """Answer or decline a call ringing a "manual" device."""
        if decision not in {"answer", "decline"}:
            raise ValueError(f"decision must be 'answer' or 'decline', not {decision!r}")
        with self.lock:
            if call.status != CallStatus.RINGING or call.ringing_device is None:
                return False
            call.answer_decision = decision
            if scripted is not None:
                call.scripted = scripted
            self.notify()
            return True

    # -- the two logs --------------------------------------------------------------------

    def _record_request(self, entry: WebhookRequest) -> None:
        with self.lock:
            self.requests.append(entry)
            self.notify()

    def log(
        self,
        call: Call | None,
        code: int,
        message: str,
        *,
        url: str | None = None,
        level: str = "error",
    ) -> Notification:
        """Add a debugger entry (Twilio's Notifications)."""
        with self.lock:
            entry = Notification(
                sid=new_sid("NO"),
                call_sid=call.sid if call else None,
                error_code=code,
                level=level,
                message=message,
                request_url=url,
                at=self.clock.now(),
            )
            self.notifications.append(entry)
            self.notify()
            return entry

    def log_document_error(self, call: Call, failure: errors.DocumentError) -> None:
        self.log(call, failure.code, failure.message, url=failure.url)

    # -- status changes and callbacks ----------------------------------------------------

    def answer(self, call: Call) -> None:
        with self.lock:
            if call.status == CallStatus.IN_PROGRESS or call.is_final:
                return
            call.status = CallStatus.IN_PROGRESS
            call.answered_at = self.clock.now()
            call.answered_at_seconds = self.clock.seconds()
            if call.started_at is None:
                call.started_at = call.answered_at
            self.browsers.call_answered(call)
            self.notify()
        self.send_status(call, "answered")

    def ringing(self, call: Call, device: Device) -> None:
        with self.lock:
            call.status = CallStatus.RINGING
            call.started_at = call.started_at or self.clock.now()
            call.ringing_device = device.number
            device.rung.append(call.sid)
            self.notify()
        self.send_status(call, "ringing")

    def send_status(self, call: Call, event: str) -> None:
        """POST a status callback if the call subscribed to ``event``."""
        callback = call.status_callback
        if callback is None or event not in callback.events or self.closed:
            return
        with self.lock:
            status = {"initiated": "initiated", "answered": "in-progress"}.get(
                event, str(call.status)
            )
            params = call.base_params(status=status)
            params.update(
                CallbackSource="call-progress-events",
                Timestamp=rfc2822(self.clock.now()) or "",
                SequenceNumber=str(call.sequence_number),
            )
            call.sequence_number += 1
            if event == "completed":
                params["CallDuration"] = str(call.duration_seconds(self.clock.seconds()))
        self.callback(call, "status", callback.url, callback.method, params)

    def callback(self, call: Call | None, kind: str, url: str, method: str, params: dict) -> None:
        """A request whose answer is ignored; a failure is a debugger warning.

        Nothing is sent once the sandbox is closing. The call's cookie jar (its session) is
        used only from the call's own thread: sessions are not shared across threads.
        """
        if self.closed:
            return
        own_thread = call is not None and threading.current_thread() is call.thread
        failure = self.webhooks.callback(
            kind,
            url,
            method,
            params,
            call_sid=call.sid if call else None,
            session=call.session if own_thread else None,
        )
        if failure is not None:
            self.log(
                call, failure.code, f"{kind} callback: {failure.message}", url=url, level="warning"
            )

    def finish(self, call: Call, status: CallStatus) -> None:
        """Give the call its final status, release what it held, send its last callback.

        Only the call's own thread calls this, once, as its last act.
        """
        with self.lock:
            if call.is_final:
                call.done.set()
                return
            call.status = status
            call.ended_at = self.clock.now()
            call.ended_at_seconds = self.clock.seconds()
            call.listening = None
            call.awaiting_input = False
            call.ringing_device = None
            self.browsers.call_ended(call)
            self._leave_queue(call)
            bridge = call.bridge
            if bridge is not None and not bridge.ended:
                self.end_bridge(bridge, by=call.sid)
            for child in self.calls.values():
                if (
                    child.parent_sid == call.sid
                    and child.direction == "outbound-dial"
                    and not child.detached
                ):
                    if not child.is_final and child.hangup_reason is None:
                        child.hangup_reason = "parent"
            self.notify()
        try:
            self.send_status(call, "completed")
        finally:
            if call.session is not None:
                call.session.close()
            call.done.set()
            self.notify()

    def end_bridge(self, bridge: Bridge, *, by: str) -> None:
        with self.lock:
            if bridge.ended:
                return
            bridge.ended = True
            bridge.ended_by = by
            bridge.ended_at_seconds = self.clock.seconds()
            self.notify()

    # -- queues --------------------------------------------------------------------------

    def queue_named(self, name: str) -> Queue | None:
        with self.lock:
            return next((q for q in self.queues.values() if q.friendly_name == name), None)

    def create_queue(self, name: str, max_size: int) -> Queue:
        with self.lock:
            now = self.clock.now()
            queue = Queue(friendly_name=name, max_size=max_size, created_at=now, updated_at=now)
            self.queues[queue.sid] = queue
            self.notify()
            return queue

    def _leave_queue(self, call: Call) -> float | None:
        """Take the call out of its queue; returns the call seconds it waited."""
        queue = self.queues.get(call.queue_sid) if call.queue_sid else None
        call.queue_sid = None
        if queue is None:
            return None
        member = queue.member(call.sid)
        if member is None:
            return None
        queue.members.remove(member)
        queue.updated_at = self.clock.now()
        self.notify()
        return self.clock.seconds() - member.enqueued_at_seconds

    def leave_queue(self, call: Call) -> float | None:
        with self.lock:
            return self._leave_queue(call)

    # -- recordings ----------------------------------------------------------------------

    def add_recording(self, recording: Recording) -> Recording:
        with self.lock:
            self.recordings[recording.sid] = recording
            self.notify()
            return recording

    def recording_url(self, sid: str) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"

    # -- shutdown ------------------------------------------------------------------------

    def close(self, *, timeout_seconds: float = THREAD_JOIN_SECONDS) -> list[str]:
        """End every call and join every thread; returns the names of threads left running."""
        with self.lock:
            self.closed = True
            for call in self.calls.values():
                if not call.is_final and call.hangup_reason is None:
                    call.hangup_reason = "engine"
            self.notify()
            threads = list(self._threads)
        deadline = time.monotonic() + timeout_seconds
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [t.name for t in threads if t.is_alive()]

    # -- snapshots for readers -----------------------------------------------------------

    def snapshot_requests(self, call_sid: str | None = None) -> list[WebhookRequest]:
        with self.lock:
            return [r for r in self.requests if call_sid is None or r.call_sid == call_sid]

    def snapshot_notifications(self, call_sid: str | None = None) -> list[Notification]:
        with self.lock:
            return [n for n in self.notifications if call_sid is None or n.call_sid == call_sid]
