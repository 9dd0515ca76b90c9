"""Hold music the app serves itself, so a fresh install needs no third-party media URL.

A gentle, royalty-free arpeggio synthesised once per process (8 kHz mono, telephone quality).

"""

from __future__ import annotations

import io
import math
import struct
import wave
from functools import cache

RATE = 8000
SECONDS = 30
_NOTES = (261.63, 329.63, 392.0, 523.25, 392.0, 329.63)  # C major arpeggio, up and down
_NOTE_SECONDS = 0.5


@cache
def hold_music_wav() -> bytes:
    frames = bytearray()
    per_note = int(RATE * _NOTE_SECONDS)
    for n in range(int(SECONDS / _NOTE_SECONDS)):
        freq = _NOTES[n % len(_NOTES)]
        for i in range(per_note):
            envelope = math.sin(math.pi * i / per_note)  # soft attack and release, no clicks
            sample = 0.25 * envelope * math.sin(2 * math.pi * freq * i / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()
