"""`voice purge`: remove callers' words, recordings and numbers from calls past retention."""

from __future__ import annotations

import click


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@click.option(
    "--before-days",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Purge calls older than N days on every line, instead of each line's retention_days.",
)
def purge(dry_run: bool, before_days: int | None) -> None:
    """Purge calls older than their line's retention_days (RETENTION_DAYS by default).

    Transcripts, key presses, whispers, notes, timeline words, recordings' URLs and caller
    numbers go; outcomes, intents, reasons, timings and scores stay, so the dashboards' old
    months keep their figures. `voice serve` also runs this every PURGE_INTERVAL_S seconds.
    """
    from voice.calls.lines import Lines
    from voice.calls.retention import describe, purge_old
    from voice.settings import Settings
    from voice.store.db import Database
    from voice.store.models import utcnow

    settings = Settings()
    database = Database.from_settings(settings)
    database.upgrade()
    lines = Lines(settings.callflows_dir, settings.default_callflow)
    lines.load()
    key = settings.dev_secrets()["secret_key"]  # the service's key: the same caller stand-ins
    try:
        done = purge_old(database, lines, settings.retention_days, utcnow(), key=key,
                         before_days=before_days, dry_run=dry_run)  # fmt: skip
    finally:
        database.dispose()
    verb = "would purge" if dry_run else "purged"
    for name, counts in done.items():
        what = describe(counts) if counts["calls"] or counts["callbacks"] else "nothing"
        click.echo(f"{name}: calls older than {counts['days']} days: {verb} {what}")
    if not done:
        click.echo("no lines and no calls: nothing to purge")


def register(group: click.Group) -> None:
    """Add `voice purge` to the CLI."""
    group.add_command(purge)
