"""`voice` command line: one module per command group, registered here."""

from __future__ import annotations

import importlib
import logging

import click

from voice.errors import VoiceError

# Each module defines click commands and a `register(group)` function.
_COMMAND_MODULES = (
    "serve",
    "db",
    "flow",
    "models",
    "call",
    "demo",
    "users",
    "agents",
    "customers",
    "purge",
)


@click.group()
@click.option("--log-level", default=None, help="Override LOG_LEVEL (DEBUG, INFO, WARNING).")
def main(log_level: str | None) -> None:
    """Run and operate the voice service."""
    from voice.settings import Settings

    level = log_level or Settings().log_level
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if level.upper() != "DEBUG":  # migration chatter is noise at the command line
        logging.getLogger("alembic").setLevel(logging.WARNING)


def fail(error: VoiceError | str, code: int = 1) -> None:
    """Print an error the way every command does and exit non-zero."""
    click.secho(f"error: {error}", fg="red", err=True)
    raise SystemExit(code)


for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"voice.cli.{_name}")
    except ModuleNotFoundError as exc:  # a command group not written yet
        if exc.name != f"voice.cli.{_name}":
            raise
        continue
    _module.register(main)
