"""The one module that knows TwiML: instructions in, a VoiceResponse document out.

Everything is built with the twilio helper library, so text is escaped and attribute names are
Twilio's. URLs come from a ``Links`` object, because the core's ``FlowState`` knows nothing about
routes; every URL is absolute, on ``PUBLIC_BASE_URL``, so the signature Twilio computes for it is
the one we check.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from flask import Response
from twilio.twiml.voice_response import Gather as TwimlGather
from twilio.twiml.voice_response import VoiceResponse

from ivr.core.flows.instructions import (
    Continue,
    Dial,
    Enqueue,
    FlowState,
    Gather,
    Hangup,
    Instruction,
    Pause,
    Play,
    Record,
    Say,
)
from ivr.core.routing import carrier_queue_name


class Links(Protocol):
    def step(self, state: FlowState, *, event: str | None = None) -> str: ...

    def hold(self, state: FlowState, queue: str) -> str: ...

    def queue_done(self, state: FlowState, queue: str) -> str: ...

    def recording_status(self, kind: str | None = None) -> str: ...


def _say(parent: VoiceResponse | TwimlGather, item: Say) -> None:
    parent.say(item.text, language=item.language, voice=item.voice)


def _prompt(parent: VoiceResponse | TwimlGather, item: Say | Play | Pause) -> None:
    if isinstance(item, Say):
        _say(parent, item)
    elif isinstance(item, Play):
        parent.play(item.url, loop=item.loop if item.loop != 1 else None)
    else:
        parent.pause(length=item.seconds)


def render(instructions: Iterable[Instruction], links: Links) -> str:
    """The TwiML for these instructions; the same instructions always give the same document,
    so documents are memoised (a flow has a bounded number of distinct turns)."""
    instructions = tuple(instructions)
    try:
        return _render_cached(instructions, links)
    except TypeError:  # an unhashable instruction (never from the interpreter): render afresh
        return _render(instructions, links)


@lru_cache(maxsize=4096)
def _render_cached(instructions: tuple[Instruction, ...], links: Links) -> str:
    return _render(instructions, links)


def _render(instructions: Iterable[Instruction], links: Links) -> str:
    response = VoiceResponse()
    for item in instructions:
        match item:
            case Say() | Play() | Pause():
                _prompt(response, item)
            case Gather():
                gather = response.gather(
                    input=item.input,
                    action=links.step(item.resume),
                    method="POST",
                    timeout=item.timeout_seconds,
                    num_digits=item.num_digits,
                    finish_on_key=item.finish_on_key,
                    speech_timeout=item.speech_timeout if "speech" in item.input else None,
                    hints=", ".join(item.hints) if item.hints else None,
                    language=item.language,
                )
                for prompt in item.prompts:
                    _prompt(gather, prompt)
            case Continue():
                response.redirect(links.step(item.resume, event=item.event), method="POST")
            case Record():
                response.record(
                    action=links.step(item.resume),
                    method="POST",
                    max_length=item.max_length_seconds,
                    timeout=item.timeout_seconds,
                    finish_on_key=item.finish_on_key,
                    play_beep=item.play_beep,
                    recording_status_callback=links.recording_status(
                        None if item.kind == "voicemail" else item.kind
                    ),
                    recording_status_callback_method="POST",
                )
            case Dial():
                response.dial(
                    item.number,
                    action=links.step(item.resume),
                    method="POST",
                    timeout=item.timeout_seconds,
                    caller_id=item.caller_id,
                )
            case Enqueue():
                queue = carrier_queue_name(item.queue, item.skills)
                response.enqueue(
                    queue,
                    action=links.queue_done(item.resume, queue),
                    method="POST",
                    wait_url=links.hold(item.resume, queue),
                    wait_url_method="POST",
                )
            case Hangup():
                response.hangup()
            case _:
                raise TypeError(f"no TwiML for instruction {item!r}")
    return str(response)


def twiml_response(document: str | VoiceResponse, status: int = 200) -> Response:
    return Response(str(document), status=status, mimetype="text/xml")
