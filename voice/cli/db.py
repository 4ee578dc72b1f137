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
    from voice.store.db import Database

    database = Database(Settings().effective_database_url)
    database.upgrade()
    click.echo(f"database is up to date: {_safe(database.url)}")


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def register(group: click.Group) -> None:
    """Add `voice db` to the CLI."""
    group.add_command(db)
