"""``ivr models download <lang>``: a model from Vosk's published list, checked and unpacked.

Vosk publishes its models in ``model-list.json`` (``lang``, ``name``, ``url``, ``md5``,
``size``, ``type`` small/big, ``obsolete``). For a language we take a current model, a
``small`` one first (it fits a telephone worker's memory and keeps up in real time), the
newest version among equals. The zip is streamed to disk beside the target (never held in
memory), its size and MD5 checked against the list, unpacked into a temporary folder there
(refusing any member that would land outside it), and only then renamed to
``VOSK_MODEL_PATH/vosk-model-<lang>``: a worker never sees a half-unpacked model.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import requests

from ivr.adapters.speech.models import FOLDER_PREFIX, InstalledModel, looks_like_model
from ivr.core.transcription import primary_language

MODEL_LIST_URL = "https://alphacephei.com/vosk/models/model-list.json"
TIMEOUT_SECONDS = 15


class DownloadError(Exception):
    """The model could not be fetched or did not check out; the message says what to do."""


def choose(entries: list[dict[str, Any]], language: str) -> dict[str, Any] | None:
    wanted = primary_language(language)
    current = [
        e
        for e in entries
        if primary_language(str(e.get("lang", ""))) == wanted
        and str(e.get("obsolete", "false")).lower() != "true"
        and e.get("url")
    ]
    if not current:
        return None

    def rank(entry: dict[str, Any]) -> tuple[int, tuple[int, ...]]:
        version = tuple(int(p) for p in str(entry.get("version", "0")).split(".") if p.isdigit())
        return (0 if entry.get("type") == "small" else 1, tuple(-v for v in version))

    return sorted(current, key=rank)[0]


def download(language: str, model_path: Path, *, list_url: str = MODEL_LIST_URL) -> InstalledModel:
    language = primary_language(language)
    entries = _model_list(list_url, model_path, language)
    entry = choose(entries, language)
    if entry is None:
        languages = sorted({primary_language(str(e.get("lang", ""))) for e in entries})
        raise DownloadError(
            f"{list_url} has no current model for {language!r}; it has: {', '.join(languages)}"
        )
    model_path.mkdir(parents=True, exist_ok=True)
    target = model_path / f"{FOLDER_PREFIX}{language}"
    with tempfile.TemporaryDirectory(prefix=".download-", dir=model_path) as scratch:
        archive = Path(scratch) / "model.zip"
        _fetch(entry, archive)
        unpacked = Path(scratch) / "unpacked"
        root = _unpack(archive, unpacked, str(entry["url"]))
        if target.exists():
            shutil.rmtree(target)
        root.rename(target)
    return InstalledModel(language, target.name, target, "VOSK_MODEL_PATH")


def _model_list(list_url: str, model_path: Path, language: str) -> list[dict[str, Any]]:
    try:
        response = requests.get(list_url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        entries = response.json()
    except requests.RequestException as error:
        raise DownloadError(
            f"cannot read Vosk's model list at {list_url} ({type(error).__name__}); without "
            f"the internet, unpack a model from https://alphacephei.com/vosk/models into "
            f"{model_path / (FOLDER_PREFIX + language)}"
        ) from error
    except ValueError as error:
        raise DownloadError(f"{list_url} did not answer with JSON ({error})") from error
    if not isinstance(entries, list):
        raise DownloadError(f"{list_url}: expected a JSON list of models")
    return [e for e in entries if isinstance(e, dict)]


def _fetch(entry: dict[str, Any], archive: Path) -> None:
    url = str(entry["url"])
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT_SECONDS) as response:
            response.raise_for_status()
            with archive.open("wb") as out:
                for block in response.iter_content(1 << 20):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
    except requests.RequestException as error:
        raise DownloadError(f"cannot download {url} ({type(error).__name__}: {error})") from error
    expected_size = entry.get("size")
    if expected_size and int(expected_size) != size:
        raise DownloadError(f"{url}: got {size} bytes, the model list says {expected_size}")
    expected_md5 = str(entry.get("md5") or "").lower()
    if expected_md5 and digest.hexdigest() != expected_md5:
        raise DownloadError(
            f"{url}: MD5 {digest.hexdigest()} does not match the model list's {expected_md5}"
        )


def _unpack(archive: Path, into: Path, url: str) -> Path:
    """Unpack safely; the model's folder (the zip's single top folder, or its root)."""
    into.mkdir()
    try:
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.infolist():
                destination = (into / member.filename).resolve()
                if not destination.is_relative_to(into.resolve()):
                    raise DownloadError(f"{url}: member {member.filename!r} escapes the folder")
            bundle.extractall(into)
    except zipfile.BadZipFile as error:
        raise DownloadError(f"{url}: not a zip archive ({error})") from error
    tops = [p for p in into.iterdir() if not p.name.startswith(".")]
    root = tops[0] if len(tops) == 1 and tops[0].is_dir() else into
    if not looks_like_model(root):
        raise DownloadError(f"{url}: the archive holds no Vosk model (no am/ or conf/model.conf)")
    return root
