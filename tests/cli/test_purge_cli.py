"""`voice purge [--dry-run] [--before-days N]`: what it removed, per line."""

import datetime as dt

import sqlalchemy as sa
from analytics_rows import add_call

from voice.calls.retention import anonymise
from voice.store.models import Call, Turn, utcnow

from conftest import ROOT

KEY = "cli-purge-key"


def calls(db, *ages_days):
    with db.session() as s:
        return [
            add_call(s, at=utcnow() - dt.timedelta(days=age), number=f"+1512555{i:04d}",
                     said="my email is jane at example dot com").id
            for i, age in enumerate(ages_days)
        ]  # fmt: skip


def stored(db):
    with db.session() as s:
        numbers = dict(s.execute(sa.select(Call.id, Call.from_number)).all())
        said = dict(s.execute(sa.select(Turn.call_id, Turn.transcript)).all())
    return numbers, said


def test_purge_prints_what_it_removed_per_line_and_a_dry_run_changes_nothing(
    voice, db, database_url, tmp_path
):
    old, recent = calls(db, 120, 10)
    env = {"DATABASE_URL": database_url, "CALLFLOWS_DIR": str(ROOT / "callflows"),
           "SECRET_KEY": KEY, "VAR_DIR": str(tmp_path / "var")}  # fmt: skip
    before = stored(db)
    dry = voice("purge", "--dry-run", **env)
    assert dry.exit_code == 0, dry.output
    assert "acme-outfitters: calls older than 90 days: would purge 1 calls (1 turns" in dry.output
    assert stored(db) == before
    done = voice("purge", **env)
    assert done.exit_code == 0, done.output
    assert "acme-outfitters: calls older than 90 days: purged 1 calls (1 turns" in done.output
    numbers, said = stored(db)
    assert numbers[old] == anonymise("+15125550000", KEY) and said[old] == "[purged]"
    assert numbers[recent] == "+15125550001" and "jane" in said[recent]
    again = voice("purge", **env)
    assert "acme-outfitters: calls older than 90 days: purged nothing" in again.output


def test_before_days_purges_younger_calls_on_every_line_and_must_be_a_day_or_more(
    voice, db, database_url, tmp_path
):
    old, recent = calls(db, 120, 10)
    env = {"DATABASE_URL": database_url, "CALLFLOWS_DIR": str(ROOT / "callflows"),
           "SECRET_KEY": KEY, "VAR_DIR": str(tmp_path / "var")}  # fmt: skip
    refused = voice("purge", "--before-days", "0", **env)
    assert refused.exit_code == 2 and "--before-days" in refused.output
    done = voice("purge", "--before-days", "7", **env)
    assert done.exit_code == 0, done.output
    assert "calls older than 7 days: purged 2 calls" in done.output
    assert all(n.startswith("anon:") for n in stored(db)[0].values())
