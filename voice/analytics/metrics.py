"""Line metrics: volume, containment, transfers by reason, time to a person, queue, funnel."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.analytics.calls import misrouted
from voice.analytics.scope import (
    Period,
    call_filter,
    mean,
    percentile,
    rate,
    scoped_ids,
    seconds,
)
from voice.calls.outcomes import OUTCOMES, sent_to_person
from voice.store.models import Call, Callback, QueueEntry, SurveyResponse, Transfer, WrapUp
from voice.store.models import Decision as DecisionRow

OPEN_QUEUE = ("waiting", "offered")  # still in line: no wait time yet


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def first_transfers(ids: sa.Select) -> sa.Subquery:
    """Return (call_id, reason, intent) of each call's first decision to go to a person."""
    first = (
        sa.select(sa.func.min(DecisionRow.id).label("id"))
        .where(DecisionRow.action == "transfer", DecisionRow.call_id.in_(ids))
        .group_by(DecisionRow.call_id)
    )
    return (
        sa.select(DecisionRow.call_id, DecisionRow.reason, DecisionRow.intent)
        .where(DecisionRow.id.in_(first))
        .subquery()
    )


def bridged(call_id: sa.ColumnElement) -> sa.Exists:
    """Return EXISTS: a person was bridged on this call."""
    return sa.exists().where(Transfer.call_id == call_id, Transfer.bridged_at.is_not(None))


def outcomes(
    session: so.Session, period: Period, callflow: str | None = None, include_demo: bool = False
) -> dict[str, int]:
    """Return how many calls ended each way (every outcome, and None for calls still going)."""
    rows = session.execute(
        sa.select(Call.outcome, sa.func.count(Call.id))
        .where(call_filter(period, callflow, include_demo))
        .group_by(Call.outcome)
    ).all()
    counted = {code: 0 for code in OUTCOMES} | {None: 0}
    for code, n in rows:
        counted[code if code in counted else None] += n
    return counted


def summary(
    session: so.Session, period: Period, callflow: str | None = None, include_demo: bool = False
) -> dict:
    """Return the headline figures for a period (see the package docstring for the scope)."""
    ids = scoped_ids(period, callflow, include_demo)
    ended = outcomes(session, period, callflow, include_demo)
    total = sum(ended.values())
    reasons = {r["reason"]: r for r in by_reason(session, period, callflow, include_demo)}
    transferred = sum(r["count"] for r in reasons.values())
    wrong = misroutes(session, ids)
    return {
        "calls": total,
        "outcomes": ended,
        "self_served": ended["self_served"],
        "self_served_rate": rate(ended["self_served"], total),
        "transferred": transferred,
        "transfer_rate": rate(transferred, total),
        "transfers_by_reason": {
            k: {"count": r["count"], "rate": r["rate"]} for k, r in reasons.items()
        },
        "time_to_person": time_to_person(session, ids),
        "queue_wait": queue_wait(session, ids),
        "queue_abandon_rate": queue_abandon_rate(session, ids),
        "callbacks": callbacks(session, ids),
        "misroutes": wrong["misroutes"],
        "wrap_ups_reviewed": wrong["reviewed"],
        "csat": csat(session, ids),
    }


def time_to_person(session: so.Session, ids: sa.Select) -> dict:
    """Return p50/p90 seconds from answer (call start) to the first agent bridged."""
    rows = session.execute(
        sa.select(Call.started_at, sa.func.min(Transfer.bridged_at))
        .join(Transfer, Transfer.call_id == Call.id)
        .where(Call.id.in_(ids), Transfer.bridged_at.is_not(None))
        .group_by(Call.id, Call.started_at)
    ).all()
    waits = [seconds(at, started) for started, at in rows]
    return {"p50": percentile(waits, 50), "p90": percentile(waits, 90), "n": len(waits)}


def _ended_entries(session: so.Session, ids: sa.Select) -> list[QueueEntry]:
    return list(
        session.scalars(
            sa.select(QueueEntry).where(
                QueueEntry.call_id.in_(ids), QueueEntry.status.not_in(OPEN_QUEUE)
            )
        )
    )


def queue_wait(session: so.Session, ids: sa.Select) -> dict:
    """Return average and p90 seconds in line, for callers whose wait is over."""
    waits = [
        seconds(e.bridged_at or e.ended_at, e.enqueued_at)
        for e in _ended_entries(session, ids)
        if e.bridged_at or e.ended_at
    ]
    return {"avg": mean(waits), "p90": percentile(waits, 90), "n": len(waits)}


def queue_abandon_rate(session: so.Session, ids: sa.Select) -> float | None:
    """Return the share of callers who hung up in line (of those whose wait is over)."""
    entries = _ended_entries(session, ids)
    return rate(sum(e.status == "abandoned" for e in entries), len(entries))


def callbacks(session: so.Session, ids: sa.Select) -> dict:
    """Return calls that ended in a callback request (and how many were called back) or a voicemail.

    Counted by the calls' outcomes, so these are the chart's and the call list's figures too.
    """
    asked = Call.outcome == "callback_requested"
    done = sa.exists().where(
        Callback.call_id == Call.id, Callback.kind == "callback", Callback.status == "completed"
    )
    requested, completed, voicemails = session.execute(
        sa.select(
            _count_if(asked),
            _count_if(sa.and_(asked, done)),
            _count_if(Call.outcome == "voicemail"),
        ).where(Call.id.in_(ids))
    ).one()
    return {"requested": requested, "completed": completed, "voicemails": voicemails}


def misroutes(session: so.Session, ids: sa.Select) -> dict:
    """Return calls an agent said the assistant routed wrongly, of those they said either way."""
    wrong, reviewed = session.execute(
        sa.select(
            _count_if(misrouted(Call.id)),
            _count_if(
                sa.exists().where(WrapUp.call_id == Call.id, WrapUp.routing_right.is_not(None))
            ),
        ).where(Call.id.in_(ids))
    ).one()
    return {"misroutes": wrong, "reviewed": reviewed}


def csat(session: so.Session, ids: sa.Select) -> dict:
    """Return the average 1-5 rating and count, on the automated and the human path."""
    rows = session.execute(
        sa.select(SurveyResponse.path, sa.func.avg(SurveyResponse.score), sa.func.count())
        .where(SurveyResponse.call_id.in_(ids))
        .group_by(SurveyResponse.path)
    ).all()
    found = {path: {"avg": round(float(avg), 2), "n": n} for path, avg, n in rows}
    empty = {"avg": None, "n": 0}
    return {"automated": found.get("automated", empty), "human": found.get("human", empty)}


def daily(
    session: so.Session,
    period: Period,
    callflow: str | None = None,
    include_demo: bool = False,
    tz: str = "UTC",
) -> list[dict]:
    """Return one row per local day: calls, and how many ended each way (None: still going)."""
    zone = ZoneInfo(tz)
    days: dict[dt.date, dict] = {}
    day = period.start.astimezone(zone).date()
    while day <= (period.end - dt.timedelta(microseconds=1)).astimezone(zone).date():
        days[day] = {"date": day.isoformat(), "calls": 0} | dict.fromkeys(OUTCOMES, 0)
        days[day]["in_progress"] = 0
        day += dt.timedelta(days=1)
    rows = session.execute(
        sa.select(Call.started_at, Call.outcome).where(call_filter(period, callflow, include_demo))
    ).all()
    for started, outcome in rows:
        row = days[started.astimezone(zone).date()]
        row["calls"] += 1
        row[outcome if outcome in OUTCOMES else "in_progress"] += 1
    return list(days.values())


def by_reason(
    session: so.Session, period: Period, callflow: str | None = None, include_demo: bool = False
) -> list[dict]:
    """Return why callers went to a person (their first transfer), most common first."""
    ids = scoped_ids(period, callflow, include_demo)
    total = session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0
    first = first_transfers(ids)
    rows = session.execute(
        sa.select(first.c.reason, sa.func.count(), _count_if(bridged(first.c.call_id)))
        .group_by(first.c.reason)
        .order_by(sa.func.count().desc(), first.c.reason)
    ).all()
    transfers = sum(n for _, n, _ in rows)
    return [
        {
            "reason": reason,
            "count": n,
            "rate": rate(n, total),
            "share": rate(n, transfers),
            "bridged": reached,
            "bridged_rate": rate(reached, n),
        }
        for reason, n, reached in rows
    ]


FUNNEL_ENDS = {  # how a call sent to a person ended: funnel key -> outcome
    "bridged": "transferred",
    "callback": "callback_requested",
    "voicemail": "voicemail",
    "unanswered": "unanswered",
    "abandoned": "abandoned",
}


def funnel(
    session: so.Session, period: Period, callflow: str | None = None, include_demo: bool = False
) -> dict:
    """Return greeting → answered | transferred | hung up early → how the transferred ended.

    Every stage is a part of the one before, counted from the calls' outcomes: `answered`
    are self-served calls, `transferred` every call the assistant sent to a person (a
    silent caller too), `hung_up_early` callers who hung up before either. Each transferred
    call then reached a person (`bridged`), asked for a `callback`, left a `voicemail`, rang
    out (`unanswered`), hung up first (`abandoned`), or is still going (`on_the_line`).
    """
    sent = sent_to_person(Call.id)
    ends = [_count_if(sa.and_(sent, Call.outcome == code)) for code in FUNNEL_ENDS.values()]
    row = session.execute(
        sa.select(
            sa.func.count(Call.id),
            _count_if(sa.and_(~sent, Call.outcome == "self_served")),
            _count_if(sent),
            _count_if(sa.and_(~sent, Call.outcome == "abandoned")),
            *ends,
            _count_if(sa.and_(sent, Call.outcome.is_(None))),
        ).where(call_filter(period, callflow, include_demo))
    ).one()
    keys = ("greeting", "answered", "transferred", "hung_up_early", *FUNNEL_ENDS, "on_the_line")
    return dict(zip(keys, row, strict=True))
