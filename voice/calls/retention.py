"""Retention (caller's right 8): past its line's `retention_days`, a call keeps its figures only.

What goes, for each call older than its line's retention (RETENTION_DAYS when the line sets
none, or `voice purge --before-days N`):

- what the caller said: turns' transcripts and key presses become "[purged]" (so the funnel
  still counts a caller who spoke), survey answers' words, voicemail transcripts;
- what was said about the caller: decisions' spoken answers (lookups put order numbers and
  names in them), whispers to agents, agents' wrap-up notes, the timeline's TwiML and heard
  words (each entry keeps only its kind, time and non-identifying facts such as status, team,
  reason and duration);
- recordings' URLs (voicemails);
- the caller's number, on the call and its callbacks. It becomes `anon:` and a keyed hash
  (HMAC-SHA256 with the service's SECRET_KEY) of the number: nobody can read or search it, and
  nothing links it to a customer, yet two purged calls from one number still match, so "called
  again within 7 days" over old months reads the same. Without the key the number cannot be
  recovered by trying every phone number. A blank would make every purged call one caller.

What stays: outcomes, intents, reasons, teams, priorities, timings, durations, queue waits,
callback and survey counts and scores, wrap-up verdicts, so every dashboard figure for an old
month is unchanged. Customers and orders are the business's own records and stay; so do taught
examples, which became the business's own phrases when an admin accepted them.

The work runs in batches of BATCH calls, one short transaction each. Each batch first claims its
calls with one UPDATE (purged_at, skipping rows another process holds on PostgreSQL), so two
processes never purge one call twice, and a run after a crash carries on where it stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing.assign import rows_changed
from voice.store.db import Database
from voice.store.models import (
    Call,
    Callback,
    CallEvent,
    QueueEntry,
    SurveyResponse,
    Transfer,
    Turn,
    WrapUp,
    utcnow,
)
from voice.store.models import Decision as DecisionRow

if TYPE_CHECKING:  # annotations only: the lines, and the runtime the schedule runs it from
    from voice.routing.ports import LineBook
    from voice.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 200
PURGED = "[purged]"  # stands for words that were said, so "the caller spoke" still counts
ANON = "anon:"
# Timeline facts that say nothing about who called or what they said.
KEPT_DETAIL = frozenset({
    "action", "after_hours", "agent", "callback", "channel", "closest", "confidence",
    "duration_s", "entry", "event", "intent", "lookup", "path", "plan", "priority", "reason",
    "result", "score", "speech", "stage", "status", "team",
})  # fmt: skip
COUNTED = ("calls", "turns", "decisions", "transfers", "queue", "callbacks", "recordings",
           "wrap_ups", "surveys", "events")  # fmt: skip


def purge(rt: Runtime) -> dict[str, dict]:
    """Purge every line's calls past their retention (the housekeeping schedule calls this)."""
    settings = rt.settings
    done = purge_old(rt.db, rt.lines, settings.retention_days, utcnow(), key=rt.secret_key)
    for name, counts in done.items():
        if counts["calls"] or counts["callbacks"]:
            log.info("purged %s: %s", name, describe(counts))
    return done


def purge_old(
    db: Database,
    lines: LineBook,
    default_days: int,
    now: dt.datetime,
    *,
    key: str,
    before_days: int | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> dict[str, dict]:
    """Purge (or with dry_run, count) each line's calls older than its retention.

    Returns {line: {"days": N, "calls": …, "turns": …, …}}: rows that lost words or numbers.
    """
    out = {}
    for name, days in _lines_due(db, lines, default_days, before_days, now):
        cutoff = now - dt.timedelta(days=days)
        if dry_run:
            counts = _count(db, name, cutoff)
        else:
            counts = _purge_line(db, name, cutoff, now, key, batch)
        out[name] = {"days": days, **{k: counts[k] for k in COUNTED}}
    return out


def anonymise(number: str, key: str) -> str:
    """Return the stable, keyed stand-in for a caller's number ('' stays '')."""
    if not number or number.startswith(ANON):
        return number
    digest = hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()
    return ANON + digest[:20]


def describe(counts: dict) -> str:
    """Return the counts in words, for the log and `voice purge`."""
    parts = [f"{counts[k]} {k.replace('_', '-')}" for k in COUNTED[1:] if counts.get(k)]
    return f"{counts['calls']} calls" + (f" ({', '.join(parts)})" if parts else "")


def _lines_due(
    db: Database, lines: LineBook, default_days: int, before_days: int | None, now: dt.datetime
) -> list[tuple[str, int]]:
    """Return (line, days kept) for every loaded line and every line old calls still name."""
    days = {}
    for name in lines.names:
        days[name] = before_days or lines.by_name(name).retention_days or default_days
    shortest = min([*days.values(), before_days or default_days])
    with db.session() as s:
        named = s.scalars(
            sa.select(Call.callflow)
            .where(Call.purged_at.is_(None), Call.started_at < now - dt.timedelta(days=shortest))
            .distinct()
        )
        for name in named:  # a line whose file was removed keeps the default
            days.setdefault(name, before_days or default_days)
    return sorted(days.items())


def _due(name: str, cutoff: dt.datetime) -> sa.ColumnElement[bool]:
    return sa.and_(Call.callflow == name, Call.started_at < cutoff, Call.purged_at.is_(None))


def _purge_line(
    db: Database, name: str, cutoff: dt.datetime, now: dt.datetime, key: str, batch: int
) -> Counter:
    """Purge one line's due calls, one claimed batch per transaction."""
    counts: Counter = Counter()
    while True:
        with db.session() as s:
            claimed = _claim(s, name, cutoff, now, batch)
            if claimed:
                counts.update(_scrub(s, claimed, key))
        if len(claimed) < batch:
            break
    with db.session() as s:
        counts.update(_scrub_loose_callbacks(s, name, cutoff, key))
    return counts


def _claim(
    s: so.Session, name: str, cutoff: dt.datetime, now: dt.datetime, batch: int
) -> list[tuple[int, str]]:
    """Mark up to `batch` due calls purged; return their (id, caller number)."""
    due = so.aliased(Call)
    pick = (
        sa.select(due.id)
        .where(due.callflow == name, due.started_at < cutoff, due.purged_at.is_(None))
        .order_by(due.id)
        .limit(batch)
        .with_for_update(skip_locked=True)  # PostgreSQL: another process's batch is skipped
    )
    claim = (
        sa.update(Call)
        .where(Call.id.in_(pick.scalar_subquery()), Call.purged_at.is_(None))
        .values(purged_at=now, next_action=sa.null())
        .returning(Call.id, Call.from_number)
    )
    rows = s.execute(claim, execution_options={"synchronize_session": False})
    return [(row[0], row[1]) for row in rows]


def _scrub(s: so.Session, claimed: list[tuple[int, str]], key: str) -> Counter:
    """Remove words, recordings and numbers from the claimed calls and everything under them."""
    ids = [call_id for call_id, _ in claimed]
    numbers = [{"id": i, "from_number": anonymise(n, key)} for i, n in claimed]
    s.execute(sa.update(Call), numbers)
    counts = Counter(calls=len(ids))
    said = sa.or_(Turn.transcript.not_in(("", PURGED)), Turn.dtmf.not_in(("", PURGED)))
    counts["turns"] = _update(s, Turn, ids, said, transcript=_purged(Turn.transcript),
                              dtmf=_purged(Turn.dtmf))  # fmt: skip
    counts["decisions"] = _blank(s, DecisionRow, ids, DecisionRow.say)
    counts["transfers"] = _blank(s, Transfer, ids, Transfer.whisper)
    counts["queue"] = _blank(s, QueueEntry, ids, QueueEntry.whisper)
    counts["wrap_ups"] = _blank(s, WrapUp, ids, WrapUp.notes)
    counts["surveys"] = _blank(s, SurveyResponse, ids, SurveyResponse.raw)
    counts["events"] = _scrub_events(s, ids)
    counts.update(_scrub_callbacks(s, Callback.call_id.in_(ids), key))
    return counts


def _purged(column: so.InstrumentedAttribute[str]) -> sa.Case:
    return sa.case((column == "", ""), else_=PURGED)


def _update(
    s: so.Session, model: Any, ids: list[int], where: sa.ColumnElement[bool], **values: object
) -> int:  # `model`: any of the models with a call_id column
    stmt = sa.update(model).where(model.call_id.in_(ids), where).values(**values)
    return rows_changed(s.execute(stmt, execution_options={"synchronize_session": False}))


def _blank(s: so.Session, model: Any, ids: list[int], column: so.InstrumentedAttribute[str]) -> int:
    return _update(s, model, ids, column != "", **{column.key: ""})


def _scrub_events(s: so.Session, ids: list[int]) -> int:
    """Keep only non-identifying facts in the calls' timeline entries; return entries changed."""
    rows = s.execute(sa.select(CallEvent.id, CallEvent.detail).where(CallEvent.call_id.in_(ids)))
    changed = [
        {"id": event_id, "detail": kept}
        for event_id, detail in rows
        if (kept := kept_detail(detail)) != detail
    ]
    if changed:
        s.execute(sa.update(CallEvent), changed)
    return len(changed)


def kept_detail(detail: object) -> dict:
    """Return the timeline facts that stay after a purge (no words, numbers or TwiML)."""
    if not isinstance(detail, dict):
        return {}
    plain = (int, float, bool, type(None))
    return {
        k: v
        for k, v in detail.items()
        if k in KEPT_DETAIL and (isinstance(v, plain) or (isinstance(v, str) and len(v) <= 80))
    }


def _scrub_callbacks(s: so.Session, which: sa.ColumnElement[bool], key: str) -> Counter:
    """Anonymise callbacks' numbers, drop their words and recording URLs."""
    rows = s.execute(
        sa.select(Callback.id, Callback.number, Callback.recording_url).where(
            which,
            sa.or_(
                Callback.number.not_like(f"{ANON}%"),
                Callback.words != "",
                Callback.recording_url.is_not(None),
            ),
        )
    ).all()
    if rows:
        s.execute(
            sa.update(Callback),
            [{"id": i, "number": anonymise(n, key), "words": "", "recording_url": None}
             for i, n, _ in rows],
        )  # fmt: skip
    return Counter(callbacks=len(rows), recordings=sum(url is not None for *_, url in rows))


def _scrub_loose_callbacks(s: so.Session, name: str, cutoff: dt.datetime, key: str) -> Counter:
    """Purge the line's old callbacks that have no call row (a call is purged with its own)."""
    return _scrub_callbacks(
        s,
        sa.and_(
            Callback.call_id.is_(None), Callback.callflow == name, Callback.requested_at < cutoff
        ),
        key,
    )


def _count(db: Database, name: str, cutoff: dt.datetime) -> Counter:
    """Count what purging the line's due calls would change, changing nothing."""
    ids = sa.select(Call.id).where(_due(name, cutoff))
    said = sa.or_(Turn.transcript.not_in(("", PURGED)), Turn.dtmf.not_in(("", PURGED)))
    where: dict[str, tuple[Any, sa.ColumnElement[bool]]] = {
        "turns": (Turn, said),
        "decisions": (DecisionRow, DecisionRow.say != ""),
        "transfers": (Transfer, Transfer.whisper != ""),
        "queue": (QueueEntry, QueueEntry.whisper != ""),
        "wrap_ups": (WrapUp, WrapUp.notes != ""),
        "surveys": (SurveyResponse, SurveyResponse.raw != ""),
    }
    counts: Counter = Counter()
    with db.session() as s:
        counts["calls"] = s.scalar(sa.select(sa.func.count()).where(_due(name, cutoff))) or 0
        for label, (model, condition) in where.items():
            counted = sa.select(sa.func.count()).where(model.call_id.in_(ids), condition)
            counts[label] = s.scalar(counted) or 0
        details = s.scalars(sa.select(CallEvent.detail).where(CallEvent.call_id.in_(ids)))
        counts["events"] = sum(kept_detail(d) != d for d in details)
        loose = sa.and_(
            Callback.call_id.is_(None), Callback.callflow == name, Callback.requested_at < cutoff
        )
        callbacks = s.execute(
            sa.select(Callback.number, Callback.words, Callback.recording_url).where(
                sa.or_(Callback.call_id.in_(ids), loose)
            )
        ).all()
    for number, words, url in callbacks:
        if not number.startswith(ANON) or words or url is not None:
            counts["callbacks"] += 1
            counts["recordings"] += url is not None
    return counts
