"""The ``Transcriber`` on Vosk: each channel to its own recogniser, voiced regions only.

``KaldiRecognizer(model, rate)`` is given the file's own rate: Vosk's feature pipeline
resamples to the model's 16 kHz (``allow_upsample``/``allow_downsample`` are set in Vosk's
``model.cc`` and in the model's ``mfcc.conf``), and its word times are seconds of the audio as
fed, which the tests check against the file's duration. Nothing is resampled here.

A piece is read *window by window*, both channels in lockstep: a window is about
``WINDOW_SECONDS`` of audio ending at a moment when every channel is quiet
(``activity.quiet_cut``), so nothing but the current window's levels is held in memory. Per
channel, one recogniser lives for the whole piece (a fresh ``KaldiRecognizer`` costs 1.5-2 s
of CPU of warm-up on the Korean model, as much as ~6 s of speech: measured by the lead,
/tmp/prof/exp2.py) and is fed the channel's voiced regions (``activity``) a chunk at a time;
after each region ``FinalResult`` closes the utterance, and since a recogniser's clock counts
the samples it was fed, each region's words are shifted back onto the recording's clock.

After each window the caller's ``should_yield`` is asked whether urgent work waits; if so the
piece ends there, at that quiet moment, and says so (``end_seconds``): the next piece, in a new
job, starts exactly where this one stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ivr.adapters.speech import activity, wav
from ivr.adapters.speech.models import ModelCache
from ivr.adapters.speech.results import segment_from_result
from ivr.core.transcription import TranscribedPiece
from ivr.core.transcripts import Segment

WINDOW_SECONDS = 8.0
"""Audio read (and, when asked, yielded after) per step: ~1.5-2 s of one core per window of a
two-channel call, which bounds how long urgent work waits for this piece to stop."""
CUT_WINDOW = (0.75, 1.25)
"""A window of nominal length W ends at the quietest moment between 0.75 W and 1.25 W."""
LAST_PIECE_STRETCH = 1.5
"""Audio left under 1.5 P is taken whole rather than leaving a sliver for another job (P: the
piece length; the same rule stops a window leaving a sliver)."""


class _Channel:
    """One channel's recogniser for a piece: made on the first voiced region, then reused."""

    def __init__(self, model: Any, info: wav.WavInfo, channel: int, speaker: str) -> None:
        self.model = model
        self.info = info
        self.channel = channel
        self.speaker = speaker
        self.recogniser: Any = None
        self.fed = 0
        """Frames fed so far: the recogniser's clock."""
        self.segments: list[Segment] = []

    def feed(self, first: int, last: int, chunk_frames: int) -> None:
        if self.recogniser is None:  # a silent channel never pays for a recogniser
            from vosk import KaldiRecognizer

            self.recogniser = KaldiRecognizer(self.model, self.info.sample_rate)
            self.recogniser.SetWords(True)
        recogniser = self.recogniser
        shift = (first - self.fed) / self.info.sample_rate
        for chunk in wav.channel_chunks(
            self.info, self.channel, first, last, chunk_frames=chunk_frames
        ):
            if recogniser.AcceptWaveform(chunk):
                self._keep(recogniser.Result(), shift)
        self._keep(recogniser.FinalResult(), shift)
        self.fed += last - first

    def _keep(self, result: str, shift: float) -> None:
        segment = segment_from_result(result, speaker=self.speaker, shift_seconds=shift)
        if segment is not None:
            self.segments.append(segment)


class VoskTranscriber:
    def __init__(
        self,
        models: ModelCache,
        *,
        chunk_frames: int = wav.CHUNK_FRAMES,
        window_seconds: float = WINDOW_SECONDS,
    ) -> None:
        self.models = models
        self.chunk_frames = chunk_frames
        self.window_seconds = window_seconds

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
        should_yield: Callable[[], bool] | None = None,
    ) -> TranscribedPiece:
        model = self.models.find(language)
        if model is None:
            raise LookupError(f"no model for {language!r}")
        info = wav.inspect(audio)
        start = info.frame_at(start_seconds)
        limit = self._piece_limit(info, start, piece_seconds)
        recogniser_model = self.models.get(model)
        channels = [
            _Channel(
                recogniser_model,
                info,
                channel,
                speakers[channel] if channel < len(speakers) else f"channel {channel + 1}",
            )
            for channel in range(info.channels)
        ]
        position = start
        while position < limit:
            position = self._window(info, channels, position)
            if position < limit and should_yield is not None and should_yield():
                break
        segments = sorted(
            (s for c in channels for s in c.segments), key=lambda s: (s.start, s.speaker)
        )
        return TranscribedPiece(
            model=model.name,
            start_seconds=start / info.sample_rate,
            end_seconds=position / info.sample_rate,
            duration_seconds=info.duration_seconds,
            segments=tuple(segments),
        )

    def _piece_limit(self, info: wav.WavInfo, start: int, piece_seconds: float | None) -> int:
        """Where the piece may stop: its last window ends at the first quiet cut past this."""
        if piece_seconds is None:
            return info.frames
        piece = round(piece_seconds * info.sample_rate)
        if info.frames - start <= piece * LAST_PIECE_STRETCH:
            return info.frames
        return start + piece

    def _window(self, info: wav.WavInfo, channels: list[_Channel], start: int) -> int:
        """Feed every channel's voiced regions from ``start`` to the window's quiet cut;
        returns the cut (the file's end for the last window)."""
        nominal = round(self.window_seconds * info.sample_rate)
        per_level = max(1, round(info.sample_rate * wav.LEVEL_FRAME_SECONDS))
        if info.frames - start <= nominal * LAST_PIECE_STRETCH:
            end = info.frames
            levels = wav.levels(info, start, end)
        else:
            earliest, latest = (start + round(nominal * f) for f in CUT_WINDOW)
            levels = wav.levels(info, start, latest)
            offset = (earliest - start) // per_level
            cut = activity.quiet_cut(levels, offset, len(levels[0]) - 1)
            end = start + cut * per_level
            levels = [channel[:cut] for channel in levels]
        for channel, channel_levels in zip(channels, levels, strict=True):
            for a, b in activity.voiced_regions(channel_levels):
                channel.feed(
                    start + a * per_level, min(end, start + b * per_level), self.chunk_frames
                )
        return end
