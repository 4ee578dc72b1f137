"""Business hours: parse `mon-fri: "08:00-20:00"`, answer is-open, and say today's hours."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALIASES = {
    "monday": "mon",
    "tues": "tue",
    "tuesday": "tue",
    "wednesday": "wed",
    "weds": "wed",
    "thur": "thu",
    "thurs": "thu",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}
_GROUPS = {"daily": DAYS, "everyday": DAYS, "weekdays": DAYS[:5], "weekends": DAYS[5:]}
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})$")
_ALL_DAY = {"24h", "24 hours", "open 24 hours", "00:00-24:00"}
CLOSED = {"closed", "off"}
FORMAT_HINT = 'write "HH:MM-HH:MM" (24-hour), several joined by commas, or "closed"'

Span = tuple[int, int]  # minutes after midnight, [start, end)
ALL_DAY_SPAN: Span = (0, 24 * 60)


class HoursError(ValueError):
    """A day or time in `hours` could not be read; carries the fix."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem, self.fix = problem, fix


@dataclass(frozen=True, slots=True)
class Hours:
    """Opening spans for each weekday, Monday first; `given` is False when hours are unknown."""

    week: tuple[tuple[Span, ...], ...] = ((),) * 7
    given: bool = False

    def spans(self, now: dt.datetime) -> tuple[Span, ...]:
        """Return today's opening spans."""
        return self.week[now.weekday()]

    def is_open(self, now: dt.datetime) -> bool:
        """Return True when `now` falls in today's hours; always True when hours are unknown."""
        if not self.given:
            return True
        minute = now.hour * 60 + now.minute
        return any(start <= minute < end for start, end in self.spans(now))


AROUND_THE_CLOCK = Hours(((ALL_DAY_SPAN,),) * 7, given=True)  # `voice serve --open-hours`


def parse_days(key: str) -> list[int]:
    """Return weekday numbers for "mon-fri", "sat", "mon,wed", "weekdays", …."""
    days: list[int] = []
    for item in str(key).lower().replace(" ", "").split(","):
        if item in _GROUPS:
            days.extend(DAYS.index(d) for d in _GROUPS[item])
            continue
        ends = item.split("-")
        if len(ends) > 2 or not all(ends):
            raise HoursError(f"cannot read the days {key!r}", 'use days like "mon-fri" or "sat"')
        first, last = (_day(e, key) for e in (ends[0], ends[-1]))
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _day(name: str, key: str) -> int:
    name = _ALIASES.get(name, name)
    if name not in DAYS:
        import difflib

        close = difflib.get_close_matches(name, DAYS + tuple(_ALIASES), n=1)
        hint = f'did you mean "{_ALIASES.get(close[0], close[0])}"? ' if close else ""
        raise HoursError(f"unknown day {name!r} in {key!r}", f"{hint}days are {', '.join(DAYS)}")
    return DAYS.index(name)


def parse_spans(value: object) -> tuple[Span, ...]:
    """Return opening spans for "08:00-20:00", "08:00-12:00,13:00-17:00" or "closed"."""
    if not isinstance(value, str):
        raise HoursError(f"expected text, got {value!r}", f"put the times in quotes; {FORMAT_HINT}")
    text = value.strip().lower()
    if text in CLOSED:
        return ()
    if text in _ALL_DAY:
        return ((0, 24 * 60),)
    spans: list[Span] = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            raise HoursError(f"cannot read the hours {value!r}", FORMAT_HINT)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
            raise HoursError(f"{part.strip()!r} is not a time of day", FORMAT_HINT)
        if end <= start:
            raise HoursError(
                f"{part.strip()!r} ends before it starts",
                "split hours past midnight over two days, e.g. fri: 18:00-24:00, sat: 00:00-02:00",
            )
        if spans and start < spans[-1][1]:
            raise HoursError(f"{value!r} has overlapping times", "list the times in order")
        spans.append((start, end))
    return tuple(spans)


def parse_hours(spec: dict) -> tuple[Hours, list[tuple[str, HoursError]]]:
    """Return the week's hours and a (key, error) for each day or value that is wrong."""
    week: list[tuple[Span, ...] | None] = [None] * 7
    errors: list[tuple[str, HoursError]] = []
    for key, value in spec.items():
        try:
            days, spans = parse_days(str(key)), parse_spans(value)
        except HoursError as exc:
            errors.append((str(key), exc))
            continue
        for day in days:
            if week[day] is not None:
                errors.append(
                    (
                        str(key),
                        HoursError(f"{DAYS[day]} is given more than once", "give each day once"),
                    )
                )
            week[day] = spans
    return Hours(tuple(w or () for w in week), given=True), errors
