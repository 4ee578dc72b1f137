"""`voice models`: where speech models are, which are installed, and downloading official ones."""

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
    """Find, list and download Vosk speech models."""


@models.command("download")
@click.argument("language")
@click.option(
    "--size",
    default="small",
    show_default=True,
    help="Model type from the official list: small, big or big-lgraph.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Install into this folder instead of MODELS_DIR.",
)
@click.option("--quiet", is_flag=True, help="Do not show a progress bar.")
def download(language: str, size: str, directory: Path | None, quiet: bool) -> None:
    """Download, verify and install the official Vosk model for LANGUAGE (en-us, ko, …)."""
    from voice.speech.download import download_model

    settings = Settings()
    try:
        path = download_model(language, settings, size, progress=not quiet, models_dir=directory)
    except VoiceError as exc:
        _fail(exc)
        return
    click.echo(f"{language}: installed {path}")
    if directory and directory.resolve() != settings.models_dir.resolve():
        var = "VOSK_MODEL_" + language.upper().replace("-", "_")
        click.echo(f"To use it, set MODELS_DIR={directory} or {var}={path}")


@models.command("where")
@click.argument("language")
def where(language: str) -> None:
    """Show which model LANGUAGE would use, or where it looked and how to get one."""
    from voice.errors import ModelMissing
    from voice.speech.models import find_model

    try:
        click.echo(find_model(language, Settings()))
    except ModelMissing as exc:
        _fail(exc)


@models.command("list")
def list_models() -> None:
    """List the models installed in every place voice looks."""
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


def register(group: click.Group) -> None:
    """Add the `models` command group to the `voice` command."""
    group.add_command(models)
