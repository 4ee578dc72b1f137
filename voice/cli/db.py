"""`voice db`: schema migrations."""

from __future__ import annotations

import click


@click.group("db")
def db() -> None:
    """Manage the database schema (Alembic migrations)."""


@db.command("upgrade")
def upgrade() -> None:
    """Apply every migration to DATABASE_URL (SQLite under var/ by default)."""
    from voice.settings import Settings
    from voice.store.db import Database, safe_url

    settings = Settings()
    database = Database(settings.effective_database_url, var_dir=settings.var_dir)
    database.upgrade()
    click.echo(f"database is up to date: {safe_url(database.url)}")


def register(group: click.Group) -> None:
    """Add `voice db` to the CLI."""
    group.add_command(db)
