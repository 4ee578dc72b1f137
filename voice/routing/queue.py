"""The honest queue: a caller's position, the wait recent callers really had, the list."""

from __future__ import annotations

import datetime as dt
import statistics

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing.assign import primary
from voice.store.models import Call, Customer, QueueEntry

RECENT = 20  # answered callers the estimate looks at
MIN_SAMPLES = 5  # fewer than this and we say "a few minutes", never a made-up number
OPEN = ("waiting", "offered")


def position(s: so.Session, entry: QueueEntry) -> int:
    """Return the caller's place in line for their team and language: 1 is next."""
    ahead = s.scalar(
        sa.select(sa.func.count(QueueEntry.id)).where(
            QueueEntry.status == "waiting",
            QueueEntry.team == entry.team,
            QueueEntry.id != entry.id,
            sa.or_(
                QueueEntry.rank < entry.rank,
                sa.and_(
                    QueueEntry.rank == entry.rank,
                    sa.or_(
                        QueueEntry.enqueued_at < entry.enqueued_at,
                        sa.and_(
                            QueueEntry.enqueued_at == entry.enqueued_at,
                            QueueEntry.id < entry.id,
                        ),
                    ),
                ),
            ),
        )
    )
    return 1 + (ahead or 0)


def recent_waits(s: so.Session, team: str, language: str) -> list[float]:
    """Return how long the last answered callers for this team waited, in seconds."""
    rows = s.execute(
        sa.select(QueueEntry.enqueued_at, QueueEntry.bridged_at, QueueEntry.language)
        .where(QueueEntry.team == team, QueueEntry.bridged_at.is_not(None))
        .order_by(QueueEntry.bridged_at.desc())
        .limit(RECENT * 3)
    ).all()
    same = [(b - e).total_seconds() for e, b, lang in rows  # bridged_at is set (the query)
            if b is not None and primary(lang) == primary(language)]  # fmt: skip
    return same[:RECENT]


def estimated_wait_s(s: so.Session, entry: QueueEntry) -> int | None:
    """Return the median recent wait in seconds, or None when there are too few answers."""
    waits = recent_waits(s, entry.team, entry.language)
    return int(statistics.median(waits)) if len(waits) >= MIN_SAMPLES else None


def entry_dict(s: so.Session, entry: QueueEntry, now: dt.datetime) -> dict:
    """Return a queue entry as the console shows it."""
    call = s.get(Call, entry.call_id)
    number = call.from_number if call else ""
    name = s.scalar(sa.select(Customer.name).where(Customer.phone == number)) if number else None
    return {
        "id": entry.id,
        "call_id": entry.call_id,
        "number": number,
        "name": name,
        "callflow": entry.callflow,
        "team": entry.team,
        "language": entry.language,
        "priority": entry.priority,
        "reason": entry.reason,
        "status": entry.status,
        "agent_id": entry.agent_id,
        "waited_s": int(
            ((entry.bridged_at or entry.ended_at or now) - entry.enqueued_at).total_seconds()
        ),
        "enqueued_at": entry.enqueued_at.isoformat(),
    }


def open_entries(s: so.Session) -> list[QueueEntry]:
    """Return callers waiting or being offered, best first."""
    return list(
        s.scalars(
            sa.select(QueueEntry)
            .where(QueueEntry.status.in_(OPEN))
            .order_by(QueueEntry.rank, QueueEntry.enqueued_at, QueueEntry.id)
        )
    )
