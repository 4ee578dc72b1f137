"""A scratch PostgreSQL database for the benchmarks that compare it with SQLite in one run."""

from __future__ import annotations

import sqlalchemy as sa


def _on_server(url: str, *statements: str) -> None:
    """Run `statements` (with {db} for the database `url` names) on its server's `postgres`."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement.format(db=target.database)))
    finally:
        admin.dispose()


def fresh_database(url: str) -> bool:
    """Drop and recreate the database `url` names; False when no server answers."""
    try:
        _on_server(url, 'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', 'CREATE DATABASE "{db}"')
        return True
    except sa.exc.SQLAlchemyError:
        return False


def drop_database(url: str) -> None:
    """Drop the database `url` names, closing its connections."""
    _on_server(url, 'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
