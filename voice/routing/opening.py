"""When people answer a line: open or closed now, and when that next changes, in its own time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from voice.flow.hours import Hours
    from voice.flow.model import Callflow

WEEK_AHEAD = 8  # days looked at for the next change; a line closed all week never reopens


def next_change(hours: Hours, local: dt.datetime) -> dt.datetime | None:
    """Return the first moment after `local` when the line opens (if closed) or closes (if open).

    None when it never changes in the week ahead (open around the clock, or never open).
    """
    now_open = hours.is_open(local)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(WEEK_AHEAD):
        date = midnight + dt.timedelta(days=day)
        for start, end in hours.spans(date):
            for minute in (start, end):
                moment = date + dt.timedelta(minutes=minute)
                if moment > local and hours.is_open(moment) != now_open:
                    return moment
    return None


def line_hours(callflow: Callflow, now: dt.datetime) -> dict:
    """Return whether people answer `callflow`'s line at `now`, and when that changes."""
    business = callflow.business
    local = business.local(now)
    is_open = callflow.is_open(now)
    change = next_change(business.hours, local) if business.hours.given else None
    return {
        "callflow": callflow.name,
        "business": business.name,
        "open": is_open,
        "hours_given": business.hours.given,
        "changes_at": change.isoformat() if change else None,
        "timezone": business.timezone,
        "hours_today": callflow.hours_today(now),
    }
