"""Which calls a metric counts: a date range, one callflow or all, with or without demo calls."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.store.models import Call


@dataclass(frozen=True, slots=True)
class Period:
    """Calls that started in [start, end): aware datetimes."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Period needs aware datetimes (e.g. tzinfo=datetime.UTC)")
        if self.end <= self.start:
            raise ValueError(f"Period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def last_days(cls, days: int, now: dt.datetime | None = None) -> Period:
        """Return the `days` days up to now."""
        now = now or dt.datetime.now(dt.UTC)
        return cls(now - dt.timedelta(days=days), now)

    @classmethod
    def dates(cls, first: dt.date, last: dt.date, tz: str = "UTC") -> Period:
        """Return whole local days from `first` to `last`, both included."""
        zone = ZoneInfo(tz)
        start = dt.datetime.combine(first, dt.time(), zone)
        return cls(start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone))


def call_filter(
    period: Period | None, callflow: str | None, include_demo: bool
) -> sa.ColumnElement[bool]:
    """Return the WHERE clause on `calls` for a scope."""
    clauses = []
    if period is not None:
        clauses += [Call.started_at >= period.start, Call.started_at < period.end]
    if callflow:
        clauses.append(Call.callflow == callflow)
    if not include_demo:
        clauses.append(Call.demo.is_(False))
    return sa.and_(sa.true(), *clauses)


def scoped_ids(period: Period | None, callflow: str | None, include_demo: bool) -> sa.Select:
    """Return SELECT calls.id for a scope, to use in IN (…) or as a subquery."""
    return sa.select(Call.id).where(call_filter(period, callflow, include_demo))


def data_status(session: so.Session) -> dict:
    """Return how many real and demo calls are stored, so pages know when to show the banner."""
    rows = session.execute(sa.select(Call.demo, sa.func.count(Call.id)).group_by(Call.demo)).all()
    counts = {bool(demo): n for demo, n in rows}
    return {"real_calls": counts.get(False, 0), "demo_calls": counts.get(True, 0)}


def rate(part: int, whole: int) -> float | None:
    """Return part/whole rounded to 4 places; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def percentile(values: list[float], q: float) -> float | None:
    """Return the q-th percentile (0..100) with linear interpolation, as numpy's default."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    value = ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
    return round(value, 2)


def mean(values: list[float]) -> float | None:
    """Return the mean rounded to 2 places; None for no values."""
    return round(sum(values) / len(values), 2) if values else None


def seconds(later: dt.datetime, earlier: dt.datetime) -> float:
    """Return the seconds from `earlier` to `later`."""
    return (later - earlier).total_seconds()
