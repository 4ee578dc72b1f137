"""Whether a line is open, said for the console and the floor, in the line's own timezone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from voice.routing.opening import line_hours
from voice.store.models import utcnow


def local_moment(iso: str, now: dt.datetime) -> str:
    """Return a moment in its own zone as "today at 08:00", "tomorrow at 08:00", "Monday 08:00"."""
    moment = dt.datetime.fromisoformat(iso)
    today = now.astimezone(moment.tzinfo).date()
    days = (moment.date() - today).days
    day = {0: "today", 1: "tomorrow"}.get(days, moment.strftime("%A"))
    if days > 6:
        day = moment.strftime("%A %d %B")
    return f"{day} at {moment:%H:%M}"


def say_hours(status: dict, now: dt.datetime) -> str:
    """Return "Open until 20:00 today (America/Chicago)" or "Closed: opens tomorrow at 08:00 …"."""
    zone = status["timezone"]
    change = status["changes_at"]
    if status["open"]:
        if change is None:
            return "Open: people answer around the clock."
        return f"Open until {local_moment(change, now)} ({zone} time)."
    if change is None:
        return "Closed, with no opening hours in the week ahead."
    return f"Closed: opens {local_moment(change, now)} ({zone} time)."


def lines_for(teams: list[str] | None = None, now: dt.datetime | None = None) -> list[dict]:
    """Return each loaded line (those serving any of `teams`, if given) with its hours in words."""
    lines = current_app.extensions["voice"].lines
    now = now or utcnow()
    out = []
    for name in lines.names:
        callflow = lines.by_name(name)
        if teams is not None and not set(teams) & set(callflow.teams):
            continue
        status = line_hours(callflow, now)
        out.append({**status, "words": say_hours(status, now)})
    return out


def local_when(iso: str | dt.datetime | None, zone: str) -> str:
    """Return a stored time in the line's zone, "2025-03-04 14:05 CST", 24-hour, zone named."""
    if not iso:
        return "–"
    moment = dt.datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
