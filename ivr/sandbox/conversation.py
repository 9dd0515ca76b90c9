"""Talking during a bridge: what each party says is kept, for ``<Dial record>``.

A bridge carries no real audio, but a test (or a person on the phone page) can make either
leg say something: it is synthesised like ``<Record>`` speech (espeak-ng, else silence of the
estimated length), takes that long in call time, and is stamped with the call-seconds moment
it began, so a recording of the bridge has it on the right channel at the right offset. One
party's sentences follow each other (nobody says two things at once); the two parties may
overlap, as people do.
"""

from __future__ import annotations

from ivr.sandbox import audio
from ivr.sandbox.call import Bridge, Call, Input, Utterance
from ivr.sandbox.defaults import SPOKEN_WORDS_PER_SECOND
from ivr.sandbox.engine import Engine


class NotBridged(RuntimeError):
    """``talk`` on a call that is not connected to anyone: nobody would hear it."""


def talk(
    engine: Engine, call: Call, text: str, *, language: str = "en-US", wait: bool = True
) -> Utterance:
    """``call``'s party says ``text`` to the other; with ``wait``, returns once it is said
    (its length in call time, scaled) or the bridge ended."""
    words = " ".join(text.split())
    if not words:
        raise ValueError("talk() needs some words")
    with engine.lock:
        bridge = _live_bridge(call)
        busy_until = max(
            (u.started_at_seconds + u.seconds for u in bridge.utterances if u.call_sid == call.sid),
            default=0.0,
        )
        start = max(engine.clock.seconds(), busy_until)
    piece = audio.speech(words, language=language, voice_enabled=engine.synthesize_speech)
    if piece is None:
        piece = audio.silence(max(1.0, len(words.split()) / SPOKEN_WORDS_PER_SECOND))
    utterance = Utterance(
        call_sid=call.sid,
        text=words,
        started_at_seconds=start,
        seconds=audio.duration_seconds(piece),
        wav=piece,
    )
    with engine.lock:
        if bridge.ended and (bridge.ended_at_seconds or 0.0) <= start:
            raise NotBridged(f"call {call.sid}: the bridge ended before anything was said")
        bridge.utterances.append(utterance)
        engine.notify()
    if wait:
        end = start + utterance.seconds
        engine.wait_quietly(
            lambda: bridge.ended or engine.clock.seconds() >= end,
            max(0.0, end - engine.clock.seconds()),
        )
    return utterance


def speak(engine: Engine, call: Call, text: str) -> bool:
    """A person on a live phone (the phone page, a browser phone) says ``text``: to the other
    party while bridged (kept for a ``<Dial record>`` recording), else to the listening
    Gather. False when nobody was listening."""
    if call.bridge is not None and (call.listening is None or call.listening.kind == "bridge"):
        try:
            talk(engine, call, text, wait=False)
        except NotBridged:
            return False
        return True
    return engine.give_input(call, Input(kind="speech", text=text))


def _live_bridge(call: Call) -> Bridge:
    bridge = call.bridge
    if call.is_final or bridge is None or bridge.ended:
        raise NotBridged(f"call {call.sid} is not connected to anyone ({call.status})")
    return bridge


def bridge_audio(
    bridge: Bridge,
    *,
    parent_sid: str,
    start_seconds: float,
    end_seconds: float,
    channels: int,
) -> bytes:
    """The recording of ``bridge`` from ``start_seconds`` to ``end_seconds`` (call seconds):
    with 2 channels the parent call (the one that ran ``<Dial>``) on the first and the other
    party on the second, as Twilio's dual-channel recordings; with 1 both mixed."""
    parent: list[tuple[float, bytes]] = []
    other: list[tuple[float, bytes]] = []
    for utterance in bridge.utterances:
        placed = (utterance.started_at_seconds - start_seconds, utterance.wav)
        (parent if utterance.call_sid == parent_sid else other).append(placed)
    total = max(0.0, end_seconds - start_seconds)
    if channels == 2:
        return audio.tracks([parent, other], total_seconds=total)
    return audio.tracks([parent + other], total_seconds=total)
