"""Which calls an admin page counts: the date range, callflow and demo switch of its GET form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    tz: str = "UTC"  # days are the business's days when every line in scope shares a timezone
    errors: list[str] = field(default_factory=list)

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


def _in_scope(callflow: str | None, lines: object) -> list[str]:
    return [callflow] if callflow else lines.names


def scope_of(args: Mapping[str, str], session: object, today: dt.date | None = None) -> Scope:
    """Return the scope a page's query asks for; bad values fall back to the defaults, named."""
    today = today or dt.datetime.now(dt.UTC).date()
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
    callflow = args.get("callflow") or None
    lines = current_app.extensions["voice"].lines
    if callflow and callflow not in lines.names:
        errors.append(f"No callflow named {callflow!r} is loaded; showing every callflow.")
        callflow = None
    zones = {lines.by_name(name).business.timezone for name in _in_scope(callflow, lines)}
    status = data_status(session)
    demo_arg = args.get("demo", "")
    # with no real calls yet, a new install shows its seeded demo month rather than zeros
    include_demo = demo_arg == "1" if demo_arg in ("0", "1") else status["real_calls"] == 0
    tz = zones.pop() if len(zones) == 1 else "UTC"
    counts = (status["real_calls"], status["demo_calls"])
    return Scope(first, last, callflow, include_demo, *counts, tz=tz, errors=errors)
