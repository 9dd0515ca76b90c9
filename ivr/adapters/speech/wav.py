"""Reading a recording's WAV a chunk at a time, one channel at a time.

Twilio's recordings are 16-bit PCM at 8 kHz, mono or two channels interleaved (caller, agent).
Nothing here reads a whole file into memory: a two-hour call is read in ``CHUNK_FRAMES``
blocks, and each block is deinterleaved by slicing an ``array`` (C speed, no numpy needed).
"""

from __future__ import annotations

import array
import sys
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ivr.core.transcription import BadAudio

CHUNK_FRAMES = 4000
"""Half a second at 8 kHz per read: small enough to stream, big enough that Python's overhead
per chunk is noise beside the recogniser's work."""

LEVEL_FRAME_SECONDS = 0.01
"""Voice activity is judged per 10 ms (80 samples at 8 kHz)."""


@dataclass(frozen=True)
class WavInfo:
    path: Path
    channels: int
    sample_rate: int
    frames: int

    @property
    def duration_seconds(self) -> float:
        return self.frames / self.sample_rate

    def frame_at(self, seconds: float) -> int:
        return max(0, min(self.frames, round(seconds * self.sample_rate)))


def inspect(path: Path) -> WavInfo:
    """The file's format, checked: anything but 16-bit PCM is refused with its reason."""
    try:
        with wave.open(str(path), "rb") as source:
            width = source.getsampwidth()
            info = WavInfo(path, source.getnchannels(), source.getframerate(), source.getnframes())
    except FileNotFoundError as error:
        raise BadAudio(f"{path}: the recording's file is missing") from error
    except (wave.Error, EOFError, OSError) as error:
        raise BadAudio(f"{path}: not a PCM WAV file ({error})") from error
    if width != 2:
        raise BadAudio(f"{path}: {8 * width}-bit samples; only 16-bit PCM is supported")
    if info.sample_rate < 4000:
        raise BadAudio(f"{path}: sample rate {info.sample_rate} Hz is too low for speech")
    return info


def deinterleave(raw: bytes, channels: int, channel: int) -> array.array:
    """One channel's samples out of interleaved 16-bit little-endian frames."""
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) - len(raw) % (2 * channels)])
    if sys.byteorder == "big":  # WAV is little-endian; the recogniser reads native shorts
        samples.byteswap()
    return samples if channels == 1 else samples[channel::channels]


def channel_chunks(
    info: WavInfo,
    channel: int,
    start_frame: int,
    end_frame: int,
    *,
    chunk_frames: int = CHUNK_FRAMES,
) -> Iterator[bytes]:
    """``channel``'s samples from ``start_frame`` to ``end_frame``, as native 16-bit PCM, in
    blocks of at most ``chunk_frames``."""
    if not 0 <= channel < info.channels:
        raise ValueError(f"channel {channel} of a {info.channels}-channel file")
    with wave.open(str(info.path), "rb") as source:
        source.setpos(start_frame)
        position = start_frame
        while position < end_frame:
            raw = source.readframes(min(chunk_frames, end_frame - position))
            if not raw:
                raise BadAudio(
                    f"{info.path}: ends at frame {position}, the header says {info.frames}"
                )
            samples = deinterleave(raw, info.channels, channel)
            position += len(samples)
            yield samples.tobytes()


def levels(info: WavInfo, start_frame: int, end_frame: int) -> list[list[int]]:
    """Per channel, the peak magnitude of each 10 ms from ``start_frame`` to ``end_frame``:
    what ``activity`` decides speech and silence from."""
    per_level = max(1, round(info.sample_rate * LEVEL_FRAME_SECONDS))
    block = per_level * 50  # whole level frames per read, so none straddles two reads
    result: list[list[int]] = [[] for _ in range(info.channels)]
    with wave.open(str(info.path), "rb") as source:
        source.setpos(start_frame)
        position = start_frame
        while position < end_frame:
            raw = source.readframes(min(block, end_frame - position))
            if not raw:
                break
            for channel in range(info.channels):
                samples = deinterleave(raw, info.channels, channel)
                out = result[channel]
                for at in range(0, len(samples), per_level):
                    window = samples[at : at + per_level]
                    out.append(max(max(window), -min(window)))
            position += len(raw) // (2 * info.channels)
    return result
