"""Recordings as real WAV files: 8 kHz, 16-bit PCM, Twilio's telephone format.

When ``espeak-ng`` is on the PATH, what the caller "said" (typed text) is synthesised, so a
transcriber downstream has real speech to work on; otherwise the file is silence of the
recorded length. A bridge's recording places what each party said (``talk``) at the moment
they said it, one channel per party for ``-dual``, silence everywhere else. espeak-ng writes
22.05 kHz; the sandbox resamples it in pure Python rather than requiring sox.
"""

from __future__ import annotations

import array
import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

SAMPLE_RATE = 8000
SAMPLE_WIDTH_BYTES = 2


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def silence(seconds: float, *, channels: int = 1) -> bytes:
    """A WAV of silence; a zero-length recording still gets a valid (empty) file."""
    frames = int(round(max(0.0, seconds) * SAMPLE_RATE))
    return _wav(array.array("h", bytes(frames * SAMPLE_WIDTH_BYTES)), channels=channels)


def speech(text: str, *, language: str = "en-US", voice_enabled: bool = True) -> bytes | None:
    """A WAV of ``text`` spoken by espeak-ng, or None when it is not installed or fails."""
    if not voice_enabled or not text.strip() or not espeak_available():
        return None
    with tempfile.TemporaryDirectory(prefix="ivr-sandbox-") as folder:
        target = Path(folder) / "speech.wav"
        try:
            subprocess.run(
                ["espeak-ng", "-v", _espeak_voice(language), "-w", str(target), text],
                check=True,
                capture_output=True,
                timeout=30,
            )
            with wave.open(str(target), "rb") as source:
                rate = source.getframerate()
                channels = source.getnchannels()
                width = source.getsampwidth()
                raw = source.readframes(source.getnframes())
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError):
            return None
    if width != SAMPLE_WIDTH_BYTES:
        return None
    samples = array.array("h")
    samples.frombytes(raw)
    if channels > 1:
        samples = array.array("h", samples[::channels])
    return _wav(_resample(samples, rate, SAMPLE_RATE), channels=1)


def join(pieces: list[bytes], *, total_seconds: float | None = None) -> bytes:
    """Mono WAVs of this module's format end to end, padded with silence to ``total_seconds``."""
    frames = array.array("h")
    for piece in pieces:
        with wave.open(io.BytesIO(piece), "rb") as source:
            frames.frombytes(source.readframes(source.getnframes()))
    if total_seconds is not None:
        missing = int(round(total_seconds * SAMPLE_RATE)) - len(frames)
        if missing > 0:
            frames.frombytes(bytes(missing * SAMPLE_WIDTH_BYTES))
    return _wav(frames, channels=1)


def truncate(wav_bytes: bytes, seconds: float) -> bytes:
    """The first ``seconds`` of a mono WAV of this module's format."""
    with wave.open(io.BytesIO(wav_bytes), "rb") as source:
        keep = min(source.getnframes(), int(round(seconds * source.getframerate())))
        frames = array.array("h")
        frames.frombytes(source.readframes(keep))
    return _wav(frames, channels=1)


def tracks(channels: list[list[tuple[float, bytes]]], *, total_seconds: float) -> bytes:
    """A WAV of ``total_seconds`` with one channel per entry of ``channels``, each a list of
    (offset in seconds, mono WAV) placed at that offset; overlapping pieces on one channel are
    mixed (summed, clipped). A piece reaching past the end is cut there."""
    length = int(round(max(0.0, total_seconds) * SAMPLE_RATE))
    planes = []
    for pieces in channels:
        plane = array.array("h", bytes(length * SAMPLE_WIDTH_BYTES))
        for offset, piece in pieces:
            start = max(0, int(round(offset * SAMPLE_RATE)))
            with wave.open(io.BytesIO(piece), "rb") as source:
                samples = array.array("h")
                samples.frombytes(source.readframes(source.getnframes()))
            for index, value in enumerate(samples[: max(0, length - start)]):
                mixed = plane[start + index] + value
                plane[start + index] = max(-32768, min(32767, mixed))
        planes.append(plane)
    if len(planes) == 1:
        return _wav(planes[0], channels=1)
    interleaved = array.array("h", bytes(length * len(planes) * SAMPLE_WIDTH_BYTES))
    for number, plane in enumerate(planes):
        interleaved[number :: len(planes)] = plane
    return _frames_wav(interleaved, channels=len(planes))


def duration_seconds(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes), "rb") as source:
        return source.getnframes() / source.getframerate()


def _espeak_voice(language: str) -> str:
    """espeak-ng names voices by language (``en-us``, ``fr``); it falls back to English."""
    return language.strip().lower() or "en-us"


def _resample(samples: array.array, source_rate: int, target_rate: int) -> array.array:
    """Linear-interpolation resampling, preceded by a box filter when downsampling."""
    if source_rate == target_rate or not samples:
        return samples
    if source_rate > target_rate:
        width = max(1, round(source_rate / target_rate))
        smoothed = array.array("h")
        running = 0
        for index, value in enumerate(samples):
            running += value
            if index >= width:
                running -= samples[index - width]
            smoothed.append(int(running / min(index + 1, width)))
        samples = smoothed
    ratio = source_rate / target_rate
    count = int(len(samples) / ratio)
    out = array.array("h", bytes(count * SAMPLE_WIDTH_BYTES))
    last = len(samples) - 1
    for i in range(count):
        position = i * ratio
        left = int(position)
        right = min(left + 1, last)
        fraction = position - left
        out[i] = int(samples[left] * (1 - fraction) + samples[right] * fraction)
    return out


def _wav(mono: array.array, *, channels: int) -> bytes:
    if channels == 2:
        stereo = array.array("h", bytes(len(mono) * 2 * SAMPLE_WIDTH_BYTES))
        stereo[0::2] = mono
        stereo[1::2] = mono
        frames = stereo
    else:
        frames = mono
    return _frames_wav(frames, channels=channels)


def _frames_wav(frames: array.array, *, channels: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as target:
        target.setnchannels(channels)
        target.setsampwidth(SAMPLE_WIDTH_BYTES)
        target.setframerate(SAMPLE_RATE)
        target.writeframes(frames.tobytes())
    return buffer.getvalue()
