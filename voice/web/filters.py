"""Template filters: durations, times and routing reasons in words an agent reads at a glance."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

from voice.calls.outcomes import words as outcome_words
from voice.web import words
from voice.web.scope import line_zone, zone_name
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


def zone(line: str | None = None) -> str:
    """Return the timezone pages show times in: the line's, else the default line's."""
    lines = (
        getattr(current_app.extensions.get("voice"), "lines", None) if has_app_context() else None
    )
    return line_zone(lines, line) if lines is not None else "UTC"


def _local(iso: str | dt.datetime, tz: str | None) -> dt.datetime:
    moment = dt.datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    return moment.astimezone(ZoneInfo(tz or zone()))


def when(iso: str | dt.datetime | None, tz: str | None = None) -> str:
    """Return a stored time in the line's timezone, labelled: "2025-03-04 08:05 CST"."""
    if not iso:
        return "–"
    return _local(iso, tz).strftime("%Y-%m-%d %H:%M %Z")


def clock(iso: str | dt.datetime | None, tz: str | None = None) -> str:
    """Return a stored time to the second in the line's timezone: "08:05:09" (pages say which)."""
    if not iso:
        return "–"
    return _local(iso, tz).strftime("%H:%M:%S")


def zone_label(line: str | None = None) -> str:
    """Return the timezone a page's times are in, named: "America/Chicago (CST)"."""
    return zone_name(zone(line))


def outcome(code: str | None) -> str:
    """Return how a call ended, in the words every page uses (`voice.calls.outcomes`)."""
    return outcome_words(code)


def counted(number: int | None, unit: str) -> str:
    """Return "1 call", "1,204 calls": a count with its unit, singular for one."""
    n = number or 0
    return f"{n:,} {unit}{'' if n == 1 else 's'}"


def reason(code: str | None, line: str | None = None) -> str:
    """Return a routing reason in words (one mapping: `flow.titles.REASONS`), "–" for none."""
    return reason_words(code, line) or "–"


def percent(rate: float | None) -> str:
    """Return a 0..1 rate as "42%", or "–" when there was nothing to count."""
    if rate is None:
        return "–"
    return f"{rate:.1%}" if 0 < rate < 0.1 else f"{rate:.0%}"


def target(value: str) -> str:
    """Return where an agent said a call should have gone ("team:care", "intent:returns")."""
    kind, _, key = value.partition(":")
    if not key:
        return words.topic_title(value)
    return words.team_title(key) + " team" if kind == "team" else words.topic_title(key)


NAMED = {"topic": words.topic_title, "team": words.team_title, "target": target}


def cell(value: object, kind: str = "text", tz: str | None = None) -> str:
    """Return a table cell's value in words, by its column's kind (see `tables.Column`)."""
    if kind == "outcome":
        return outcome(value)  # no outcome yet reads "Still on the line"
    if value is None or value == "":
        return "–"
    if kind in ("when", "clock"):
        return (when if kind == "when" else clock)(value, tz)
    if kind in NAMED:
        return NAMED[kind](str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    shown = {
        "count": lambda v: f"{v:,}",
        "rate": percent,
        "seconds": duration,
        "score": lambda v: f"{v:.1f}",
        "reason": reason,
    }.get(kind, str)
    return shown(value)


def register(app: Flask) -> None:
    """Make the filters available to every template."""
    from voice.web.tables import csv_href

    app.add_template_global(csv_href, "csv_href")
    filters = {"duration": duration, "when": when, "reason": reason, "presence": presence}
    filters |= {"percent": percent, "cell": cell, "clock": clock, "outcome": outcome}
    filters |= {"counted": counted}
    app.add_template_global(zone_label, "zone_label")
    app.add_template_global(zone, "line_zone")
    for name, function in filters.items():
        app.add_template_filter(function, name)
    words.register(app)
