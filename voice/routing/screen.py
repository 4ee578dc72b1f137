"""Warm-transfer context: the screen pop an agent sees, and whether the caller sounded upset."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.store.models import Call, Customer, Order, QueueEntry, Turn
from voice.store.models import Decision as DecisionRow

if TYPE_CHECKING:  # annotations only
    from voice.flow.model import Callflow

HISTORY_DAYS = 30
UPSET_REASONS = ("frustration", "repeat_caller")
UPSET_TOPICS = ("complaint",)  # escalations that take these topics mean an unhappy caller


def sounded_upset(callflow: Callflow | None, reason: str) -> bool:
    """Return True for frustration, a repeat caller, or an escalation that takes complaints."""
    if reason in UPSET_REASONS:
        return True
    if not reason.startswith("escalation:"):
        return False
    name = reason.split(":", 1)[1]
    routes = callflow.topic_routes if callflow is not None else {}
    return any(routes.get(topic) == name for topic in UPSET_TOPICS)


def flags(callflow: Callflow | None, reason: str) -> list[str]:
    """Return the frustration and escalation flags the console shows in red."""
    out = [reason] if reason in UPSET_REASONS else []
    if reason.startswith("escalation:"):
        out.append(reason)
    if sounded_upset(callflow, reason) and "upset" not in out:
        out.append("upset")
    return out


def _customer(s: so.Session, number: str) -> dict | None:
    customer = s.scalars(sa.select(Customer).where(Customer.phone == number)).first()
    if customer is None:
        return None
    orders = s.scalars(
        sa.select(Order).where(Order.customer_id == customer.id).order_by(Order.placed_at.desc())
    ).all()
    return {
        "name": customer.name,
        "email": customer.email,
        "orders": [
            {
                "number": o.number,
                "status": o.status,
                "carrier": o.carrier,
                "eta": o.eta.isoformat() if o.eta else None,
                "placed_at": o.placed_at.isoformat(),
            }
            for o in orders
        ],
    }


def _history(s: so.Session, call: Call) -> list[dict]:
    since = call.started_at - dt.timedelta(days=HISTORY_DAYS)
    calls = s.scalars(
        sa.select(Call)
        .where(
            Call.from_number == call.from_number,
            Call.id != call.id,
            Call.started_at >= since,
            Call.demo.is_(call.demo),
        )
        .order_by(Call.started_at.desc())
        .limit(20)
    ).all()
    return [{**_last_decision(s, c.id), "started_at": c.started_at.isoformat(),
             "outcome": c.outcome or "unfinished", "call_id": c.id} for c in calls]  # fmt: skip


def _last_decision(s: so.Session, call_id: int) -> dict:
    row = s.scalars(
        sa.select(DecisionRow)
        .where(DecisionRow.call_id == call_id, DecisionRow.action != "hangup")
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return {"intent": None, "reason": None, "priority": "normal", "team": None}
    return {"intent": row.intent, "reason": row.reason, "priority": row.priority, "team": row.team}


def screen_pop(s: so.Session, callflow: Callflow | None, call: Call, now: dt.datetime) -> dict:
    """Return everything an agent should see before saying hello."""
    entry = s.scalars(
        sa.select(QueueEntry).where(QueueEntry.call_id == call.id).order_by(QueueEntry.id.desc())
    ).first()
    decided = _last_decision(s, call.id)
    turns = s.scalars(sa.select(Turn).where(Turn.call_id == call.id).order_by(Turn.id)).all()
    reason = (entry.reason if entry else decided["reason"]) or ""
    start = entry.enqueued_at if entry else call.started_at
    end = (entry.bridged_at or entry.ended_at) if entry else None
    return {
        "call_id": call.id,
        "call_sid": call.sid,
        "number": call.from_number,
        "callflow": call.callflow,
        "customer": _customer(s, call.from_number),
        "transcript": [{"stage": t.stage, "text": t.transcript, "dtmf": t.dtmf} for t in turns],
        "intent": decided["intent"],
        "reason": reason,
        "team": entry.team if entry else decided["team"],
        "priority": entry.priority if entry else decided["priority"],
        "flags": flags(callflow, reason),
        "waited_s": int(((end or now) - start).total_seconds()),
        "whisper": entry.whisper if entry else "",
        "history": _history(s, call),
    }
