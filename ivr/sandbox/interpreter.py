"""Runs TwiML documents on one call: the verbs that talk and listen.

<Dial>, <Enqueue> and <Record> have modules of their own; this one holds the loop and the
simple verbs. A verb returns the next :class:`Source` (an action or redirect), or None to go
on with the next verb; the end of a document ends the call, unless the document runs in a
context (a waitUrl, a whisper) whose owner decides what comes next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ivr.sandbox import errors, twiml
from ivr.sandbox.attributes import AttributeReader
from ivr.sandbox.call import Call, CallEnded, CallRejected, CallStatus, Input, LeaveQueue, Listening
from ivr.sandbox.defaults import (
    BEEP_SECONDS,
    GATHER_FINISH_ON_KEY,
    GATHER_TIMEOUT_SECONDS,
    MAX_DOCUMENTS_PER_CALL,
    MAX_IDLE_DOCUMENTS,
    PAUSE_SECONDS,
    PLAY_DIGIT_SECONDS,
    PLAY_SECONDS,
    SAY_MIN_SECONDS,
    SAY_SECONDS_PER_WORD,
    SPEECH_CONFIDENCE,
)
from ivr.sandbox.engine import Engine
from ivr.sandbox.models import Prompt
from ivr.sandbox.webhooks import Source, resolve

MAX_LOOPS = 1000
"""``loop="0"`` on <Say>/<Play> repeats this many times at most (Twilio: "until hang-up")."""
_KEYS = "0123456789*#"


def say_seconds(text: str) -> float:
    return max(SAY_MIN_SECONDS, len(text.split()) * SAY_SECONDS_PER_WORD)


class Interpreter:
    """Executes documents for ``call`` in ``context`` (see :mod:`ivr.sandbox.twiml`)."""

    def __init__(
        self,
        engine: Engine,
        call: Call,
        *,
        context: str = twiml.CALL,
        extra_params: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        self.engine = engine
        self.call = call
        self.context = context
        self.extra_params = extra_params

    # -- the document loop ---------------------------------------------------------------

    def run(self, source: Source | None) -> None:
        """Fetch and execute documents until one ends without handing over to another."""
        while source is not None:
            document = self.load(source)
            source = self.execute(document)

    def load(self, source: Source) -> twiml.Document:
        call = self.call
        with self.engine.lock:
            if self.context != twiml.WAIT:
                # A long hold requests its waitUrl without end: only other documents count.
                call.documents_fetched += 1
            call.idle_documents += 1
            fetched, idle = call.documents_fetched, call.idle_documents
        if fetched > MAX_DOCUMENTS_PER_CALL:
            raise errors.DocumentError(
                errors.INTERNAL_FAILURE,
                f"sandbox limit: more than {MAX_DOCUMENTS_PER_CALL} TwiML documents on one call",
                url=source.url,
            )
        if idle > MAX_IDLE_DOCUMENTS:
            raise errors.DocumentError(
                errors.INTERNAL_FAILURE,
                f"sandbox limit: {MAX_IDLE_DOCUMENTS} documents in a row took no time "
                "(a <Redirect> loop?)",
                url=source.url,
            )
        return self.engine.webhooks.fetch_document(
            source,
            self.params(source.params),
            call_sid=call.sid,
            session=call.session,
            context=self.context,
        )

    def params(self, extra: Mapping[str, str] = ()) -> dict[str, str]:
        with self.engine.lock:
            params = self.call.base_params()
            if self.extra_params is not None:
                params.update(self.extra_params())
        params.update(extra)
        return params

    def execute(self, document: twiml.Document) -> Source | None:
        for verb in document.verbs:
            self.engine.check(self.call)
            if self.call.status == CallStatus.RINGING and verb.name != "Reject":
                self.engine.answer(self.call)
            handler = getattr(self, "verb_" + verb.name.lower(), None)
            if handler is None:
                self.warn(
                    errors.UNSUPPORTED_FEATURE,
                    f"<{verb.name}> is valid TwiML but the sandbox does not carry it; skipped",
                    document.url,
                )
                continue
            following = handler(verb, document)
            if isinstance(following, Source):
                return following
        if self.call.status == CallStatus.RINGING and self.context == twiml.CALL:
            self.engine.answer(self.call)
        return None

    # -- helpers for verbs ---------------------------------------------------------------

    def reader(self, verb: twiml.Verb, url: str | None) -> AttributeReader:
        return AttributeReader(
            verb, lambda message: self.warn(errors.SCHEMA_VALIDATION, message, url)
        )

    def warn(self, code: int, message: str, url: str | None) -> None:
        self.engine.log(self.call, code, message, url=url, level="warning")

    def hear(self, prompt: Prompt) -> None:
        with self.engine.lock:
            self.call.heard.append(prompt)
            self.engine.notify()

    def play_prompt(
        self, prompt: Prompt, seconds: float, *, until: Callable[[], bool] | None = None
    ) -> bool:
        """The person hears ``prompt`` for ``seconds``; True if ``until`` interrupted it."""
        self.hear(prompt)
        return self.engine.sleep(self.call, seconds, until=until)

    def action_url(self, reader: AttributeReader, document: twiml.Document) -> str | None:
        """An ``action`` attribute, defaulting to the current document (Gather, Record)."""
        return resolve(document.url, reader.text("action")) or document.url

    # -- verbs ---------------------------------------------------------------------------

    def verb_say(self, verb: twiml.Verb, document: twiml.Document, until=None) -> bool:
        a = self.reader(verb, document.url)
        loops = a.integer("loop", 1, minimum=0) or MAX_LOOPS
        language = a.text("language", "en-US")
        voice = a.text("voice")
        for _ in range(loops):
            prompt = Prompt(kind="say", text=verb.text, language=language, voice=voice)
            if self.play_prompt(prompt, say_seconds(verb.text), until=until):
                return True
        return False

    def verb_play(self, verb: twiml.Verb, document: twiml.Document, until=None) -> bool:
        a = self.reader(verb, document.url)
        digits = a.text("digits")
        if digits:
            if any(ch not in _KEYS + "w" for ch in digits):
                self.warn(
                    errors.SCHEMA_VALIDATION, f'<Play digits="{digits}">: not DTMF', document.url
                )
                return False
            seconds = sum(0.5 if ch == "w" else PLAY_DIGIT_SECONDS for ch in digits)
            return self.play_prompt(Prompt(kind="dtmf", text=digits), seconds, until=until)
        url = resolve(document.url, verb.text)
        if not url:
            self.warn(
                errors.SCHEMA_VALIDATION, "<Play> without a URL or digits; skipped", document.url
            )
            return False
        loops = a.integer("loop", 1, minimum=0) or MAX_LOOPS
        for _ in range(loops):
            if self.play_prompt(Prompt(kind="play", url=url), PLAY_SECONDS, until=until):
                return True
        return False

    def verb_pause(self, verb: twiml.Verb, document: twiml.Document, until=None) -> bool:
        seconds = self.reader(verb, document.url).integer("length", PAUSE_SECONDS, minimum=0)
        return self.engine.sleep(self.call, seconds, until=until)

    def verb_redirect(self, verb: twiml.Verb, document: twiml.Document) -> Source | None:
        a = self.reader(verb, document.url)
        url = resolve(document.url, verb.text)
        if not url:
            raise errors.DocumentError(
                errors.SCHEMA_VALIDATION, "<Redirect> needs a URL as its text", url=document.url
            )
        return Source(kind="redirect", url=url, method=a.method())

    def verb_hangup(self, verb: twiml.Verb, document: twiml.Document) -> None:
        raise CallEnded("twiml")

    def verb_reject(self, verb: twiml.Verb, document: twiml.Document) -> None:
        reason = self.reader(verb, document.url).choice("reason", "rejected", {"rejected", "busy"})
        if self.call.status == CallStatus.RINGING:
            raise CallRejected(CallStatus.BUSY if reason == "busy" else CallStatus.NO_ANSWER)
        raise CallEnded("twiml")

    def verb_leave(self, verb: twiml.Verb, document: twiml.Document) -> None:
        if self.context == twiml.WAIT:
            raise LeaveQueue()
        return None

    def verb_gather(self, verb: twiml.Verb, document: twiml.Document) -> Source | None:
        a = self.reader(verb, document.url)
        modes = set((a.text("input") or "dtmf").split())
        if not modes or modes - {"dtmf", "speech"}:
            self.warn(
                errors.SCHEMA_VALIDATION,
                f'<Gather input="{a.text("input")}">: using dtmf',
                document.url,
            )
            modes = {"dtmf"}
        timeout = a.integer("timeout", GATHER_TIMEOUT_SECONDS, minimum=0)
        num_digits = a.integer("numDigits", 0, minimum=1)
        finish = a.text("finishOnKey", GATHER_FINISH_ON_KEY) or ""
        if len(finish) > 1 or (finish and finish not in _KEYS):
            self.warn(
                errors.SCHEMA_VALIDATION, f'<Gather finishOnKey="{finish}">: using #', document.url
            )
            finish = GATHER_FINISH_ON_KEY
        speech_timeout = a.text("speechTimeout", "auto")
        if speech_timeout != "auto":
            a.integer("speechTimeout", 0, minimum=0)
        action = self.action_url(a, document)
        method = a.method()
        on_empty = a.boolean("actionOnEmptyResult", False)
        listening = Listening(
            kind="gather",
            dtmf="dtmf" in modes,
            speech="speech" in modes,
            num_digits=num_digits,
            finish_keys=finish,
            language=a.text("language", "en-US") or "en-US",
        )
        digits, speech = self.collect(verb, document, listening, timeout)
        if digits:
            return Source(kind="action", url=action, method=method, params={"Digits": digits})
        if speech is not None:
            params = {"SpeechResult": speech, "Confidence": SPEECH_CONFIDENCE}
            return Source(kind="action", url=action, method=method, params=params)
        if on_empty:
            return Source(kind="action", url=action, method=method)
        return None

    def collect(
        self, verb: twiml.Verb, document: twiml.Document, listening: Listening, timeout: int
    ) -> tuple[str, str | None]:
        """Play the nested prompts and gather input; returns (digits, speech or None)."""
        call, engine = self.call, self.engine
        with engine.lock:
            call.inputs.clear()
            call.listening = listening
            engine.notify()
        pending = lambda: bool(call.inputs)  # noqa: E731
        digits = ""
        try:
            for child in verb.children:
                handler = getattr(self, "verb_" + child.name.lower())
                if handler(child, document, until=pending):
                    break
            self._await_input()
            while True:
                wait_seconds = None if call.scripted else timeout
                if not engine.wait(call, pending, wait_seconds):
                    return digits, None
                with engine.lock:
                    given: Input = call.inputs.popleft()
                    engine.notify()
                if given.kind == "silence":
                    return digits, None
                if given.kind == "speech":
                    if listening.speech and given.text.strip():
                        return "", given.text.strip()
                    if given.then_silent:
                        return digits, None
                    continue
                if not listening.dtmf:
                    if given.then_silent:
                        return digits, None
                    continue
                for key in given.text:
                    if key in listening.finish_keys:
                        return digits, None
                    digits += key
                    if listening.num_digits and len(digits) >= listening.num_digits:
                        return digits, None
                if given.then_silent:
                    return digits, None
        finally:
            with engine.lock:
                call.listening = None
                call.awaiting_input = False
                call.inputs.clear()
                engine.notify()

    def _await_input(self) -> None:
        """Mark the call as waiting for the person, unless they already spoke up."""
        with self.engine.lock:
            if not self.call.inputs:
                self.call.awaiting_input = True
                self.engine.notify()

    def verb_record(self, verb: twiml.Verb, document: twiml.Document) -> Source | None:
        from ivr.sandbox.record import record

        return record(self, verb, document)

    def verb_dial(self, verb: twiml.Verb, document: twiml.Document) -> Source | None:
        from ivr.sandbox.dial import dial

        return dial(self, verb, document)

    def verb_enqueue(self, verb: twiml.Verb, document: twiml.Document) -> Source | None:
        from ivr.sandbox.queueing import enqueue

        return enqueue(self, verb, document)

    def beep(self) -> None:
        self.play_prompt(Prompt(kind="beep"), BEEP_SECONDS)
