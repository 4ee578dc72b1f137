"""The store: migrations apply, SQLite runs in WAL mode, times come back aware in UTC."""

import datetime as dt

import pytest
import sqlalchemy as sa

from voice.store.db import Database
from voice.store.models import Call


def test_migrations_create_every_table(db):
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {
        "calls",
        "turns",
        "decisions",
        "transfers",
        "call_events",
        "customers",
        "orders",
        "alembic_version",
    } <= tables


def test_upgrade_is_idempotent(db):
    db.upgrade()
    db.upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def test_sqlite_runs_in_wal_mode(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'v.db'}")
    with database.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    database.dispose()


def test_times_are_stored_and_read_back_as_aware_utc(db):
    local = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    with db.session() as s:
        s.add(Call(sid="CA1", from_number="+1", to_number="+2", callflow="x", started_at=local))
    with db.session() as s:
        started = s.scalars(sa.select(Call.started_at)).one()
    assert started.tzinfo is not None
    assert started == local and started.utcoffset() == dt.timedelta(0)


def test_naive_datetimes_are_refused_rather_than_guessed(db):
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), db.session() as s:
        s.add(
            Call(
                sid="CA2",
                from_number="+1",
                to_number="+2",
                callflow="x",
                started_at=dt.datetime(2026, 1, 1),
            )
        )
        s.flush()


def test_ping_reports_an_unreachable_database():
    assert not Database("postgresql+psycopg://nobody@127.0.0.1:1/none").ping()


def test_migrations_match_the_models_exactly(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from voice.store.models import Base

    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
