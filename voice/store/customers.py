"""Customers as CSV: export them, and import a file with every row checked before any is written.

All-or-nothing on purpose: an admin fixes the listed rows and imports the same file again,
rather than untangling which half went in. A phone number already stored updates that
customer (name and email), so re-importing a corrected file is safe. An exported file is in
the import's format, so it imports back unchanged (its spreadsheet guard is taken off again).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.store.models import Customer

COLUMNS = ("phone", "name", "email")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACING = re.compile(r"[\s().-]")  # how people write numbers: "+1 (512) 555-0100"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def guarded(text: str) -> str:
    """Return a cell a spreadsheet shows as text: a leading ' before what looks like a formula."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unguarded(text: str) -> str:
    """Return a cell with the ' that `guarded` (or a spreadsheet) put before a formula taken off."""
    return (
        text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text
    )


def customers_csv(customers: Iterable[Customer]) -> str:
    """Return customers as CSV in the import's format (phone,name,email), formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for customer in customers:
        writer.writerow([guarded(getattr(customer, c) or "") for c in COLUMNS])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: the file's line number, the column, what is wrong, and the fix."""

    row: int
    column: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.problem} (fix: {self.fix})"


@dataclass
class ImportReport:
    """What an import did, or, with errors, why it wrote nothing."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when the rows were written."""
        return not self.errors


def import_customers(session: so.Session, csv_text: str) -> ImportReport:
    """Check every row of a CSV with a header (phone, name, email); write them all or none."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))  # Excel writes a BOM
    if not _header_ok(report, reader.fieldnames):
        return report
    parsed: dict[str, tuple[str, str | None]] = {}
    first_seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):  # line 1 is the header
        report.rows += 1
        cells = {k.strip().lower(): unguarded(v or "") for k, v in raw.items() if k}
        row = _check_row(report, line, cells)
        if row is None:
            continue
        phone, name, email = row
        if phone in first_seen:
            report.errors.append(
                RowError(
                    line,
                    "phone",
                    f"{phone} is also on row {first_seen[phone]}",
                    "keep one row per phone number",
                )
            )
            continue
        first_seen[phone] = line
        parsed[phone] = (name, email)
    if report.rows == 0:
        report.errors.append(
            RowError(2, "phone", "the file has no rows", "add one customer a line")
        )
    if report.errors:
        return report
    _write(session, parsed, report)
    return report


def _header_ok(report: ImportReport, names: list[str] | None) -> bool:
    header = [n.strip().lower() for n in names or []]
    missing = [c for c in ("phone", "name") if c not in header]
    unknown = [n for n in header if n and n not in COLUMNS]
    for column in missing:
        report.errors.append(
            RowError(
                1,
                column,
                "column is missing from the header",
                "start the file with the line: phone,name,email",
            )
        )
    for column in unknown:
        report.errors.append(
            RowError(1, column, "is not a known column", f"use only {', '.join(COLUMNS)}")
        )
    return not report.errors


def _check_row(report: ImportReport, line: int, row: dict[str, str]) -> tuple | None:
    """Return (phone, name, email) for a good row; record each problem of a bad one."""
    before = len(report.errors)
    phone = _SPACING.sub("", row.get("phone", "").strip())
    name = row.get("name", "").strip()
    email = row.get("email", "").strip() or None
    if not phone:
        report.errors.append(RowError(line, "phone", "is empty", "give the customer's number"))
    elif not E164.match(phone):
        report.errors.append(
            RowError(
                line,
                "phone",
                f"{row['phone'].strip()!r} is not E.164",
                "write + and the country code, e.g. +15125550100",
            )
        )
    if not name:
        report.errors.append(RowError(line, "name", "is empty", "give the customer's name"))
    elif len(name) > 120:
        report.errors.append(RowError(line, "name", "is longer than 120 characters", "shorten it"))
    if email and (not EMAIL.match(email) or len(email) > 200):
        report.errors.append(
            RowError(
                line,
                "email",
                f"{email!r} is not an email address",
                "write it as name@example.com, or leave it empty",
            )
        )
    return (phone, name, email) if len(report.errors) == before else None


def _write(
    session: so.Session, parsed: dict[str, tuple[str, str | None]], report: ImportReport
) -> None:
    found = {
        c.phone: c for c in session.scalars(sa.select(Customer).where(Customer.phone.in_(parsed)))
    }
    for phone, (name, email) in parsed.items():
        customer = found.get(phone)
        if customer is None:
            session.add(Customer(phone=phone, name=name, email=email))
            report.added += 1
        else:  # the admin's file is the truth now, and a real customer is no longer demo data
            customer.name, customer.email, customer.demo = name, email, False
            report.updated += 1
    session.flush()
