"""Click-to-call: a visitor asks to be called, now or at a time they choose.

Called now, the visitor's phone is rung from the business number and, when they answer, they
are greeted and put into the flow's queue step (``IVR_CLICK_TO_CALL_STEP``) like a caller who
asked for a person. At a chosen time, a callback is booked and the queue's callback machinery
places it. Either way only the number the dialling policy returned is dialled, and one request
per number is open at a time: a claim in Redis while the call is placed and the visitor is in
line, and the callbacks table's unique pending index for a booked one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from ivr.core.callbacks import (
    CHOSEN_TIME_GRACE,
    AlreadyPending,
    CallbackRequest,
    CallingHours,
    OpenCallback,
    zone_of_number,
)
from ivr.core.click_to_call import check_when, parse_when
from ivr.core.dialing import DialingPolicy
from ivr.core.flows.instructions import FlowState
from ivr.core.flows.model import Flow, QueueStep
from ivr.core.holding import MAX_HOLD_SECONDS
from ivr.core.ports import Carrier, Clock, KnownCustomer, OutboundLeg, PendingRequests

log = logging.getLogger(__name__)

VISITOR_RING_SECONDS = 30
CLAIM_TTL_SECONDS = VISITOR_RING_SECONDS + MAX_HOLD_SECONDS + 10 * 60
"""Long enough to ring, hold as long as anyone holds, and talk a while; the claim is dropped
sooner once the call's final status is recorded. A bound, so a lost status callback cannot
block a number for ever."""


class AlreadyRequested(Exception):
    """The number has a request open (a call being placed, a visitor in line, a booking)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CarrierUnavailable(Exception):
    """The carrier refused or could not be reached: nothing was dialled."""


class SchedulingUnavailable(Exception):
    """The click-to-call step is not a queue step, so there is no line to book a call in."""


@dataclass(frozen=True)
class Calling:
    call_sid: str
    number: str


@dataclass(frozen=True)
class Scheduled:
    callback_id: int
    number: str
    when: datetime


class VisitorCalls(Protocol):
    def open_visitor_call(
        self,
        call_sid: str,
        *,
        visitor: str,
        business_number: str,
        flow: str,
        reason: str | None,
        customer_id: int | None,
        at: datetime,
    ) -> None: ...

    def call_is_over(self, call_sid: str) -> bool: ...

    def reached_a_machine(self, call_sid: str, answered_by: str) -> None: ...


class Customers(Protocol):
    def customer_for(self, number: str) -> KnownCustomer | None: ...


class CallbackBook(Protocol):
    def book(self, request: CallbackRequest) -> int: ...

    def open_for_number(self, number: str) -> OpenCallback | None: ...


class AnswerLinks(Protocol):
    def click_to_call_answer(self, state: FlowState) -> str: ...

    def status(self) -> str: ...


class ClickToCall:
    def __init__(
        self,
        *,
        policy: DialingPolicy,
        flow: Flow,
        step: str,
        business_number: str,
        carrier: Carrier,
        calls: VisitorCalls,
        customers: Customers,
        callbacks: CallbackBook,
        pending: PendingRequests,
        links: AnswerLinks,
        clock: Clock,
        calling_hours: CallingHours | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        if step not in flow.steps:
            raise ValueError(f"flow {flow.name!r} has no step {step!r}")
        self.policy = policy
        self._flow = flow
        self._step = step
        self._business = business_number
        self._carrier = carrier
        self._calls = calls
        self._customers = customers
        self._callbacks = callbacks
        self._pending = pending
        self._links = links
        self._clock = clock
        self._hours = calling_hours or CallingHours()
        self._redact = redact or (lambda text: text)
        """What a visitor types as their reason is stored redacted, like what callers say."""
        hours = flow.business_hours()
        self._opening = hours.hours if hours is not None else None

    @property
    def answer_state(self) -> FlowState:
        """Where an answered visitor enters the flow (the answer URL carries it, signed)."""
        flow = self._flow
        return FlowState(flow=flow.name, step=self._step, language=flow.default_language)

    @property
    def business_zone(self) -> tzinfo:
        """The time zone of the flow's opening hours: how a time without offset is read."""
        return self._opening.timezone if self._opening is not None else UTC

    def call_now(self, number: str, *, reason: str | None) -> Calling:
        """Ring the visitor (``number`` is what ``policy.check`` returned) from the business
        number; raises ``AlreadyRequested`` or ``CarrierUnavailable`` (then nothing was
        dialled and the number is free again)."""
        reason = self._redact(reason) if reason else reason
        if self._callbacks.open_for_number(number) is not None:
            raise AlreadyRequested(
                "We already have a call booked with you. We will call you at the time you chose."
            )
        token = self._claim(number, "placing")
        leg = OutboundLeg(
            to=number,
            from_=self._business,
            answer_url=self._links.click_to_call_answer(self.answer_state),
            status_callback_url=self._links.status(),
            timeout_seconds=VISITOR_RING_SECONDS,
            # Voicemail must not be put in line for an agent: the answer URL is requested
            # once the carrier knows who answered (a person at once, a machine at its beep).
            machine_detection=True,
        )
        try:
            call_sid = self._carrier.place_call(leg)
        except Exception as error:
            self._pending.release(number, token)
            log.warning("the carrier did not place the click-to-call to %s: %r", number, error)
            raise CarrierUnavailable(str(error)) from error
        self._pending.hand_over(number, token, call_sid)
        customer = self._customers.customer_for(number)
        self._calls.open_visitor_call(
            call_sid,
            visitor=number,
            business_number=self._business,
            flow=self._flow.name,
            reason=reason,
            customer_id=customer.id if customer else None,
            at=self._clock.now(),
        )
        log.info("click-to-call %s placed to %s", call_sid, number)
        return Calling(call_sid=call_sid, number=number)

    def reached_a_machine(self, call_sid: str, answered_by: str) -> None:
        """Voicemail answered: record it; the claim ends with the call's final status."""
        log.info("click-to-call %s reached a machine (%s)", call_sid, answered_by)
        if call_sid:
            self._calls.reached_a_machine(call_sid, answered_by)

    def schedule(self, number: str, *, when_raw: str, reason: str | None) -> Scheduled:
        """Book a callback at the visitor's chosen time; raises ``RequestRefused`` for a time
        we cannot call at, ``AlreadyRequested`` when the number has a request open."""
        reason = self._redact(reason) if reason else reason
        now = self._clock.now()
        when = parse_when(when_raw, business_zone=self.business_zone)
        check_when(
            when,
            now=now,
            customer_zone=zone_of_number(number, str(self.business_zone)),
            calling_hours=self._hours,
            opening_hours=self._opening,
        )
        step = self._flow.steps[self._step]
        if not isinstance(step, QueueStep):
            raise SchedulingUnavailable(f"step {self._step!r} is not a queue step")
        customer = self._customers.customer_for(number)
        token = self._claim(number, "booking")
        try:
            callback_id = self._callbacks.book(
                CallbackRequest(
                    number=number,
                    queue=step.queue,
                    skills=tuple(step.skills),
                    place_at=when,
                    not_before=when,
                    due_by=when + CHOSEN_TIME_GRACE,
                    promised_at=now,
                    promised_within_seconds=None,
                    source="click-to-call",
                    customer_id=customer.id if customer else None,
                    flow=self._flow.name,
                    reason=reason,
                )
            )
        except AlreadyPending:
            raise AlreadyRequested(
                "We already have a call booked with you. We will call you at the time you chose."
            ) from None
        finally:
            self._pending.release(number, token)
        log.info("click-to-call callback %s booked for %s at %s", callback_id, number, when)
        return Scheduled(callback_id=callback_id, number=number, when=when)

    def _claim(self, number: str, purpose: str) -> str:
        """Take the number's claim, or raise ``AlreadyRequested``. A claim left by a call whose
        end is recorded is stale (the visitor hung up): it is dropped and taken."""
        token = f"{purpose}:{secrets.token_hex(8)}"
        for _ in range(2):
            holder = self._pending.claim(number, token)
            if holder is None:
                return token
            if not (holder.startswith("CA") and self._calls.call_is_over(holder)):
                break
            self._pending.release(number, holder)
        raise AlreadyRequested("We are already calling you. Please answer your phone.")
