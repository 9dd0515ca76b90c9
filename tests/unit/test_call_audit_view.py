"""The call page's read model: a transcript as turns of words with their times, and plain
words for whatever cannot be played or read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr.core.call_audit import RecordedAudio, clock_time, in_audit_order, transcript_lines
from ivr.core.transcripts import Segment, Word


def seg(speaker: str, *words: tuple[str, float, float]) -> Segment:
    timed = tuple(Word(text, start, end, 0.9) for text, start, end in words)
    return Segment(
        speaker, timed[0].start if timed else 0.0, timed[-1].end if timed else 0.0, timed
    )


def test_both_channels_are_interleaved_by_time_a_line_per_turn() -> None:
    lines = transcript_lines(
        [
            seg("agent", ("hello", 0.5, 0.9), ("there", 1.0, 1.3)),
            seg("customer", ("my", 2.0, 2.2), ("bill", 2.3, 2.7)),
            seg("agent", ("sure", 4.0, 4.4)),
        ]
    )
    assert [(line.speaker, line.text) for line in lines] == [
        ("agent", "hello there"),
        ("customer", "my bill"),
        ("agent", "sure"),
    ]
    assert lines[1].words[1] == Word("bill", 2.3, 2.7, 0.9)


def test_a_speakers_stretches_close_together_are_one_turn_far_apart_two() -> None:
    lines = transcript_lines(
        [
            seg("customer", ("my", 0.0, 0.3)),
            seg("customer", ("bill", 1.0, 1.4)),  # 0.7 s later: the same breath
            seg("customer", ("again", 9.0, 9.4)),  # 7.6 s later: a new turn
        ]
    )
    assert [(line.text, line.start, line.end) for line in lines] == [
        ("my bill", 0.0, 1.4),
        ("again", 9.0, 9.4),
    ]


def test_segments_without_words_are_left_out() -> None:
    assert transcript_lines([seg("agent"), seg("customer", ("hi", 1.0, 1.2))])[0].text == "hi"
    assert transcript_lines([]) == ()


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (65.3, "1:05"), (3725, "1:02:05"), (-1, "0:00")]
)
def test_a_time_reads_as_a_player_shows_it(seconds: float, shown: str) -> None:
    assert clock_time(seconds) == shown


def audio(**changes) -> RecordedAudio:
    values = dict(
        recording_sid="RE1",
        kind="call",
        status="stored",
        duration_seconds=4,
        stored=True,
        pruned_at=None,
        transcript_status="done",
        segments=(seg("customer", ("hi", 0.1, 0.4)),),
    )
    return RecordedAudio(**{**values, **changes})


def test_stored_audio_with_a_transcript_plays_and_reads() -> None:
    recording = audio()
    assert recording.playable and recording.audio_problem is None
    assert recording.transcript_problem is None and recording.lines[0].text == "hi"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        (
            {"status": "pruned", "stored": False, "pruned_at": datetime(2026, 3, 1, tzinfo=UTC)},
            "The audio was deleted on 2026-03-01 after the retention period; "
            "the transcript is kept.",
        ),
        ({"status": "reported", "stored": False}, "The audio is not downloaded yet"),
        ({"status": "failed", "stored": False}, "could not be downloaded from the carrier"),
        ({"status": "absent", "stored": False}, "The carrier made no audio"),
        ({"stored": False}, "The audio file is missing"),
    ],
)
def test_audio_that_cannot_be_played_says_why(changes: dict, says: str) -> None:
    recording = audio(**changes)
    assert not recording.playable
    assert says in recording.audio_problem


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"transcript_status": "pending"}, "The transcript is pending"),
        (
            {"transcript_status": "no-model", "language": "en"},
            "No speech model for en is installed",
        ),
        (
            {"transcript_status": "failed", "transcript_error": "bad wav"},
            "Transcription failed: bad wav",
        ),
        ({"segments": ()}, "The transcript is empty"),
    ],
)
def test_a_transcript_that_cannot_be_read_says_why(changes: dict, says: str) -> None:
    recording = audio(**changes)
    assert recording.lines == ()
    assert says in recording.transcript_problem


def test_the_conversation_comes_before_the_message_and_the_reason_clip() -> None:
    ordered = in_audit_order(
        [audio(recording_sid="R", kind="reason"), audio(recording_sid="C", kind="call")]
    )
    assert [r.recording_sid for r in ordered] == ["C", "R"]
