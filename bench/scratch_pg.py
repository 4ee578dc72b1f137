"""A scratch PostgreSQL database for the benchmarks that compare it with SQLite in one run."""

from __future__ import annotations

import sqlalchemy as sa


def fresh_database(url: str) -> bool:
    """Drop and recreate the database `url` names; False when no server answers."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        return True
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    """Drop the database `url` names, closing its connections."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()
