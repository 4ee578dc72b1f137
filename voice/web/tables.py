"""Tables shown on admin pages, each also downloadable as CSV from the same view."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, abort, request, url_for

from voice.store.customers import FORMULA_STARTS


@dataclass(frozen=True)
class Column:
    """One column: its key in each row, its heading, and how a page shows its values."""

    key: str
    label: str
    # text | count | rate | seconds | score | when | clock | reason | outcome | topic | team
    # | target | call | auto (each row's own "kind")
    kind: str = "text"


@dataclass
class Table:
    """Rows under named columns, with a slug that names the CSV download."""

    name: str
    caption: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]] = field(default_factory=list)
    tz: str | None = None  # the timezone of its times (the default line's when None)


def csv_cell(value: Any) -> str:
    """Return a value as CSV text that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(table: Table) -> str:
    """Return the table as CSV: a header row of column headings, then one row per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(_csv_value(row.get(c.key), c, table.tz)) for c in table.columns])
    return out.getvalue()


def _csv_value(value: Any, column: Column, tz: str | None) -> Any:
    """Return a time in the table's timezone, with its offset (e.g. -06:00); others as they are."""
    if column.kind != "when" or not value or tz is None:
        return value
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(tz)).isoformat()


def csv_response(table: Table, stem: str = "") -> Response:
    """Return the table as a CSV attachment named after it (and `stem`, e.g. the date range)."""
    filename = "-".join(p for p in (table.name, stem) if p) + ".csv"
    return Response(
        csv_text(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def wants_csv() -> bool:
    """Return True when the request asks for a CSV download (`?format=csv`)."""
    return request.args.get("format") == "csv"


def export(tables: Sequence[Table], stem: str = "") -> Response:
    """Return the CSV of the table named by `?table=` (the first when not named)."""
    wanted = request.args.get("table") or tables[0].name
    for table in tables:
        if table.name == wanted:
            return csv_response(table, stem)
    abort(404, f"No table {wanted!r} on this page.")


def csv_url_args(table: Table) -> dict[str, str]:
    """Return the current page's query with the CSV download of `table` asked for."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "format", "table")}
    return {**args, "format": "csv", "table": table.name}


def csv_href(table: Table) -> str:
    """Return the link that downloads `table` as CSV from the page showing it."""
    return url_for(request.endpoint or "", **(request.view_args or {}), **csv_url_args(table))


MAX_PAGE = 100_000  # past it a page's offset could overflow the database's integers


def page_number() -> int:
    """Return the page asked for by `?page=` (1 when missing or not a number, at most MAX_PAGE)."""
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit()) or len(page) > len(str(MAX_PAGE)):
        return 1  # "²" is a digit to str.isdigit, and 5,000 digits are too many for int()
    return min(max(int(page), 1), MAX_PAGE)


def page_count(total: int, size: int) -> int:
    """Return how many pages of `size` rows `total` rows fill (at least one)."""
    return max(1, -(-total // size))
