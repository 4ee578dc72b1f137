"""Business hours: parsing, is-open, and today's hours in words across days and timezones."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from voice.flow.hours import HoursError, parse_days, parse_hours, parse_spans
from voice.flow.saying import say_spans, say_week

CHICAGO = ZoneInfo("America/Chicago")


def test_design_example_hours_are_said_for_each_day(example):
    # 2025-03-03 is a Monday.
    said = [
        example.hours_today(dt.datetime(2025, 3, 3 + i, 12, 0, tzinfo=CHICAGO)) for i in range(7)
    ]
    assert said == ["8 AM to 8 PM"] * 5 + ["9 AM to 5 PM", "closed"]


def test_hours_today_uses_the_business_timezone_not_the_callers(example):
    # Sunday 02:00 UTC is still Saturday evening in Chicago.
    utc = dt.datetime(2025, 3, 9, 2, 0, tzinfo=dt.UTC)
    assert example.hours_today(utc) == "9 AM to 5 PM"
    assert example.is_open(utc) is False  # 20:00 on Saturday, after 17:00
    seoul = dt.datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # Sunday 18:00 Chicago
    assert example.hours_today(seoul) == "closed"


@pytest.mark.parametrize(
    ("local", "is_open"),
    [
        ("2025-03-03T07:59", False),
        ("2025-03-03T08:00", True),
        ("2025-03-03T19:59", True),
        ("2025-03-03T20:00", False),
        ("2025-03-08T12:00", True),
        ("2025-03-09T12:00", False),
    ],
)
def test_is_open_follows_the_hours(example, local, is_open):
    now = dt.datetime.fromisoformat(local).replace(tzinfo=CHICAGO)
    assert example.is_open(now) is is_open


def test_naive_times_are_taken_as_business_local_time(example):
    assert example.is_open(dt.datetime(2025, 3, 3, 8, 30)) is True


@pytest.mark.parametrize(
    ("key", "days"),
    [
        ("mon", [0]),
        ("mon-fri", [0, 1, 2, 3, 4]),
        ("sat-sun", [5, 6]),
        ("fri-mon", [4, 5, 6, 0]),
        ("mon,wed,fri", [0, 2, 4]),
        ("Monday", [0]),
        ("thurs", [3]),
        ("weekdays", [0, 1, 2, 3, 4]),
        ("weekends", [5, 6]),
        ("daily", [0, 1, 2, 3, 4, 5, 6]),
    ],
)
def test_day_keys(key, days):
    assert parse_days(key) == days


@pytest.mark.parametrize(
    ("value", "spans"),
    [
        ("08:00-20:00", ((480, 1200),)),
        ("8:30 - 17:15", ((510, 1035),)),
        ("08:00-12:00,13:00-17:00", ((480, 720), (780, 1020))),
        ("closed", ()),
        ("Closed", ()),
        ("24h", ((0, 1440),)),
        ("00:00-24:00", ((0, 1440),)),
    ],
)
def test_hour_values(value, spans):
    assert parse_spans(value) == spans


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("8-5", "cannot read"),
        ("20:00-08:00", "ends before it starts"),
        ("25:00-26:00", "not a time of day"),
        ("08:00-12:00,11:00-17:00", "overlapping"),
        (540, "expected text"),
        ("open", "cannot read"),
    ],
)
def test_bad_hour_values_say_what_is_wrong(value, problem):
    with pytest.raises(HoursError) as caught:
        parse_spans(value)
    assert problem in caught.value.problem
    assert caught.value.fix


def test_a_day_given_twice_is_an_error():
    _, errors = parse_hours({"mon-fri": "08:00-17:00", "fri": "08:00-12:00"})
    assert [key for key, _ in errors] == ["fri"]
    assert "more than once" in errors[0][1].problem


def test_unknown_day_suggests_the_right_one():
    with pytest.raises(HoursError) as caught:
        parse_days("mnday-fri")
    assert 'did you mean "mon"' in caught.value.fix


@pytest.mark.parametrize(
    ("spans", "language", "said"),
    [
        (((480, 1200),), "en-US", "8 AM to 8 PM"),
        (((510, 1050),), "en-US", "8:30 AM to 5:30 PM"),
        (((480, 720), (780, 1020)), "en-US", "8 AM to noon and 1 PM to 5 PM"),
        (((0, 1440),), "en-US", "24 hours"),
        ((), "en-US", "closed"),
        (((540, 1080),), "ko-KR", "오전 9시부터 오후 6시까지"),
        ((), "ko-KR", "휴무"),
        (((540, 1080),), "fr-FR", "09:00-18:00"),
    ],
)
def test_hours_are_said_in_the_callflows_language(spans, language, said):
    assert say_spans(spans, language) == said


def test_week_summary_joins_days_with_the_same_hours(example):
    assert say_week(example.business.hours, "en-US") == (
        "Monday to Friday 8 AM to 8 PM; Saturday 9 AM to 5 PM; Sunday closed"
    )
