"""Say times, days and dates the way a caller expects to hear them, per language."""

from __future__ import annotations

import datetime as dt

from voice.flow.hours import DAYS, Hours, Span

_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_KO_DAYS = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")


def _prefix(language: str) -> str:
    return language.split("-")[0].lower()


def say_time(minute: int, language: str) -> str:
    """Return a time of day: "8 AM", "8:30 PM", "noon", "오후 2시", or "14:00"."""
    hour, mins = divmod(minute, 60)
    lang = _prefix(language)
    if lang == "en":
        if minute in (0, 24 * 60):
            return "midnight"
        if minute == 12 * 60:
            return "noon"
        suffix = "AM" if hour < 12 else "PM"
        shown = hour % 12 or 12
        return f"{shown}:{mins:02d} {suffix}" if mins else f"{shown} {suffix}"
    if lang == "ko":
        half = "오전" if hour < 12 or hour == 24 else "오후"
        shown = hour % 12 or 12
        return f"{half} {shown}시" + (f" {mins}분" if mins else "")
    return f"{hour:02d}:{mins:02d}"


def say_spans(spans: tuple[Span, ...], language: str) -> str:
    """Return the day's hours: "8 AM to 8 PM", "closed", "24 hours"."""
    lang = _prefix(language)
    if not spans:
        return {"en": "closed", "ko": "휴무"}.get(lang, "closed")
    if spans == ((0, 24 * 60),):
        return {"en": "24 hours", "ko": "24시간"}.get(lang, "24h")
    if lang == "en":
        parts = [f"{say_time(a, language)} to {say_time(b, language)}" for a, b in spans]
        return " and ".join(parts)
    if lang == "ko":
        parts = [f"{say_time(a, language)}부터 {say_time(b, language)}까지" for a, b in spans]
        return ", ".join(parts)
    return ", ".join(f"{say_time(a, language)}-{say_time(b, language)}" for a, b in spans)


def hours_today(hours: Hours, now: dt.datetime, language: str) -> str:
    """Return today's hours as words, e.g. "8 AM to 8 PM" or "closed"."""
    return say_spans(hours.spans(now), language)


def say_week(hours: Hours, language: str) -> str:
    """Return the whole week, runs of equal days joined: "Monday to Friday 8 AM to 8 PM; …"."""
    lang = _prefix(language)
    names = {"en": _EN_DAYS, "ko": _KO_DAYS}.get(lang, DAYS)
    runs: list[tuple[int, int]] = []
    for day in range(7):
        if runs and hours.week[runs[-1][1]] == hours.week[day]:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    parts = []
    for first, last in runs:
        days = names[first] if first == last else _day_range(names, first, last, lang)
        parts.append(f"{days} {say_spans(hours.week[first], language)}")
    return "; ".join(parts)


def _day_range(names: tuple[str, ...], first: int, last: int, lang: str) -> str:
    if lang == "en":
        return f"{names[first]} to {names[last]}"
    if lang == "ko":
        return f"{names[first]}부터 {names[last]}까지"
    return f"{names[first]}-{names[last]}"


def say_value(value: object, language: str) -> str:
    """Return a lookup value as words; dates become "March 5" / "3월 5일"."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        lang = _prefix(language)
        if lang == "en":
            return f"{value:%B} {value.day}"
        if lang == "ko":
            return f"{value.month}월 {value.day}일"
        return value.isoformat()
    return str(value)
