"""Customers from CSV: every bad row named with its column and fix, and then nothing written."""

import sqlalchemy as sa
from click.testing import CliRunner

from voice.cli import main
from voice.store.customers import import_customers
from voice.store.models import Customer

GOOD = (
    "phone,name,email\n+15125550100,Maria Lopez,maria@example.com\n+1 (512) 555-0101,Tom Becker,\n"
)


def run(db, text):
    with db.session() as s:
        return import_customers(s, text)


def stored(db):
    with db.session() as s:
        return {c.phone: (c.name, c.email) for c in s.scalars(sa.select(Customer))}


def test_good_rows_are_imported_with_numbers_written_the_usual_ways(db):
    report = run(db, GOOD)
    assert report.ok and (report.added, report.updated) == (2, 0)
    assert stored(db) == {"+15125550100": ("Maria Lopez", "maria@example.com"),
                          "+15125550101": ("Tom Becker", None)}  # fmt: skip


def test_every_bad_row_is_listed_and_nothing_is_written(db):
    text = (
        "phone,name,email\n"
        "+15125550100,Maria Lopez,maria@example.com\n"
        "5125550102,Ann Smith,ann@example.com\n"
        "+15125550103,,\n"
        "+15125550104,Bo Li,not-an-email\n"
        "+15125550100,Maria Again,\n"
    )
    report = run(db, text)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "phone"), (4, "name"), (5, "email"), (6, "phone")]  # fmt: skip
    assert "E.164" in report.errors[0].problem and "+15125550100" in report.errors[0].fix
    assert "also on row 2" in report.errors[3].problem
    assert stored(db) == {}


def test_a_missing_column_is_named_in_the_header(db):
    report = run(db, "number,name\n+15125550100,Maria\n")
    assert [(e.row, e.column) for e in report.errors] == [(1, "phone"), (1, "number")]


def test_importing_again_updates_and_turns_a_demo_customer_into_a_real_one(db):
    with db.session() as s:
        s.add(Customer(phone="+15125550100", name="Old Name", demo=True))
    report = run(db, GOOD)
    assert (report.added, report.updated) == (1, 1)
    with db.session() as s:
        maria = s.scalars(sa.select(Customer).where(Customer.phone == "+15125550100")).one()
    assert (maria.name, maria.demo) == ("Maria Lopez", False)


def test_the_cli_prints_each_problem_and_exits_non_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'v.db'}")
    bad = tmp_path / "bad.csv"
    bad.write_text("phone,name\n12345,\n")
    result = CliRunner().invoke(main, ["customers", "import", str(bad)])
    assert result.exit_code == 1
    assert "row 2, phone" in result.output and "row 2, name" in result.output
    assert "nothing was imported" in result.output
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    result = CliRunner().invoke(main, ["customers", "import", str(good)])
    assert result.exit_code == 0 and "2 customers added" in result.output
