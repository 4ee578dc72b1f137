"""The call list with filters, and one call's whole story for the call detail page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.analytics.scope import Period, call_filter
from voice.store.models import (
    Call,
    Callback,
    CallEvent,
    QueueEntry,
    SurveyResponse,
    Transfer,
    Turn,
    WrapUp,
)
from voice.store.models import Decision as DecisionRow

FILTERS = ("start", "end", "callflow", "outcome", "reason", "intent", "number", "misrouted",
           "include_demo")  # fmt: skip


def _first(column: sa.ColumnElement, *where: sa.ColumnElement[bool]) -> sa.ScalarSelect:
    return (
        sa.select(column)
        .where(DecisionRow.call_id == Call.id, *where)
        .order_by(DecisionRow.id)
        .limit(1)
        .scalar_subquery()
    )


def _when(value: object, name: str) -> dt.datetime | None:
    """Accept an aware datetime, an ISO date or datetime string (UTC when naive), or None."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise ValueError(f"filter {name!r}: give a date or datetime, not {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _where(filters: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"unknown call filter(s) {sorted(unknown)}; use {', '.join(FILTERS)}")
    start, end = _when(filters.get("start"), "start"), _when(filters.get("end"), "end")
    period = Period(start, end) if start and end else None
    where = [call_filter(period, filters.get("callflow"), bool(filters.get("include_demo")))]
    if start and not end:
        where.append(Call.started_at >= start)
    if end and not start:
        where.append(Call.started_at < end)
    if filters.get("outcome"):
        where.append(Call.outcome == filters["outcome"])
    for key in ("reason", "intent"):
        if filters.get(key):
            column = getattr(DecisionRow, key)
            where.append(sa.exists().where(DecisionRow.call_id == Call.id, column == filters[key]))
    if filters.get("number"):
        where.append(Call.from_number.contains(str(filters["number"]), autoescape=True))
    if filters.get("misrouted"):
        where.append(misrouted(Call.id))
    return where


def misrouted(call_id: sa.ColumnElement) -> sa.Exists:
    """Return EXISTS: an agent said at wrap-up that the assistant routed this call wrongly."""
    return sa.exists().where(WrapUp.call_id == call_id, WrapUp.routing_right.is_(False))


def calls(
    session: so.Session, filters: dict[str, Any] | None = None, limit: int = 50, offset: int = 0
) -> dict:
    """Return {"total", "rows"}: calls matching `filters` (keys in FILTERS), newest first.

    Each row says why and to which team the call first went to a person, and, when an agent
    marked it misrouted, where they said it should have gone (`right_target`).
    """
    where = _where(filters or {})
    total = session.scalar(sa.select(sa.func.count(Call.id)).where(*where)) or 0
    sent = DecisionRow.action == "transfer"
    reason = sa.func.coalesce(_first(DecisionRow.reason, sent), _first(DecisionRow.reason))
    should = (
        sa.select(WrapUp.right_target)
        .where(WrapUp.call_id == Call.id, WrapUp.routing_right.is_(False))
        .order_by(WrapUp.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(
            Call,
            reason,
            _first(DecisionRow.intent, DecisionRow.intent.is_not(None)),
            _first(DecisionRow.team, sent),
            should,
        )
        .where(*where)
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(max(1, min(limit, 1000)))
        .offset(max(0, offset))
    ).all()
    return {
        "total": total,
        "rows": [
            _call_dict(c, r, i) | {"team": team, "right_target": right}
            for c, r, i, team, right in rows
        ],
    }


def length_s(call: Call) -> int | None:
    """Return how long the call lasted: Twilio's figure, else from its start to its end."""
    if call.duration_s is not None or call.ended_at is None:
        return call.duration_s
    return max(0, int((call.ended_at - call.started_at).total_seconds()))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _call_dict(call: Call, reason: str | None = None, intent: str | None = None) -> dict:
    return {
        "id": call.id,
        "sid": call.sid,
        "started_at": _iso(call.started_at),
        "ended_at": _iso(call.ended_at),
        "from_number": call.from_number,
        "to_number": call.to_number,
        "callflow": call.callflow,
        "outcome": call.outcome,
        "status": call.status,
        "duration_s": length_s(call),
        "fallback": call.fallback,
        "demo": call.demo,
        "reason": reason,
        "intent": intent,
    }


def _rows(session: so.Session, model: type, call_id: int, *skip: str) -> list[dict]:
    """Return a child table's rows of one call as dicts, oldest first."""
    found = session.scalars(
        sa.select(model).where(model.call_id == call_id).order_by(model.id)
    ).all()
    columns = [c.key for c in sa.inspect(model).columns if c.key not in skip]
    out = []
    for row in found:
        item = {k: getattr(row, k) for k in columns}
        out.append({k: _iso(v) if isinstance(v, dt.datetime) else v for k, v in item.items()})
    return out


def call_detail(session: so.Session, call_id: int) -> dict | None:
    """Return one call with everything stored about it and a merged timeline; None if unknown."""
    call = session.get(Call, call_id)
    if call is None:
        return None
    detail = {
        "call": _call_dict(call),
        "turns": _rows(session, Turn, call_id),  # transcripts were redacted before storing
        "decisions": _rows(session, DecisionRow, call_id),
        "transfers": _rows(session, Transfer, call_id),
        "queue_entries": _rows(session, QueueEntry, call_id, "tried_agents"),
        "callbacks": _rows(session, Callback, call_id),
        "wrap_ups": _rows(session, WrapUp, call_id),
        "surveys": _rows(session, SurveyResponse, call_id),
        "events": _rows(session, CallEvent, call_id),
    }
    detail["timeline"] = timeline(detail)
    return detail


_STAMPS = {  # which timestamps of each kind of row go on the timeline
    "turns": ("created_at",),
    "decisions": ("created_at",),
    "transfers": ("created_at", "bridged_at", "ended_at"),
    "queue_entries": ("enqueued_at", "bridged_at", "ended_at"),
    "callbacks": ("requested_at", "completed_at"),
    "wrap_ups": ("created_at",),
    "surveys": ("created_at",),
    "events": ("at",),
}


def timeline(detail: dict) -> list[dict]:
    """Return every stamped moment of a call in order: {at, kind, what, row}."""
    moments = []
    for kind, stamps in _STAMPS.items():
        for row in detail[kind]:
            for stamp in stamps:
                if row.get(stamp):
                    moments.append({"at": row[stamp], "kind": kind, "what": stamp, "row": row})
    return sorted(moments, key=lambda m: m["at"])
