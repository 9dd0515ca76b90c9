"""Browser phones: the sandbox's side of the Voice JavaScript SDK's signalling.

A browser registers with an access token (:mod:`ivr.sandbox.access_tokens`); from then on the
device ``client:<identity>`` has the policy ``browser``: a call to it rings every browser
registered for that identity, like a ``manual`` device, and each of them hears about it on
its event stream (``incoming``, then ``accept``, ``cancel`` or ``disconnect``). The first to
accept wins and the others hear ``cancel``, as on Twilio.

A registration is *online* while its token is valid and either its event stream is attached
or it registered less than :data:`~ivr.sandbox.defaults.BROWSER_LEASE_SECONDS` ago. With no
browser online, a call to the client is not answered: ``no-answer`` at once (README,
"Where the sandbox differs").

Everything here is guarded by the engine's lock; the engine calls the ``call_*`` hooks with
it held, so they only record and notify.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ivr.sandbox.access_tokens import VerifiedToken
from ivr.sandbox.defaults import BROWSER_LEASE_SECONDS

if TYPE_CHECKING:
    from ivr.sandbox.call import Call
    from ivr.sandbox.engine import Engine

CLIENT_PREFIX = "client:"


@dataclass(frozen=True)
class BrowserEvent:
    """One message on a registration's event stream; ``id`` counts from 1."""

    id: int
    kind: str
    """``incoming``, ``accept``, ``cancel``, ``disconnect`` or ``error``."""
    data: dict[str, Any]


@dataclass
class Registration:
    """One browser (one ``Device``) registered for an identity."""

    id: str
    identity: str
    token: VerifiedToken
    lease_until: float
    """Monotonic time; renewed by registering again and by the attached event stream."""
    streams: int = 0
    closed: bool = False
    events: list[BrowserEvent] = field(default_factory=list)

    def add(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append(BrowserEvent(id=len(self.events) + 1, kind=kind, data=data))

    def online(self, *, wall_now: float, monotonic_now: float) -> bool:
        if self.closed or self.token.expires_at <= wall_now:
            return False
        return self.streams > 0 or self.lease_until > monotonic_now


@dataclass
class Offer:
    """A call ringing the browsers of one identity."""

    identity: str
    offered_to: list[str]
    """Registration ids that were told ``incoming``."""
    accepted_by: str | None = None
    rejected_by: str | None = None
    settled: bool = False


class Browsers:
    """The registrations of every browser phone, and the calls offered to them."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.registrations: dict[str, Registration] = {}
        self.offers: dict[str, Offer] = {}

    # -- registering ---------------------------------------------------------------------

    def register(self, token: VerifiedToken, registration_id: str | None = None) -> Registration:
        """Register (or renew, with a new token) a browser; ``client:<identity>`` becomes a
        browser device."""
        engine = self._engine
        with engine.lock:
            registration = self.registrations.get(registration_id or "")
            if registration is None or registration.closed:
                registration = Registration(
                    id="BR" + secrets.token_hex(16),
                    identity=token.identity,
                    token=token,
                    lease_until=0.0,
                )
                self.registrations[registration.id] = registration
            registration.token = token
            registration.lease_until = time.monotonic() + BROWSER_LEASE_SECONDS
            engine.set_policy(CLIENT_PREFIX + token.identity, "browser")
            engine.notify()
            return registration

    def unregister(self, registration: Registration) -> None:
        with self._engine.lock:
            registration.closed = True
            self._engine.notify()

    def renew(self, registration: Registration) -> None:
        with self._engine.lock:
            registration.lease_until = time.monotonic() + BROWSER_LEASE_SECONDS

    def online(self, identity: str) -> list[Registration]:
        """The registrations that would ring now for ``identity``."""
        wall, mono = time.time(), time.monotonic()
        with self._engine.lock:
            return [
                r
                for r in self.registrations.values()
                if r.identity == identity and r.online(wall_now=wall, monotonic_now=mono)
            ]

    # -- the engine's hooks (lock held) --------------------------------------------------

    def offer(self, call: Call) -> bool:
        """The call rings ``call.to``'s browsers; False when none is online."""
        identity = call.to.removeprefix(CLIENT_PREFIX)
        online = self.online(identity)
        if not online:
            return False
        self.offers[call.sid] = Offer(identity=identity, offered_to=[r.id for r in online])
        data = {"call": incoming_call(call)}
        for registration in online:
            registration.add("incoming", data)
        self._engine.notify()
        return True

    def accepting(self, call: Call, registration: Registration) -> bool:
        """``registration`` asks to answer: recorded, so that the others hear ``cancel``."""
        offer = self.offers.get(call.sid)
        if offer is None or registration.id not in offer.offered_to or offer.settled:
            return False
        if offer.accepted_by is None:
            offer.accepted_by = registration.id
        return offer.accepted_by == registration.id

    def rejecting(self, call: Call, registration: Registration) -> bool:
        offer = self.offers.get(call.sid)
        if offer is None or registration.id not in offer.offered_to or offer.settled:
            return False
        offer.rejected_by = registration.id
        return True

    def call_answered(self, call: Call) -> None:
        offer = self.offers.get(call.sid)
        if offer is None or offer.settled:
            return
        offer.settled = True
        for registration in self._offered(offer):
            if registration.id == offer.accepted_by:
                registration.add("accept", {"call_sid": call.sid})
            else:
                registration.add("cancel", {"call_sid": call.sid})

    def call_ended(self, call: Call) -> None:
        offer = self.offers.pop(call.sid, None)
        if offer is None:
            return
        for registration in self._offered(offer):
            if offer.settled and registration.id == offer.accepted_by:
                registration.add("disconnect", {"call_sid": call.sid, "status": str(call.status)})
            elif not offer.settled and registration.id != offer.rejected_by:
                registration.add("cancel", {"call_sid": call.sid})
        self._engine.notify()

    def _offered(self, offer: Offer) -> list[Registration]:
        return [self.registrations[i] for i in offer.offered_to if i in self.registrations]


def incoming_call(call: Call) -> dict[str, Any]:
    """What the SDK's ``Call`` shows of an incoming call: ``parameters`` and
    ``customParameters`` (from ``<Client><Parameter>``)."""
    return {
        "sid": call.sid,
        "parameters": {
            "AccountSid": call.account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": call.sid,
            "From": call.from_,
            "To": call.to,
        },
        "customParameters": dict(call.custom_parameters),
    }
