"""Vosk's results (the JSON shape documented by vosk-api's examples) as speaker segments."""

import json

from ivr.adapters.speech.results import segment_from_result
from ivr.core.transcripts import Word

RESULT = json.dumps(
    {
        "result": [
            {"conf": 0.9, "end": 1.2, "start": 0.9, "word": "네"},
            {"conf": 0.51234, "end": 1.74, "start": 1.32, "word": "요금"},
        ],
        "text": "네 요금",
    }
)


def test_a_result_becomes_one_segment_of_its_speaker_with_timed_words() -> None:
    segment = segment_from_result(RESULT, speaker="agent")
    assert segment is not None
    assert segment.speaker == "agent"
    assert (segment.start, segment.end) == (0.9, 1.74)
    assert segment.words == (Word("네", 0.9, 1.2, 0.9), Word("요금", 1.32, 1.74, 0.512))


def test_words_are_moved_onto_the_recordings_clock() -> None:
    segment = segment_from_result(RESULT, speaker="customer", shift_seconds=60.5)
    assert segment is not None
    assert (segment.start, segment.end) == (61.4, 62.24)
    assert segment.words[1].start == 61.82


def test_silence_gives_no_segment() -> None:
    assert segment_from_result('{"text": ""}', speaker="customer") is None
    assert segment_from_result({"result": [], "text": ""}, speaker="customer") is None
