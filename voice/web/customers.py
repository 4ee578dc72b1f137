"""Admin customer pages: the known callers, and importing them from CSV with per-row errors."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, flash, redirect, render_template, request, url_for

from voice.store.customers import COLUMNS, customers_csv, import_customers
from voice.store.models import Customer, Order
from voice.web.admin import bp
from voice.web.forms import CustomerImportForm
from voice.web.tables import Column, Table, page_count, page_number, wants_csv

PAGE_SIZE = 100
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CUSTOMER_COLUMNS = [
    Column("phone", "Phone"),
    Column("name", "Name"),
    Column("email", "Email"),
    Column("orders", "Orders", "count"),
    Column("demo", "Demo"),
    Column("created_at", "Added", "when"),
]


def _db():  # noqa: ANN202 - the runtime's Database
    return current_app.extensions["voice"].db


def _matching(search: str) -> sa.ColumnElement[bool]:
    """Return the condition for customers whose name or number holds `search` (all when '')."""
    if not search:
        return sa.true()
    like = f"%{search}%"
    return sa.or_(Customer.name.ilike(like), Customer.phone.like(like))


def find_customers(search: str, limit: int | None, offset: int = 0) -> tuple[int, list[dict]]:
    """Return how many customers match `search` (name or number) and one page of them."""
    orders = (
        sa.select(sa.func.count(Order.id)).where(Order.customer_id == Customer.id).scalar_subquery()
    )
    where = _matching(search)
    with _db().session() as s:
        total = s.scalar(sa.select(sa.func.count(Customer.id)).where(where)) or 0
        query = sa.select(Customer, orders).where(where).order_by(Customer.name, Customer.id)
        found = s.execute(query.limit(limit).offset(offset)).all()
        rows = [
            {c: getattr(customer, c) for c in (*COLUMNS, "demo", "created_at")} | {"orders": n}
            for customer, n in found
        ]
    return total, rows


@bp.get("/customers")
def customers() -> Response | str:
    """List the known callers (searchable), with the CSV import form."""
    return _page(CustomerImportForm(formdata=None))


def _page(form: CustomerImportForm, errors: list | None = None, status: int = 200) -> Response:
    search = request.args.get("q", "").strip()[:80]
    page = page_number()
    if wants_csv():
        return _download(search)
    total, rows = find_customers(search, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    html = render_template(
        "admin/customers.html",
        table=Table("customers", "Customers", CUSTOMER_COLUMNS, rows),
        total=total,
        search=search,
        page=page,
        pages=page_count(total, PAGE_SIZE),
        form=form,
        errors=errors or [],
        columns=COLUMNS,
    )
    return Response(html, status=status, mimetype="text/html")


def _download(search: str) -> Response:
    """Return the customers matching `search` as a CSV that imports back unchanged."""
    query = sa.select(Customer).where(_matching(search)).order_by(Customer.name, Customer.id)
    with _db().session() as s:
        text = customers_csv(s.scalars(query))
    disposition = 'attachment; filename="customers.csv"'
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": disposition})


@bp.post("/customers/import")
def import_csv() -> Response:
    """Import customers from an uploaded CSV: all rows, or none and every row's problem."""
    form = CustomerImportForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors.append(f"The file is over {MAX_UPLOAD_BYTES // 1024 // 1024} MB.")
        return _page(form, status=400)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        form.file.errors.append("The file is not UTF-8 text; save it as CSV UTF-8 and retry.")
        return _page(form, status=400)
    with _db().session() as s:
        report = import_customers(s, text)
    if not report.ok:
        return _page(form, report.errors, 400)
    flash(
        f"Imported {report.rows} rows: {report.added} customers added, {report.updated} updated.",
        "info",
    )
    return redirect(url_for(".customers"))
