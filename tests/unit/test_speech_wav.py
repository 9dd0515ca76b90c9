"""Reading recordings: channels apart, a chunk at a time, bad files refused with a reason."""

import array
import wave
from pathlib import Path

import pytest

from ivr.adapters.speech import wav
from ivr.core.transcription import BadAudio
from tests.speech import write_wav


def ramp(start: int, count: int) -> array.array:
    return array.array("h", range(start, start + count))


def test_two_channels_are_read_apart(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "call.wav", [ramp(0, 1000), ramp(-1000, 1000)])
    info = wav.inspect(path)
    assert (info.channels, info.sample_rate, info.frames) == (2, 8000, 1000)
    left = b"".join(wav.channel_chunks(info, 0, 0, info.frames))
    right = b"".join(wav.channel_chunks(info, 1, 0, info.frames))
    assert array.array("h", left) == ramp(0, 1000)
    assert array.array("h", right) == ramp(-1000, 1000)


def test_a_channel_is_streamed_in_chunks_no_bigger_than_asked(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "call.wav", [ramp(0, 10_000), ramp(0, 10_000)])
    info = wav.inspect(path)
    chunks = list(wav.channel_chunks(info, 1, 2_500, 9_000, chunk_frames=1_000))
    assert [len(c) // 2 for c in chunks] == [1000] * 6 + [500]
    assert array.array("h", b"".join(chunks)) == ramp(2_500, 6_500)


def test_levels_are_peaks_per_10_ms(tmp_path: Path) -> None:
    loud = array.array("h", [0] * 80 + [-3000] + [0] * 79 + [0] * 80)
    path = write_wav(tmp_path / "v.wav", [loud])
    assert wav.levels(wav.inspect(path), 0, 240) == [[0, 3000, 0]]


def test_a_file_that_is_not_a_wav_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("not audio")
    with pytest.raises(BadAudio, match="notes.wav: not a PCM WAV file"):
        wav.inspect(path)


def test_8_bit_audio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "eight.wav"
    with wave.open(str(path), "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(1)
        target.setframerate(8000)
        target.writeframes(bytes(800))
    with pytest.raises(BadAudio, match="8-bit samples; only 16-bit PCM"):
        wav.inspect(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadAudio, match="the recording's file is missing"):
        wav.inspect(tmp_path / "gone.wav")
