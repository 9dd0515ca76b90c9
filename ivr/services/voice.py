"""Use cases behind the voice webhooks: answer a call, continue it, fall back, record status.

The web layer translates webhooks into these calls and renders what comes back; nothing here
knows about HTTP or TwiML.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from redis.exceptions import RedisError

from ivr.core.callers import CallerId, parse_caller_id
from ivr.core.calls import FINAL_STATUSES, Outcome
from ivr.core.errors import FlowError
from ivr.core.flows import interpreter
from ivr.core.flows.context import CallContext, CallerInput
from ivr.core.flows.instructions import Enqueue, FlowState, Say, Turn
from ivr.core.flows.model import Flow, Language
from ivr.core.flows.paths import knows_the_caller_after_a_reply
from ivr.core.ports import (
    AgentDispatch,
    CallRecords,
    CaseRecords,
    Clock,
    NewCall,
    StatusReport,
)
from ivr.core.routing import carrier_queue_name
from ivr.services.queue import WaitingCalls

log = logging.getLogger(__name__)


_STILL_WITH_AN_AGENT = frozenset({"bridged", "bridging-in-process"})


@dataclass(frozen=True)
class InboundCall:
    call_sid: str
    from_raw: str
    to_number: str
    direction: str = "inbound"


class UnknownFlowState(FlowError):
    """A webhook named a flow or step we do not have (an old URL after a deploy, or tampering)."""


class VoiceCalls:
    def __init__(
        self,
        *,
        flows: Mapping[str, Flow],
        default_flow: str,
        records: CallRecords,
        dispatch: AgentDispatch,
        clock: Clock,
        default_region: str | None = None,
        waiting: WaitingCalls | None = None,
        cases: CaseRecords | None = None,
        case_days: int = 14,
        redact: Callable[[str, str | None], str] | None = None,
    ) -> None:
        if default_flow not in flows:
            raise FlowError([f"the default flow {default_flow!r} is not among {sorted(flows)}"])
        self._flows = flows
        self._default_flow = default_flow
        self._records = records
        self._dispatch = dispatch
        self._waiting = waiting
        self._clock = clock
        self._region = default_region
        self._cases = cases
        self._case_days = case_days
        self._redact = redact or (lambda text, language: text)
        """Masks card, account and phone numbers and e-mails in what callers say before it is
        stored (``ivr.core.redaction``)."""
        # Flows whose later turns never depend on who calls save a lookup per webhook.
        self._knows_caller_later = {
            name: knows_the_caller_after_a_reply(flow) for name, flow in flows.items()
        }

    @property
    def default_flow(self) -> Flow:
        return self._flows[self._default_flow]

    def flow(self, name: str | None) -> Flow:
        if name is None or name not in self._flows:
            raise UnknownFlowState([f"no call flow named {name!r}"])
        return self._flows[name]

    def caller(self, from_raw: str | None) -> CallerId:
        return parse_caller_id(from_raw, default_region=self._region)

    def _context(
        self, call_sid: str, caller: CallerId, *, look_up: bool = True
    ) -> tuple[CallContext, int | None]:
        customer = self._records.customer_for(caller.e164) if caller.e164 and look_up else None
        now = self._clock.now()
        number = caller.e164
        case_lookup = None
        if self._cases is not None and number and (customer is not None or not look_up):
            cases, since = self._cases, now - timedelta(days=self._case_days)
            case_lookup = lambda: cases.open_case_for(number, since=since)  # noqa: E731
        context = CallContext(
            call_sid=call_sid,
            now=now,
            caller_number=number,
            customer_name=customer.name if customer else None,
            customer_language=customer.language if customer else None,
            case_lookup=case_lookup,
        )
        return context, customer.id if customer else None

    def answer(self, call: InboundCall) -> Turn:
        """A new call: open its record, then run the flow from the start."""
        caller = self.caller(call.from_raw)
        context, customer_id = self._context(call.call_sid, caller)
        flow = self.default_flow
        turn = interpreter.start(flow, context)
        if call.call_sid:
            self._open(call, caller, call.to_number, flow, context, turn, customer_id)
            self._join_if_queued(call.call_sid, turn, caller, customer_id)
        return turn

    def _open(
        self,
        call: InboundCall,
        caller: CallerId,
        to_number: str,
        flow: Flow,
        context: CallContext,
        turn: Turn,
        customer_id: int | None,
    ) -> None:
        """The call's record with its first turn: one write per new call."""
        queue, skills = _queue_of(turn)
        self._records.open_call_with_turn(
            NewCall(
                call_sid=call.call_sid,
                caller=caller,
                to_number=to_number,
                direction=call.direction,
                flow=flow.name,
                started_at=context.now,
                customer_id=customer_id,
            ),
            visited=turn.visited,
            outcome=turn.outcome,
            language=turn.language,
            queue=queue,
            skills=skills,
        )

    def _join_if_queued(
        self, call_sid: str, turn: Turn, caller: CallerId, customer_id: int | None
    ) -> None:
        """A turn that ends in a queue step puts the caller in the line."""
        enqueue = next((i for i in turn.instructions if isinstance(i, Enqueue)), None)
        if enqueue is None or not call_sid:
            return
        if self._waiting is None:
            self._dispatch.caller_waiting()
            return
        if customer_id is None and caller.e164:
            known = self._records.customer_for(caller.e164)
            customer_id = known.id if known else None
        preferred_agent = None
        if self._cases is not None:
            # Filed under the case the caller confirmed, or a new one; the case's agent is
            # offered the call first (before the number's last agent).
            filed = self._cases.attach(
                call_sid,
                number=caller.e164,
                customer_id=customer_id,
                case_id=turn.case_id,
                at=self._clock.now(),
            )
            if filed is not None and turn.case_id is not None:
                preferred_agent = filed[1]
        try:
            self._waiting.join(
                call_sid,
                queue=enqueue.queue,
                skills=frozenset(enqueue.skills),
                number=caller.e164,
                customer_id=customer_id,
                language=enqueue.resume.language,
                flow=enqueue.resume.flow,
                step=enqueue.resume.step,
                preferred_agent=preferred_agent,
            )
        except RedisError:
            # Hold them anyway: the hold loop and the sweep put them in line when Redis is back.
            log.exception("could not put %s in line; holding them regardless", call_sid)

    def resume(
        self, call_sid: str, from_raw: str | None, state: FlowState, given: CallerInput
    ) -> Turn:
        """The caller answered a prompt (or did not): continue the flow from ``state``."""
        flow = self.flow(state.flow)
        context, _ = self._context(
            call_sid, self.caller(from_raw), look_up=self._knows_caller_later[flow.name]
        )
        turn = interpreter.resume(flow, state, context, given)
        self._after_turn(call_sid, turn, from_raw)
        return turn

    def enter(
        self,
        call: InboundCall,
        state: FlowState,
        *,
        before: Callable[[Language], tuple[Say, ...]] = lambda _: (),
    ) -> Turn:
        """A call the app placed to a customer (``call.to_number``) joins the flow at
        ``state.step``: a click-to-call visitor who answered goes into the queue step.
        ``before(language)`` is said first. The record may have been opened when the call was
        placed, or not yet (this webhook can win that race): either way it ends up whole."""
        flow = self.flow(state.flow)
        if state.step not in flow.steps:
            raise UnknownFlowState([f"flow {flow.name!r} has no step {state.step!r}"])
        customer = self.caller(call.to_number)
        context, customer_id = self._context(call.call_sid, customer)
        spoken = interpreter.language_for(flow, context, state.language)
        turn = interpreter.enter(
            flow, state.step, context, language=spoken, before=before(flow.languages[spoken])
        )
        if call.call_sid:
            to_number = customer.e164 or call.to_number
            caller = self.caller(call.from_raw)
            self._open(call, caller, to_number, flow, context, turn, customer_id)
            # The visitor waits in line like a caller; their number is the one we called.
            self._join_if_queued(call.call_sid, turn, customer, customer_id)
        return turn

    def fallback(self, call_sid: str, state: FlowState | None) -> Turn:
        """Something broke: apologise and get the caller to a person (or voicemail). The
        interpreter speaks the flow's default language for a language it does not have."""
        flow = self._flows.get(state.flow) if state else None
        if flow is not None:
            language = state.language
        else:
            recorded_flow, language = (
                self._records.call_flow(call_sid) if call_sid else (None, None)
            )
            flow = self._flows.get(recorded_flow or "", self.default_flow)
        context = CallContext(call_sid=call_sid, now=self._clock.now())
        turn = interpreter.fallback(flow, language, context)
        self._after_turn(call_sid, turn)
        return turn

    def left_queue(
        self,
        call_sid: str,
        from_raw: str | None,
        state: FlowState,
        given: CallerInput,
        *,
        queue_seconds: int | None,
    ) -> Turn:
        """The caller left the queue: log how long they waited, then let the flow go on."""
        result = given.queue_result or "unknown"
        if call_sid:
            self._records.log(
                call_sid,
                "queue-left",
                {"result": result, "queue_seconds": queue_seconds},
                dedupe_key="queue-left",
            )
        turn = self.resume(call_sid, from_raw, state, given)
        if call_sid and result == "hangup":
            self._records.record_turn(
                call_sid, visited=(), outcome=str(Outcome.ABANDONED), language=None
            )
        elif call_sid and result not in _STILL_WITH_AN_AGENT and turn.outcome is None:
            # Back in the flow (a menu, say): no longer waiting, so nobody rings for them.
            self._records.record_turn(
                call_sid, visited=(), outcome=str(Outcome.LEFT_QUEUE), language=None
            )
        return turn

    def bridged(
        self, call_sid: str, agent_leg_sid: str | None, *, queue_seconds: int | None
    ) -> str:
        """An agent took the caller from the queue; returns the caller's language."""
        agent_id = self._records.mark_bridged(call_sid, agent_leg_sid) if call_sid else None
        if call_sid:
            self._records.log(
                call_sid,
                "bridged",
                {"agent_id": agent_id, "agent_leg": agent_leg_sid, "queue_seconds": queue_seconds},
                dedupe_key=f"bridged:{agent_leg_sid}",
            )
        flow_name, language = self._records.call_flow(call_sid) if call_sid else (None, None)
        return self.language_of(flow_name, language)

    def language_of(self, flow_name: str | None, language: str | None) -> Language:
        """How to speak to a caller: their flow's language, or its default for anything else."""
        flow = self._flows.get(flow_name or "", self.default_flow)
        return flow.languages.get(language or "") or flow.languages[flow.default_language]

    def voicemail(
        self,
        call_sid: str,
        *,
        recording_sid: str,
        url: str,
        duration_seconds: int | None,
        status: str,
    ) -> bool:
        """A recording finished: keep it once, whatever the carrier retries."""
        if not recording_sid:
            return False
        kept = self._records.store_voicemail(
            call_sid,
            recording_sid=recording_sid,
            url=url,
            duration_seconds=duration_seconds,
            status=status,
        )
        if kept and call_sid:
            self._records.log(call_sid, "voicemail", {"recording_sid": recording_sid})
        return kept

    def _after_turn(self, call_sid: str, turn: Turn, from_raw: str | None = None) -> None:
        queue, skills = _queue_of(turn)
        if call_sid and turn.reason and self._cases is not None:
            self._cases.set_reason(call_sid, self._redact(turn.reason, turn.language))
        if call_sid:
            self._records.record_turn(
                call_sid,
                visited=turn.visited,
                outcome=turn.outcome,
                language=turn.language,
                queue=queue,
                skills=skills,
            )
        if queue and call_sid:
            self._join_if_queued(call_sid, turn, self.caller(from_raw), None)

    def status(self, report: StatusReport) -> bool:
        """A status callback: idempotent, and an agent leg that ended frees its agent."""
        changed = self._records.record_status(report)
        if changed and report.status in FINAL_STATUSES and self._waiting is not None:
            # A caller who hangs up while on hold (or while confirming a callback) leaves the
            # line; the Enqueue action says so too, but a status callback is never lost.
            self._waiting.call_ended(report.call_sid)
        return changed


def _queue_of(turn: Turn) -> tuple[str | None, tuple[str, ...]]:
    """The carrier queue this turn puts the caller in, and the skills they need there."""
    enqueue = next((i for i in turn.instructions if isinstance(i, Enqueue)), None)
    if enqueue is None:
        return None, ()
    return carrier_queue_name(enqueue.queue, enqueue.skills), tuple(sorted(enqueue.skills))
