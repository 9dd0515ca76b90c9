"""``ivr models``, ``ivr transcripts`` and ``ivr transcriber``: speech models and transcripts.

``models list`` and ``models check`` need only ``VOSK_MODEL_PATH`` (not the rest of the
configuration), so they work on a fresh install before anything else is set up.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ivr import instance_path
from ivr.config import ConfigError


def _model_path() -> Path:
    from ivr.config import recording_settings

    try:
        return recording_settings(os.environ, instance_path()).model_path or Path("models")
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error


def _services():
    from ivr.bootstrap import build_services
    from ivr.config import load_settings

    return build_services(load_settings(instance_path=instance_path()))


def _size(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


@click.group("models")
def models() -> None:
    """Vosk speech models: VOSK_MODEL_PATH/vosk-model-<lang>, or Python packages."""


@models.command("list")
def models_list() -> None:
    """Each language with a model: its folder, where it was found, its size on disk."""
    from ivr.adapters.speech.models import installed_models

    path = _model_path()
    found = installed_models(path)
    if not found:
        click.echo(f"no speech models in {path} or installed as packages")
        return
    for language, model in sorted(found.items()):
        click.echo(
            f"{language}\t{model.name}\t{_size(model.size_bytes())}\t{model.source}\t{model.path}"
        )


@models.command("check")
def models_check() -> None:
    """Load every model; exit 1 naming each one that does not load."""
    import time

    from ivr.adapters.speech.models import installed_models, load_model
    from ivr.core.transcription import ModelBroken

    path = _model_path()
    found = installed_models(path)
    if not found:
        raise click.ClickException(f"no speech models in {path} or installed as packages")
    broken = 0
    for language, model in sorted(found.items()):
        started = time.monotonic()
        try:
            load_model(model)
        except ModelBroken as error:
            broken += 1
            click.echo(f"{language}: BROKEN: {error}", err=True)
            continue
        click.echo(f"{language}: {model.name} loads ({time.monotonic() - started:.1f} s)")
    if broken:
        raise SystemExit(1)


@models.command("download")
@click.argument("language")
@click.option(
    "--list-url",
    default=None,
    help="Vosk's model list (default https://alphacephei.com/vosk/models/model-list.json).",
)
def models_download(language: str, list_url: str | None) -> None:
    """Fetch LANGUAGE's model into VOSK_MODEL_PATH (needs the internet), then queue again the
    transcripts that were waiting for it."""
    from ivr.adapters.speech.download import MODEL_LIST_URL, DownloadError, download

    try:
        model = download(language, _model_path(), list_url=list_url or MODEL_LIST_URL)
    except DownloadError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{model.language}: installed {model.path} ({_size(model.size_bytes())})")
    try:
        built = _services()
    except ConfigError as error:
        click.echo(f"not queued again ({error}): `ivr transcripts retry` will, or a transcriber")
        return
    try:
        queued = built.transcription.requeue_waiting()
    finally:
        built.close()
    click.echo(f"{len(queued)} transcript(s) waiting for a model queued again")


@click.group("transcripts")
def transcripts() -> None:
    """Recordings' transcripts."""


@transcripts.command("retry")
@click.option("--failed", is_flag=True, help="Also those whose every attempt failed.")
def transcripts_retry(failed: bool) -> None:
    """Queue again the transcripts waiting for a model that is now installed."""
    try:
        built = _services()
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error
    try:
        queued = built.transcription.requeue_waiting(failed=failed)
    finally:
        built.close()
    click.echo(f"{len(queued)} transcript(s) queued again" + (f": {queued}" if queued else ""))


@click.command("transcriber")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
def transcriber(burst: bool) -> None:
    """An RQ worker on transcribe-high then transcribe, models loaded once before forking."""
    from workers.transcriber import run_transcriber

    try:
        run_transcriber(burst=burst)
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error


def register(main: click.Group) -> None:
    for command in (models, transcripts, transcriber):
        main.add_command(command)
