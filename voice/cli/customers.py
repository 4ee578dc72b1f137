"""`voice customers import FILE` and `export`: known callers (names for whispers and pops)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("customers")
def customers() -> None:
    """Known callers."""


@customers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import FILE (CSV: phone,name,email); nothing is written if any row has a problem."""
    from voice.cli import fail
    from voice.settings import Settings
    from voice.store.customers import import_customers
    from voice.store.db import Database

    database = Database.from_settings(Settings())
    database.upgrade()
    with database.session() as s:
        report = import_customers(s, file.read_text(encoding="utf-8-sig"))
    if not report.ok:
        for error in report.errors:
            click.secho(f"{file}: {error}", fg="red", err=True)
        fail(f"{len(report.errors)} problem(s) in {file}; nothing was imported")
    click.echo(f"{file}: {report.added} customers added, {report.updated} updated")


@customers.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(file: Path) -> None:
    """Write every customer to FILE as CSV (phone,name,email): it imports back unchanged."""
    import sqlalchemy as sa

    from voice.settings import Settings
    from voice.store.customers import customers_csv
    from voice.store.db import Database
    from voice.store.models import Customer

    database = Database.from_settings(Settings())
    database.upgrade()
    with database.session() as s:
        found = s.scalars(sa.select(Customer).order_by(Customer.name, Customer.id)).all()
        text = customers_csv(found)
    file.write_text(text, encoding="utf-8", newline="")
    click.echo(f"{file}: {len(found)} customers")


def register(group: click.Group) -> None:
    """Add `voice customers` to the CLI."""
    group.add_command(customers)
