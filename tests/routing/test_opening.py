"""When a line opens and closes next, in its own timezone."""

import datetime as dt
from zoneinfo import ZoneInfo

from voice.flow.hours import parse_hours
from voice.routing.opening import next_change

CHICAGO = ZoneInfo("America/Chicago")


def hours(spec):
    parsed, errors = parse_hours(spec)
    assert not errors
    return parsed


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=CHICAGO)  # 2 March 2026 is a Monday


def test_a_closed_line_reopens_at_the_next_days_first_opening():
    week = hours({"mon-fri": "08:00-20:00", "sat": "09:00-17:00", "sun": "closed"})
    assert next_change(week, at(1, 12)) == at(2, 8)  # Sunday noon: Monday 08:00
    assert next_change(week, at(2, 21)) == at(3, 8)  # Monday evening: Tuesday 08:00


def test_an_open_line_closes_at_the_end_of_its_span():
    week = hours({"mon-fri": "08:00-12:00,13:00-17:00"})
    assert next_change(week, at(2, 9)) == at(2, 12)
    assert next_change(week, at(2, 12, 30)) == at(2, 13)  # lunch: back at one


def test_hours_that_run_past_midnight_close_when_they_really_end():
    late = hours({"fri": "18:00-24:00", "sat": "00:00-02:00"})
    assert next_change(late, at(6, 23)) == at(7, 2)


def test_a_line_open_around_the_clock_or_never_has_no_next_change():
    assert next_change(hours({"mon-sun": "24h"}), at(2, 9)) is None
    assert next_change(hours({"mon-sun": "closed"}), at(2, 9)) is None
