"""The ``Transcriber`` on Vosk: each channel to its own recogniser, voiced regions only.

``KaldiRecognizer(model, rate)`` is given the file's own rate: Vosk's feature pipeline
resamples to the model's 16 kHz (``allow_upsample``/``allow_downsample`` are set in Vosk's
``model.cc`` and in the model's ``mfcc.conf``), and its word times are seconds of the audio as
fed, which the tests check against the file's duration. Nothing is resampled here.

Per channel, one recogniser is fed the channel's voiced regions (``activity``) a chunk at a
time; after each region ``FinalResult`` closes the utterance, and since a recogniser's clock
counts the samples it was fed, each region's words are shifted back onto the recording's clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ivr.adapters.speech import activity, wav
from ivr.adapters.speech.models import ModelCache
from ivr.adapters.speech.results import segment_from_result
from ivr.core.transcription import TranscribedPiece
from ivr.core.transcripts import Segment

CUT_WINDOW = (0.75, 1.25)
"""A piece of nominal length P ends at the quietest moment between 0.75 P and 1.25 P."""
LAST_PIECE_STRETCH = 1.5
"""Audio left under 1.5 P is taken whole rather than leaving a sliver for another job."""


class VoskTranscriber:
    def __init__(self, models: ModelCache, *, chunk_frames: int = wav.CHUNK_FRAMES) -> None:
        self.models = models
        self.chunk_frames = chunk_frames

    def model_for(self, language: str) -> str | None:
        model = self.models.find(language)
        return model.name if model else None

    def transcribe(
        self,
        audio: Path,
        *,
        language: str,
        speakers: tuple[str, ...],
        start_seconds: float = 0.0,
        piece_seconds: float | None = None,
    ) -> TranscribedPiece:
        model = self.models.find(language)
        if model is None:
            raise LookupError(f"no model for {language!r}")
        info = wav.inspect(audio)
        start = info.frame_at(start_seconds)
        end = self._piece_end(info, start, piece_seconds)
        recogniser_model = self.models.get(model)
        per_level = max(1, round(info.sample_rate * wav.LEVEL_FRAME_SECONDS))
        levels = wav.levels(info, start, end)
        segments: list[Segment] = []
        for channel in range(info.channels):
            speaker = speakers[channel] if channel < len(speakers) else f"channel {channel + 1}"
            regions = [
                (start + a * per_level, min(end, start + b * per_level))
                for a, b in activity.voiced_regions(levels[channel])
            ]
            segments.extend(self._channel(recogniser_model, info, channel, regions, speaker))
        segments.sort(key=lambda s: (s.start, s.speaker))
        return TranscribedPiece(
            model=model.name,
            start_seconds=start / info.sample_rate,
            end_seconds=end / info.sample_rate,
            duration_seconds=info.duration_seconds,
            segments=tuple(segments),
        )

    def _piece_end(self, info: wav.WavInfo, start: int, piece_seconds: float | None) -> int:
        if piece_seconds is None:
            return info.frames
        piece = round(piece_seconds * info.sample_rate)
        if info.frames - start <= piece * LAST_PIECE_STRETCH:
            return info.frames
        earliest, latest = (start + round(piece * f) for f in CUT_WINDOW)
        window = wav.levels(info, earliest, latest)
        per_level = max(1, round(info.sample_rate * wav.LEVEL_FRAME_SECONDS))
        cut = activity.quiet_cut(window, 0, len(window[0]) - 1)
        return earliest + cut * per_level

    def _channel(
        self,
        model: Any,
        info: wav.WavInfo,
        channel: int,
        regions: list[tuple[int, int]],
        speaker: str,
    ) -> list[Segment]:
        if not regions:
            return []  # silence: not worth a recogniser
        from vosk import KaldiRecognizer

        recogniser = KaldiRecognizer(model, info.sample_rate)
        recogniser.SetWords(True)
        fed = 0
        found: list[Segment] = []

        def keep(result: str, shift: float) -> None:
            segment = segment_from_result(result, speaker=speaker, shift_seconds=shift)
            if segment is not None:
                found.append(segment)

        for first, last in regions:
            shift = (first - fed) / info.sample_rate
            for chunk in wav.channel_chunks(
                info, channel, first, last, chunk_frames=self.chunk_frames
            ):
                if recogniser.AcceptWaveform(chunk):
                    keep(recogniser.Result(), shift)
            keep(recogniser.FinalResult(), shift)
            fed += last - first
        return found
