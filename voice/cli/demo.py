"""`voice demo`: data that lets a new user try the line at once."""

from __future__ import annotations

import click


@click.group("demo")
def demo() -> None:
    """Demo data (always flagged, never mixed with real callers)."""


@demo.command("seed")
def seed() -> None:
    """Create the demo customers and orders used by the shipped callflow."""
    from voice.settings import Settings
    from voice.store.db import Database
    from voice.store.demo import DEMO_CUSTOMERS, seed_customers

    database = Database(Settings().effective_database_url)
    database.upgrade()
    added = seed_customers(database)
    click.echo(f"demo customers: {added} added, {len(DEMO_CUSTOMERS)} in all")
    click.echo("try: voice call --text 'where is my order' --from +15555550100")


def register(group: click.Group) -> None:
    """Add `voice demo` to the CLI."""
    group.add_command(demo)
