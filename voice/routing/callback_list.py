"""The callbacks an agent should work: real, still open, one per caller, most urgent first."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing.callbacks import callback_dict
from voice.store.models import Call, Callback, QueueEntry

OPEN = ("requested", "failed", "dialing")
RANKS = {"urgent": 0, "high": 1}


def _reached_since(s: so.Session, numbers: set[str]) -> dict[str, dt.datetime]:
    """Return, per number, the last time the caller reached a person (called back or answered)."""
    if not numbers:
        return {}
    called_back = s.execute(
        sa.select(Callback.number, sa.func.max(Callback.started_at))
        .where(Callback.status == "completed", Callback.number.in_(numbers))
        .group_by(Callback.number)
    ).all()
    answered = s.execute(
        sa.select(Call.from_number, sa.func.max(QueueEntry.bridged_at))
        .join(QueueEntry, QueueEntry.call_id == Call.id)
        .where(QueueEntry.bridged_at.is_not(None), Call.from_number.in_(numbers))
        .group_by(Call.from_number)
    ).all()
    last: dict[str, dt.datetime] = {}
    for number, at in [*called_back, *answered]:
        if at is not None:
            at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at  # SQLite's max()
            last[number] = max(at, last.get(number, at))
    return last


def agent_callbacks(s: so.Session, teams: list[str], agent_id: int) -> list[dict]:
    """Return the open, real callbacks for `teams` (or started by the agent), one per caller.

    A caller who asked more than once is listed once, with how many times and every voicemail;
    a request made before the caller last reached a person is done, so it is not listed.
    Urgent first, then high, then oldest first.
    """
    rows = s.scalars(
        sa.select(Callback).where(
            Callback.status.in_(OPEN),
            Callback.demo.is_(False),
            sa.or_(Callback.team.in_(teams), Callback.agent_id == agent_id),
        )
    ).all()
    reached = _reached_since(s, {r.number for r in rows})
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    live = [
        r for r in rows if r.status == "dialing" or r.requested_at > reached.get(r.number, never)
    ]
    live.sort(key=lambda r: (RANKS.get(r.priority, 2), r.requested_at, r.id))
    callers: dict[str, list[Callback]] = {}
    for row in live:
        callers.setdefault(row.number, []).append(row)
    return [_one_per_caller(s, group) for group in callers.values()]


def _one_per_caller(s: so.Session, group: list[Callback]) -> dict:
    """Return a caller's requests as one: the one being dialled, else the most urgent, oldest."""
    lead = next((r for r in group if r.status == "dialing"), group[0])
    out = callback_dict(s, lead)
    out["asked"] = len(group)
    out["voicemails"] = [r.recording_url for r in group if r.recording_url]
    out["words"] = " / ".join(dict.fromkeys(r.words for r in group if r.words))
    out["kind"] = "voicemail" if any(r.kind == "voicemail" for r in group) else lead.kind
    out["priority"] = group[0].priority  # the most urgent of them
    return out
