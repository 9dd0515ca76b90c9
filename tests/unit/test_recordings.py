"""Recordings: what a callback means, where its audio goes, how it is written and pruned."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from ivr.adapters.recording_store import RecordingStore, StorageError
from ivr.core.recordings import (
    BadRecordingReport,
    RecordingKind,
    check_recording_sid,
    is_wav_header,
    kind_of,
    prune_before,
    storage_path,
)
from ivr.web.links import PublicUrls

SID = "RE" + "0123456789abcdef" * 2
WHEN = datetime(2026, 3, 7, 23, 59, tzinfo=UTC)


def test_the_kind_our_url_names_wins_over_the_carriers_source() -> None:
    assert kind_of("reason", "RecordVerb") == RecordingKind.REASON
    assert kind_of("call", None) == RecordingKind.CALL


def test_without_a_kind_a_dial_recording_is_a_call_and_anything_else_a_voicemail() -> None:
    assert kind_of(None, "DialVerb") == RecordingKind.CALL
    assert kind_of(None, "RecordVerb") == RecordingKind.VOICEMAIL
    assert kind_of(None, None) == RecordingKind.VOICEMAIL


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(BadRecordingReport, match="kind 'podcast' is not one of call"):
        kind_of("podcast", "DialVerb")


@pytest.mark.parametrize(
    "sid", ["", "RE123", "../../etc/passwd", "CA" + "0" * 32, SID + "0", SID[:-1] + "/"]
)
def test_only_twilios_recording_sid_shape_can_name_a_file(sid: str) -> None:
    with pytest.raises(BadRecordingReport, match="RecordingSid"):
        check_recording_sid(sid)


def test_audio_is_filed_by_year_and_month_of_the_report() -> None:
    assert storage_path(SID, WHEN) == f"2026/03/{SID}.wav"


def test_the_recording_status_url_carries_the_kind_in_its_signed_query() -> None:
    links = PublicUrls("https://ivr.example.com")
    assert links.recording_status() == "https://ivr.example.com/voice/recording"
    assert (
        links.recording_status(kind="call") == "https://ivr.example.com/voice/recording?kind=call"
    )


def test_pruning_keeps_n_days_and_refuses_to_keep_none() -> None:
    assert prune_before(WHEN, 30) == WHEN - timedelta(days=30)
    with pytest.raises(ValueError, match="would prune everything"):
        prune_before(WHEN, 0)


def test_only_a_riff_wave_header_is_a_wav() -> None:
    assert is_wav_header(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    assert not is_wav_header(b"<html><body>")
    assert not is_wav_header(b"RIFF")


def chunks(data: bytes, size: int = 7):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_written_file_has_the_checksum_of_every_byte_streamed(tmp_path) -> None:
    store = RecordingStore(tmp_path)
    data = b"RIFF" + bytes(range(256)) * 300
    written = store.write(f"2026/03/{SID}.wav", chunks(data), max_bytes=10**6)
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert written.size_bytes == len(data)
    assert (tmp_path / "2026" / "03" / f"{SID}.wav").read_bytes() == data
    assert store.matches(written.path, written.sha256, written.size_bytes)
    assert list((tmp_path / "2026" / "03").iterdir()) == [tmp_path / "2026" / "03" / f"{SID}.wav"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path) -> None:
    store = RecordingStore(tmp_path)
    path = f"2026/03/{SID}.wav"
    first = store.write(path, [b"first version"], max_bytes=100)

    def broken():
        yield b"half of a new"
        raise OSError("connection reset")

    with pytest.raises(OSError, match="connection reset"):
        store.write(path, broken(), max_bytes=100)
    with pytest.raises(StorageError, match="larger than 10 bytes"):
        store.write(path, [b"0123456789ABC"], max_bytes=10)
    assert store.matches(path, first.sha256, first.size_bytes)
    assert [p.name for p in (tmp_path / "2026" / "03").iterdir()] == [f"{SID}.wav"]


def test_a_changed_or_missing_file_no_longer_matches(tmp_path) -> None:
    store = RecordingStore(tmp_path)
    written = store.write(f"2026/03/{SID}.wav", [b"RIFF....WAVE"], max_bytes=100)
    (tmp_path / written.path).write_bytes(b"RIFF....WAVF")
    assert not store.matches(written.path, written.sha256, written.size_bytes)
    assert store.delete(written.path) is True
    assert store.delete(written.path) is False  # pruning twice is no error
    assert not store.matches(written.path, written.sha256, written.size_bytes)


@pytest.mark.parametrize("path", ["../outside.wav", "/etc/passwd", "2026/../../x.wav", ""])
def test_a_stored_path_cannot_leave_the_recordings_directory(tmp_path, path: str) -> None:
    with pytest.raises(StorageError, match="outside the recordings directory"):
        RecordingStore(tmp_path).absolute(path)
