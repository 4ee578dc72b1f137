"""Callbacks and voicemails: what the caller asked for, kept until an agent calls them back."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.privacy import redact
from voice.routing.assign import rows_changed
from voice.store.models import Call, Callback, Customer, Turn
from voice.store.models import Decision as DecisionRow

STATUSES = ("requested", "dialing", "completed", "failed")


def words_of(s: so.Session, call_id: int) -> str:
    """Return what the caller said on the call, already redacted when it was stored."""
    said = s.scalars(sa.select(Turn.transcript).where(Turn.call_id == call_id).order_by(Turn.id))
    return " / ".join(t for t in said if t)


def request_callback(
    s: so.Session, call: Call, kind: str, team: str, priority: str, reason: str
) -> Callback:
    """Store (once per call and kind) the caller's request to be called back."""
    found = s.scalars(
        sa.select(Callback).where(Callback.call_id == call.id, Callback.kind == kind)
    ).first()
    if found is not None:
        return found
    row = Callback(
        call_id=call.id,
        callflow=call.callflow,
        number=call.from_number,
        words=words_of(s, call.id),
        reason=reason,
        team=team,
        priority=priority,
        kind=kind,
        demo=call.demo,
    )
    s.add(row)
    s.flush()
    return row


def last_transfer(s: so.Session, call: Call) -> DecisionRow | None:
    """Return the call's latest decision to send the caller to a person."""
    return s.scalars(
        sa.select(DecisionRow)
        .where(DecisionRow.call_id == call.id, DecisionRow.action == "transfer")
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).first()


def add_voicemail(
    s: so.Session, call: Call, team: str, recording_url: str, transcript: str, keep: tuple = ()
) -> Callback:
    """Store or complete the voicemail for a call: its recording and its (redacted) transcript."""
    decided = last_transfer(s, call)
    row = request_callback(
        s,
        call,
        "voicemail",
        decided.team if decided and decided.team else team,
        decided.priority if decided else "normal",
        decided.reason if decided else "voicemail",
    )
    if recording_url:
        row.recording_url = recording_url
    if transcript:
        said = redact(transcript, keep)
        row.words = f"{row.words} / voicemail: {said}" if row.words else f"voicemail: {said}"
    return row


def claim_callback(s: so.Session, callback_id: int, agent_id: int, now: dt.datetime) -> bool:
    """Mark a callback as being dialled by an agent; False if someone else started it."""
    result = s.execute(
        sa.update(Callback)
        .where(Callback.id == callback_id, Callback.status.in_(("requested", "failed")))
        .values(status="dialing", agent_id=agent_id, started_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def callback_dict(s: so.Session, row: Callback) -> dict:
    """Return a callback as the console shows it."""
    name = s.scalar(sa.select(Customer.name).where(Customer.phone == row.number))
    return {
        "id": row.id,
        "call_id": row.call_id,
        "kind": row.kind,
        "number": row.number,
        "name": name,
        "words": row.words,
        "reason": row.reason,
        "team": row.team,
        "priority": row.priority,
        "recording_url": row.recording_url,
        "status": row.status,
        "agent_id": row.agent_id,
        "requested_at": row.requested_at.isoformat(),
        "started_at": row.started_at.isoformat() if row.started_at else None,
        "completed_at": row.completed_at.isoformat() if row.completed_at else None,
    }


def list_callbacks(s: so.Session, status: str | None = None) -> list[Callback]:
    """Return callbacks, open ones by priority then age; all of one status when asked."""
    query = sa.select(Callback)
    if status:
        query = query.where(Callback.status == status)
    rank = sa.case({"urgent": 0, "high": 1}, value=Callback.priority, else_=2)
    return list(s.scalars(query.order_by(rank, Callback.requested_at, Callback.id)))
