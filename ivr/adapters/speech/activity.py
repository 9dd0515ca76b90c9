"""Where the speech is: voiced regions of a channel, and a quiet moment to end a piece at.

Pure functions over per-10 ms peak levels (``wav.levels``). Two uses:

- Only voiced regions are fed to the recogniser. Silence is not free for Vosk (measured on the
  Korean model at 8 kHz: about 0.10 s of CPU per second of digital silence, against 0.28 for
  speech), and in a two-channel call each side is silent while the other speaks, so skipping
  it is most of the way to the real-time target. Word timestamps are mapped back to the
  recording's clock, so nothing downstream sees the gaps.
- A long recording is cut into pieces at a moment when every channel is quiet, so no word is
  split between two jobs.

The threshold is deliberately low (-36 dBFS peak): telephone speech peaks far above it, and
the regions are padded so that soft word onsets and endings reach the recogniser.
"""

from __future__ import annotations

from collections.abc import Sequence

SPEECH_LEVEL = 512
"""Peak magnitude (of 32767) at or above which a 10 ms frame may hold speech."""
PAD_LEVELS = 30
"""0.3 s of context kept on each side of the speech in a region."""
BRIDGE_LEVELS = 80
"""Quiet gaps shorter than 0.8 s stay inside one region: the pauses between words and
sentences are Vosk's to judge (its endpointing makes the segments)."""


def voiced_regions(
    levels: Sequence[int],
    *,
    threshold: int = SPEECH_LEVEL,
    pad: int = PAD_LEVELS,
    bridge: int = BRIDGE_LEVELS,
) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` ranges of level frames worth recognising, padded, merged
    when closer than ``bridge``, clipped to ``len(levels)``; empty for silence."""
    regions: list[tuple[int, int]] = []
    run_start: int | None = None
    for index, level in enumerate((*levels, 0)):
        loud = level >= threshold and index < len(levels)
        if loud and run_start is None:
            run_start = index
        elif not loud and run_start is not None:
            start, end = max(0, run_start - pad), min(len(levels), index + pad)
            if regions and start - regions[-1][1] < bridge:
                regions[-1] = (regions[-1][0], end)
            else:
                regions.append((start, end))
            run_start = None
    return regions


def quiet_cut(
    channels: Sequence[Sequence[int]],
    earliest: int,
    latest: int,
    *,
    threshold: int = SPEECH_LEVEL,
) -> int:
    """A level frame in ``[earliest, latest]`` to end a piece at: the middle of the longest
    stretch where every channel is below ``threshold``, else the quietest frame."""
    length = min(len(c) for c in channels) if channels else 0
    latest = min(latest, length - 1)
    if latest < earliest:
        return max(earliest, 0)
    combined = [max(c[i] for c in channels) for i in range(earliest, latest + 1)]
    best_start, best_length, run_start = -1, 0, None
    for offset, level in enumerate((*combined, threshold)):
        if level < threshold and offset < len(combined):
            if run_start is None:
                run_start = offset
        elif run_start is not None:
            if offset - run_start > best_length:
                best_start, best_length = run_start, offset - run_start
            run_start = None
    if best_length:
        return earliest + best_start + best_length // 2
    return earliest + min(range(len(combined)), key=combined.__getitem__)
