"""The one place call flows are interpreted: from a flow, a call and what the caller did, to
what the carrier should do next.

Pure functions, no I/O: the web layer gives the flow, the ``CallContext`` (who, when) and the
``CallerInput`` of the webhook, and renders the ``Turn`` it gets back. Each turn runs through the
steps that do not need the caller (say, hours, a language step for a caller whose language we
know) and stops at the first that does (a menu's gather, a voicemail's record) or that hands the
call off (queue, transfer, hang-up). Flows are assumed checked by ``validate``; a state the flow
cannot continue from raises ``FlowStateError``, which the web layer answers with ``fallback``.

Events the interpreter puts in ``Continue`` instructions, and expects back in
``CallerInput.event``: ``"no-input"`` (a gather timed out; Twilio goes on to the next verb) and
``"no-recording"`` (a record heard nothing; Twilio does the same).
"""

from __future__ import annotations

from ivr.core.errors import FlowStateError
from ivr.core.flows.context import CallContext, CallerInput
from ivr.core.flows.instructions import (
    Continue,
    Dial,
    Enqueue,
    FlowState,
    Gather,
    Hangup,
    Instruction,
    Play,
    Record,
    Say,
    Turn,
)
from ivr.core.flows.matching import best_match, words_of
from ivr.core.flows.model import (
    CaseStep,
    Flow,
    HangupStep,
    HoursStep,
    Language,
    LanguageStep,
    MenuStep,
    Prompt,
    QueueStep,
    ReasonStep,
    SayStep,
    Step,
    TransferStep,
    VoicemailStep,
)

NO_INPUT = "no-input"
NO_RECORDING = "no-recording"

REASON_KIND = "reason"
"""The ``Record.kind`` of a reason clip (``RecordingKind.REASON``)."""
REASON_MAX_CHARACTERS = 500
REASON_SILENCE_SECONDS = 3
"""A caller who stops talking for this long has said why they call."""

QUEUED, TRANSFERRED, VOICEMAIL, HUNG_UP = "queued", "transferred", "voicemail", "hung-up"
"""``Turn.outcome`` values, set only by a turn that hands the call off; a turn that merely ends
a hand-off (queue bridged, transfer answered, message recorded) leaves it None so the call
keeps the outcome it already has."""

_MAX_STEPS_PER_TURN = 50
"""Far above any real chain of says and hours checks; a guard against a loop the validator
would have refused, so a bad flow ends in the fallback rather than in a hung worker."""

_DIAL_ANSWERED = frozenset({"completed", "answered"})
_QUEUE_OVER = frozenset({"bridged", "bridging-in-process", "hangup"})
"""Queue results after which the call is over (an agent took it, or the caller hung up); every
other result hands the caller back to the flow."""


def start(flow: Flow, ctx: CallContext) -> Turn:
    """The first turn of a call: from ``flow.start`` to the first step that needs the caller."""
    reply = _Reply(flow, ctx, _known_language(flow, ctx) or flow.default_language)
    reply.walk(flow.start)
    return reply.turn()


def enter(
    flow: Flow,
    step: str,
    ctx: CallContext,
    *,
    language: str | None = None,
    before: tuple[Say, ...] = (),
) -> Turn:
    """A call that joins the flow part-way: run ``step`` as if the caller had just arrived
    there (a visitor the business called back goes straight to a queue step). ``before`` is
    said first; the language is the caller's known one, else ``language``, else the flow's
    default. ``resume`` cannot do this: resuming a queue step means the caller *left* it."""
    reply = _Reply(flow, ctx, language_for(flow, ctx, language))
    reply.add(*before)
    reply.walk(step)
    return reply.turn()


def resume(flow: Flow, state: FlowState, ctx: CallContext, given: CallerInput) -> Turn:
    """Continue a call at ``state`` with what the carrier reported (keys, speech, dial status,
    queue result, recording, or a ``Continue`` event)."""
    step = _step_to_resume(flow, state)
    reply = _Reply(flow, ctx, state.language, noticed=state.noticed)
    following: str | None
    if isinstance(step, MenuStep | LanguageStep):
        following = _answered(reply, step, state, given)
    elif isinstance(step, ReasonStep):
        following = _reason_given(reply, step, given)
    elif isinstance(step, CaseStep):
        following = _case_answered(reply, step, given)
    elif isinstance(step, TransferStep):
        following = _dialled(reply, step, given)
    elif isinstance(step, QueueStep):
        following = _dequeued(reply, step, given)
    elif isinstance(step, VoicemailStep):
        if given.recording_url:
            reply.closing = True  # the message is left: the goodbye after it hands nothing off
        following = step.next
    else:
        raise FlowStateError(
            f'{flow.source}: step "{step.name}" is a {step.kind} step, which does not wait for '
            "the caller, so a call cannot resume there"
        )
    if following is not None:
        reply.walk(following)
    return reply.turn()


def fallback(flow: Flow, language: str | None, ctx: CallContext) -> Turn:
    """Apologise and route to the flow's fallback (a person), or to voicemail when the flow's
    hours say the business is closed. For the web layer, when anything else failed: it never
    raises for a flow that passed ``validate`` and any ``language``."""
    code = language if language in flow.languages else flow.default_language
    reply = _Reply(flow, ctx, code)
    reply.add(reply.say(reply.language.apology))
    hours = flow.business_hours()
    closed = hours is not None and not hours.hours.is_open(ctx.now)
    reply.walk(flow.voicemail if closed and flow.voicemail else flow.fallback)
    return reply.turn()


class _Reply:
    """One turn being put together: instructions, steps visited, outcome and language."""

    def __init__(
        self, flow: Flow, ctx: CallContext, language: str, *, noticed: bool = False
    ) -> None:
        self.flow = flow
        self.ctx = ctx
        self.code = language
        self.noticed = noticed
        self.instructions: list[Instruction] = []
        self.visited: list[str] = []
        self.outcome: str | None = None
        self.reason: str | None = None
        self.case_id: int | None = None
        self.closing = False
        """Set when this turn ends a hand-off an earlier turn reported (a bridged queue, an
        answered transfer, a recorded message): the hang-up that follows is not a new outcome,
        so the call keeps the one it has (e.g. answered by an agent)."""

    @property
    def language(self) -> Language:
        return self.flow.languages[self.code]

    def turn(self) -> Turn:
        return Turn(
            instructions=tuple(self.instructions),
            visited=tuple(self.visited),
            outcome=self.outcome,
            language=self.code,
            reason=self.reason,
            case_id=self.case_id,
        )

    def add(self, *instructions: Instruction) -> None:
        self.instructions.extend(instructions)

    def hand_off(self, outcome: str) -> None:
        if self.closing and outcome == HUNG_UP:
            return
        self.outcome = self.outcome or outcome

    def state(self, step: str, attempt: int = 0) -> FlowState:
        return FlowState(
            flow=self.flow.name,
            step=step,
            language=self.code,
            attempt=attempt,
            noticed=self.noticed,
        )

    def notice_recording(self) -> None:
        """The consent notice, once per call, before the first thing that is recorded."""
        consent = self.flow.recording.consent
        if consent is not None and not self.noticed:
            self.add(self.speak(consent))
        self.noticed = True

    def say(self, text: str, code: str | None = None) -> Say:
        language = self.flow.languages[code or self.code]
        return Say(text=text, language=language.speech, voice=language.voice)

    def speak(self, prompt: Prompt, code: str | None = None) -> Say | Play:
        code = code or self.code
        if code in prompt.audio_url:
            return Play(url=prompt.audio_url[code])
        text = prompt.text.get(code) or prompt.text.get(self.flow.default_language, "")
        if self.ctx.customer_name:
            text = text.replace("{name}", self.ctx.customer_name)
        return self.say(text, code)

    def walk(self, name: str) -> None:
        """Enter ``name`` and the steps after it until one needs the caller or hands off."""
        for _ in range(_MAX_STEPS_PER_TURN):
            step = self.flow.steps.get(name)
            if step is None:
                raise FlowStateError(f'{self.flow.source}: step "{name}" does not exist')
            self.visited.append(name)
            following = self.enter(step)
            if following is None:
                return
            name = following
        raise FlowStateError(
            f"{self.flow.source}: more than {_MAX_STEPS_PER_TURN} steps without waiting for "
            f'the caller, last "{name}"'
        )

    def enter(self, step: Step) -> str | None:
        """Do what ``step`` does on arrival; the next step, or None when the turn ends."""
        if isinstance(step, SayStep):
            known = self.ctx.customer_name and step.known_prompt is not None
            self.add(self.speak(step.known_prompt if known else step.prompt))
            return step.next
        if isinstance(step, HoursStep):
            return step.open if step.hours.is_open(self.ctx.now) else step.closed
        if isinstance(step, LanguageStep):
            known = _known_language(self.flow, self.ctx)
            if known is not None:
                self.code = known
                return step.next
            self.ask(step, attempt=0)
            return None
        if isinstance(step, MenuStep):
            self.ask(step, attempt=0)
            return None
        if isinstance(step, CaseStep):
            return self.ask_about_case(step)
        if isinstance(step, ReasonStep):
            self.ask_reason(step)
            return None
        if isinstance(step, VoicemailStep) or (
            isinstance(step, QueueStep) and self.flow.recording.calls
        ):
            self.notice_recording()
        if step_prompt := getattr(step, "prompt", None):
            self.add(self.speak(step_prompt))
        resume_here = self.state(step.name)
        if isinstance(step, QueueStep):
            self.add(Enqueue(resume=resume_here, queue=step.queue, skills=step.skills))
            self.hand_off(QUEUED)
        elif isinstance(step, TransferStep):
            self.add(
                Dial(resume=resume_here, number=step.number, timeout_seconds=step.timeout_seconds)
            )
            self.hand_off(TRANSFERRED)
        elif isinstance(step, VoicemailStep):
            self.add(
                Record(resume=resume_here, max_length_seconds=step.max_length_seconds),
                Continue(resume=resume_here, event=NO_RECORDING),
            )
            self.hand_off(VOICEMAIL)
        elif isinstance(step, HangupStep):
            self.add(Hangup())
            self.hand_off(HUNG_UP)
        else:
            raise FlowStateError(f'{self.flow.source}: step "{step.name}" has no interpretation')
        return None

    def ask_reason(self, step: ReasonStep) -> None:
        """A few words on why they call: recorded (after the notice), or heard by the carrier's
        speech recognition. Either way silence goes on to ``next``, and a key pressed while the
        prompt plays skips it: 0 reaches a person, any other key answers the menu after it
        (callers who know the menu need not wait)."""
        if step.input == "speech":
            here = self.state(step.name)
            self.add(
                Gather(
                    resume=here,
                    prompts=(self.speak(step.prompt),),
                    input="dtmf speech",
                    num_digits=1,
                    timeout_seconds=REASON_SILENCE_SECONDS,
                    language=self.language.speech,
                ),
                Continue(resume=here, event=NO_INPUT),
            )
            return
        consent = self.flow.recording.consent
        notice = (self.speak(consent),) if consent is not None and not self.noticed else ()
        self.noticed = True
        here = self.state(step.name)
        self.add(
            Gather(
                resume=here,
                prompts=(*notice, self.speak(step.prompt)),
                input="dtmf",
                num_digits=1,
                timeout_seconds=1,
                language=self.language.speech,
            ),
            Record(
                resume=here,
                max_length_seconds=step.max_length_seconds,
                timeout_seconds=REASON_SILENCE_SECONDS,
                kind=REASON_KIND,
            ),
            Continue(resume=here, event=NO_RECORDING),
        )

    def ask_about_case(self, step: CaseStep) -> str | None:
        """A caller with an open case is asked whether it is why they call; the others go on
        to ``no`` without a word."""
        case = self.ctx.open_case
        if case is None:
            return step.no
        unknown = step.unknown_reason.text.get(self.code) if step.unknown_reason else None
        about = case.reason or unknown or self.language.unknown_reason
        question = self.speak(step.prompt)
        if isinstance(question, Say):
            question = Say(
                text=question.text.replace("{reason}", about),
                language=question.language,
                voice=question.voice,
            )
        state = self.state(step.name)
        self.add(
            Gather(
                resume=state,
                prompts=(question,),
                num_digits=1,
                timeout_seconds=step.gather.timeout_seconds,
                hints=(*self.language.yes_words, *self.language.no_words),
                language=self.language.speech,
            ),
            Continue(resume=state, event=NO_INPUT),
        )
        return None

    def ask(
        self, step: MenuStep | LanguageStep, *, attempt: int, before: tuple[Say, ...] = ()
    ) -> None:
        """Gather keys or speech, and come back with ``no-input`` if the caller says nothing."""
        state = self.state(step.name, attempt)
        if isinstance(step, LanguageStep):
            # Nobody knows yet which language the caller speaks: each says its own line.
            prompts = tuple(self.speak(step.prompt, code) for code in self.flow.languages)
            hints = tuple(word for option in step.options for word in option.words)
        else:
            prompts = (self.speak(step.prompt),)
            hints = (
                *(word for option in step.options for word in option.words.get(self.code, ())),
                *self.language.human_words,
            )
        self.add(
            Gather(
                resume=state,
                prompts=(*before, *prompts),
                num_digits=step.gather.num_digits,
                timeout_seconds=step.gather.timeout_seconds,
                hints=hints,
                language=self.language.speech,
            ),
            Continue(resume=state, event=NO_INPUT),
        )


def _answered(
    reply: _Reply, step: MenuStep | LanguageStep, state: FlowState, given: CallerInput
) -> str | None:
    """The step a menu or language answer leads to; None when the menu is asked again."""
    if not (given.digits or "").strip() and not (given.speech or "").strip():
        return _retry(reply, step, state, "no_input")
    if isinstance(step, LanguageStep):
        chosen = _chosen_language(step, given)
        if chosen is None:
            return _retry(reply, step, state, "not_an_option")
        reply.code = chosen
        return step.next
    target = _chosen_option(reply, step, given)
    if target is None:
        return _retry(reply, step, state, "not_an_option")
    return target


def _retry(
    reply: _Reply, step: MenuStep | LanguageStep, state: FlowState, message: str
) -> str | None:
    """Apologise and ask again; after ``max_retries``, move on rather than hang up: a menu's
    caller to ``after_retries`` (a person), a language step's in the default language."""
    attempt = max(state.attempt, 0) + 1
    codes = tuple(reply.flow.languages) if isinstance(step, LanguageStep) else (reply.code,)
    sorry = tuple(reply.say(getattr(reply.flow.languages[code], message), code) for code in codes)
    if attempt > reply.flow.max_retries:
        reply.add(*sorry)
        if isinstance(step, LanguageStep):
            reply.code = reply.flow.default_language
            return step.next
        return step.after_retries or step.human or reply.flow.fallback
    reply.visited.append(step.name)
    reply.ask(step, attempt=attempt, before=sorry)
    return None


def _chosen_option(reply: _Reply, step: MenuStep, given: CallerInput) -> str | None:
    human = step.human or reply.flow.fallback
    key = _key_of(given)
    if key is not None:
        if key == "0":
            return human
        return next((option.next for option in step.options if option.key == key), None)
    speech = given.speech or ""
    # A person is one word away in every language, whichever one the caller chose.
    human_words = [word for lang in reply.flow.languages.values() for word in lang.human_words]
    if best_match(speech, human_words):
        return human
    scores = [best_match(speech, option.words.get(reply.code, ())) for option in step.options]
    best = max(scores, default=0)
    return step.options[scores.index(best)].next if best else None


def _chosen_language(step: LanguageStep, given: CallerInput) -> str | None:
    key = _key_of(given)
    if key is not None:
        return next((option.language for option in step.options if option.key == key), None)
    scores = [best_match(given.speech or "", option.words) for option in step.options]
    best = max(scores, default=0)
    return step.options[scores.index(best)].language if best else None


def _key_of(given: CallerInput) -> str | None:
    """The keys pressed, or a spoken answer that is only digits ("2", "2."): callers who are
    told to press 2 sometimes say it."""
    digits = (given.digits or "").strip().rstrip("#")
    if digits:
        return digits
    spoken = "".join(words_of(given.speech or ""))
    return spoken if spoken.isdigit() else None


def _reason_given(reply: _Reply, step: ReasonStep, given: CallerInput) -> str | None:
    """After the reason: its words (when the carrier heard them), or a key that skipped it."""
    if given.recording_url:
        # The clip was recorded. Twilio reports the key that ended it (the "#" the prompt
        # asks for, or "hangup") as Digits: that key answers nothing.
        return step.next
    key = (given.digits or "").strip()
    if key == "0":
        return reply.flow.fallback
    following = reply.flow.steps.get(step.next)
    if key and isinstance(following, MenuStep):
        # Typed ahead: the key answers the menu, as if it had been asked.
        reply.visited.append(following.name)
        return _answered(reply, following, reply.state(following.name), given)
    if step.input == "speech" and (given.speech or "").strip():
        reply.reason = given.speech.strip()[:REASON_MAX_CHARACTERS]
    return step.next


def _case_answered(reply: _Reply, step: CaseStep, given: CallerInput) -> str:
    """Yes joins the call to the case; a person is one key or word away; anything else,
    silence included, is a new matter."""
    key = _key_of(given)
    speech = given.speech or ""
    human_words = [word for lang in reply.flow.languages.values() for word in lang.human_words]
    if key == "0" or (key is None and best_match(speech, human_words)):
        return step.human or reply.flow.fallback
    said_yes = key == "1" or (
        key is None
        and best_match(speech, reply.language.yes_words)
        > best_match(speech, reply.language.no_words)
    )
    case = reply.ctx.open_case if said_yes else None
    if case is None:
        return step.no
    reply.case_id = case.id
    return step.yes


def _dialled(reply: _Reply, step: TransferStep, given: CallerInput) -> str | None:
    if (given.dial_status or "").strip().lower() in _DIAL_ANSWERED:
        reply.add(Hangup())
        return None
    return step.on_failure or reply.flow.voicemail or reply.flow.fallback


def _dequeued(reply: _Reply, step: QueueStep, given: CallerInput) -> str | None:
    if (given.queue_result or "").strip().lower() in _QUEUE_OVER:
        reply.add(Hangup())
        return None
    return step.on_leave or reply.flow.voicemail or reply.flow.fallback


def _step_to_resume(flow: Flow, state: FlowState) -> Step:
    if state.flow != flow.name:
        raise FlowStateError(f'call state is for flow "{state.flow}", not "{flow.name}"')
    if state.language not in flow.languages:
        raise FlowStateError(
            f'{flow.source}: call state has language "{state.language}", which the flow '
            "does not speak"
        )
    step = flow.steps.get(state.step)
    if step is None:
        raise FlowStateError(
            f'{flow.source}: call state is at step "{state.step}", which does not exist'
        )
    return step


def language_for(flow: Flow, ctx: CallContext, preferred: str | None = None) -> str:
    """The language ``enter`` speaks: the caller's known one, else ``preferred`` if the flow
    has it, else the flow's default."""
    if known := _known_language(flow, ctx):
        return known
    return preferred if preferred in flow.languages else flow.default_language


def _known_language(flow: Flow, ctx: CallContext) -> str | None:
    """The caller's language if the flow speaks it: ``es``, ``ES`` and ``es-MX`` all give
    ``es`` for a flow with ``es``."""
    code = (ctx.customer_language or "").strip()
    for candidate in (code, code.lower(), code.split("-")[0].lower()):
        if candidate and candidate in flow.languages:
            return candidate
    return None
