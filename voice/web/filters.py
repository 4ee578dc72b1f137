"""Template filters: durations, times and routing reasons in words an agent reads at a glance."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from voice.web import words
from voice.web.words import reason_words

_PRESENCES = {
    "available": "Available",
    "offline": "Offline",
    "on_call": "On a call",
    "wrap_up": "Wrap-up",
}


def presence(code: str) -> str:
    """Return an agent's presence in words."""
    return _PRESENCES.get(code, code.replace("_", " "))


def duration(seconds: int | float | None) -> str:
    """Return "40 s", "2 min 05 s" or "1 h 03 min"."""
    if seconds is None:
        return "–"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def when(iso: str | dt.datetime | None) -> str:
    """Return a stored time as "2025-03-04 14:05 UTC" (the page's script shows local time)."""
    if not iso:
        return "–"
    moment = dt.datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def clock(iso: str | dt.datetime | None) -> str:
    """Return a stored time to the second, "14:05:09", in UTC."""
    if not iso:
        return "–"
    moment = dt.datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    return moment.astimezone(dt.UTC).strftime("%H:%M:%S")


def reason(code: str | None, line: str | None = None) -> str:
    """Return a routing reason in words (one mapping: `flow.titles.REASONS`), "–" for none."""
    return reason_words(code, line) or "–"


def percent(rate: float | None) -> str:
    """Return a 0..1 rate as "42%", or "–" when there was nothing to count."""
    if rate is None:
        return "–"
    return f"{rate:.1%}" if 0 < rate < 0.1 else f"{rate:.0%}"


def cell(value: object, kind: str = "text") -> str:
    """Return a table cell's value in words, by its column's kind (see `tables.Column`)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    shown = {
        "count": lambda v: f"{v:,}",
        "rate": percent,
        "seconds": duration,
        "score": lambda v: f"{v:.1f}",
        "when": when,
        "clock": clock,
        "reason": reason,
    }.get(kind, str)
    return shown(value)


def register(app: Flask) -> None:
    """Make the filters available to every template."""
    from voice.web.tables import csv_href

    app.add_template_global(csv_href, "csv_href")
    filters = {"duration": duration, "when": when, "reason": reason, "presence": presence}
    filters |= {"percent": percent, "cell": cell, "clock": clock}
    for name, function in filters.items():
        app.add_template_filter(function, name)
    words.register(app)
