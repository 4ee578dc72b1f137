"""`voice settings`: where this `voice` keeps its state, and which settings file it read."""

from __future__ import annotations

import click


@click.command("settings")
def settings() -> None:
    """Show the settings file, folders and database in use (the same from any directory)."""
    from voice.settings import Settings, settings_file_candidates, source_checkout
    from voice.store.db import normalise_url, safe_url

    current = Settings()
    checkout = source_checkout()
    looked = ", ".join(str(p) for p in settings_file_candidates())
    rows = [
        ("installed", f"source checkout {checkout}" if checkout else "as a package"),
        ("settings file", current.config_file or f"none (looked for {looked})"),
        ("VAR_DIR", current.var_dir),
        ("CALLFLOWS_DIR", current.callflows_dir),
        ("MODELS_DIR", current.models_dir),
        ("DATABASE_URL", safe_url(normalise_url(current.effective_database_url))),
        ("LOG_LEVEL", current.log_level),
    ]
    for name, value in rows:
        click.echo(f"{name + ':':<15} {value}")


def register(group: click.Group) -> None:
    """Add `voice settings` to the CLI."""
    group.add_command(settings)
