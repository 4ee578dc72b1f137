"""Which calls an admin page counts: the date range, callflow and demo switch of its GET form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app

from voice.analytics import Period, data_status

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Scope:
    """A page's filters, parsed and checked; `errors` says what in the query was ignored."""

    first: dt.date
    last: dt.date
    callflow: str | None
    include_demo: bool
    real_calls: int
    demo_calls: int
    tz: str = "UTC"  # the line's timezone: its days, and the times the page shows
    errors: list[str] = field(default_factory=list)
    zone_from: str = ""  # whose timezone it is, said when the lines in scope differ

    @property
    def zone_label(self) -> str:
        """Return the timezone as the page names it, and whose it is when the lines differ."""
        shown = zone_name(self.tz)
        return f"{shown}, the zone of {self.zone_from}" if self.zone_from else shown

    @property
    def period(self) -> Period:
        """Return the whole days from `first` to `last`, in the scope's timezone."""
        return Period.dates(self.first, self.last, self.tz)

    @property
    def demo_shown(self) -> bool:
        """Return True when the figures include seeded demo calls (the page shows a banner)."""
        return self.include_demo and self.demo_calls > 0

    def args(self, **changes: str) -> dict[str, str]:
        """Return the query string that selects this scope, with `changes` applied."""
        args = {"start": self.first.isoformat(), "end": self.last.isoformat()}
        args |= {"callflow": self.callflow or "", "demo": "1" if self.include_demo else "0"}
        return {k: v for k, v in (args | changes).items() if v != ""}

    @property
    def stem(self) -> str:
        """Return a file-name part naming the scope, e.g. for CSV downloads."""
        return f"{self.first}-to-{self.last}" + (f"-{self.callflow}" if self.callflow else "")


# dates a page may ask for; past them a day's bounds overflow Python's and the database's dates
EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2999, 12, 31)


def _date(text: str, default: dt.date, what: str, errors: list[str]) -> dt.date:
    if not text:
        return default
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        errors.append(
            f"The {what} date {shown!r} is not a date like 2025-03-31; showing {default}."
        )
        return default
    if not EARLIEST <= day <= LATEST:
        errors.append(f"The {what} date {day} is not between {EARLIEST} and {LATEST}; "
                      f"showing {default}.")  # fmt: skip
        return default
    return day


def zone_name(tz: str) -> str:
    """Return a timezone as pages name it: "America/Chicago (CST)", "UTC"."""
    abbreviation = dt.datetime.now(ZoneInfo(tz)).strftime("%Z")
    return tz if abbreviation in ("", tz) else f"{tz} ({abbreviation})"


def default_line(lines: object) -> str | None:
    """Return the service's default line: the one configured, else the first loaded."""
    names = lines.names
    return lines.default_name if lines.default_name in names else next(iter(names), None)


def line_zone(lines: object, name: str | None = None) -> str:
    """Return a line's IANA timezone (the default line's when `name` is not loaded), else UTC."""
    name = name if name in lines.names else default_line(lines)
    return lines.by_name(name).business.timezone if name else "UTC"


def zone_of(lines: object, callflow: str | None) -> tuple[str, str]:
    """Return the timezone a page shows and, when lines in scope differ, whose it is."""
    if callflow:
        return line_zone(lines, callflow), ""
    zones = {line_zone(lines, name) for name in lines.names}
    if len(zones) <= 1:
        return line_zone(lines), ""
    return line_zone(lines), f"{default_line(lines)} (the default line; the lines' zones differ)"


def scope_of(args: Mapping[str, str], session: object, now: dt.datetime | None = None) -> Scope:
    """Return the scope a page's query asks for; bad values fall back to the defaults, named.

    Days are the line's days: the default range ends today in the line's timezone.
    """
    lines = current_app.extensions["voice"].lines
    callflow = args.get("callflow") or None
    unknown = callflow is not None and callflow not in lines.names
    tz, zone_from = zone_of(lines, None if unknown else callflow)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(tz)).date()
    errors: list[str] = []
    last = _date(args.get("end", ""), today, "end", errors)
    first = _date(
        args.get("start", ""), last - dt.timedelta(days=DEFAULT_DAYS - 1), "start", errors
    )
    if first > last:
        errors.append(f"The range starts ({first}) after it ends ({last}); swapped them.")
        first, last = last, first
    if (last - first).days >= MAX_DAYS:
        first = last - dt.timedelta(days=MAX_DAYS - 1)
        errors.append(f"A range is at most {MAX_DAYS} days; showing from {first}.")
    if unknown:
        errors.append(f"No callflow named {callflow!r} is loaded; showing every callflow.")
        callflow = None
    status = data_status(session)
    demo_arg = args.get("demo", "")
    # with no real calls yet, a new install shows its seeded demo month rather than zeros; a
    # demo service (`voice serve --demo`) keeps showing it after the first calls placed
    demo_mode = current_app.extensions["voice"].settings.demo_mode
    by_default = demo_mode or status["real_calls"] == 0
    include_demo = demo_arg == "1" if demo_arg in ("0", "1") else by_default
    counts = (status["real_calls"], status["demo_calls"])
    return Scope(first, last, callflow, include_demo, *counts, tz=tz, errors=errors,
                 zone_from=zone_from)  # fmt: skip
