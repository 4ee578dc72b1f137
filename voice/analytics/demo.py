"""`voice demo seed`: a month of demo calls on the demo line, flagged demo=True, replaceable.

Seeding first removes every demo row, so running it again replaces the month (never adds a
second). Real rows are never touched: every delete is limited to rows flagged demo, or to
children of demo calls.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from voice.analytics.demo_story import Moment, Story, first_decision, repeat_odds, tell
from voice.store.db import Database
from voice.store.demo import DEMO_CUSTOMERS, seed_customers
from voice.store.models import (
    Agent,
    Call,
    Callback,
    CallEvent,
    Customer,
    Order,
    QueueEntry,
    SurveyResponse,
    Transfer,
    Turn,
    WrapUp,
    utcnow,
)
from voice.store.models import Decision as DecisionRow

DEMO_CALLFLOW = "acme-outfitters"
SIMULATED = sa.and_(Call.demo.is_(False), Call.speech == "text")  # placed with `voice call --text`
PER_DAY = 80  # new callers on an ordinary weekday
WEEKDAY = (1.25, 1.1, 1.0, 1.0, 0.9, 0.55, 0.3)  # Monday is busiest, Sunday quietest
HOURS = {7: 1, 8: 4, 9: 7, 10: 9, 11: 10, 12: 9, 13: 8, 14: 7, 15: 7, 16: 8, 17: 8, 18: 5,
         19: 3, 20: 1}  # fmt: skip # local hour: how many callers, relatively
RUSH = {10: 1.8, 11: 2.4, 12: 2.0, 16: 1.5, 17: 1.6}  # queue waits in the busy hours
CHILDREN = {
    "turns": Turn,
    "decisions": DecisionRow,
    "transfers": Transfer,
    "queue": QueueEntry,
    "callbacks": Callback,
    "wrap_ups": WrapUp,
    "surveys": SurveyResponse,
    "events": CallEvent,
}


def seed_demo(
    db: Database, callflow: object, now: dt.datetime | None = None, days: int = 30, seed: int = 6
) -> dict[str, int]:
    """Replace the demo calls with `days` days of new ones up to `now`; return row counts."""
    if callflow.name != DEMO_CALLFLOW:
        raise ValueError(f"demo calls are written for {DEMO_CALLFLOW}, not {callflow.name}")
    now = now or dt.datetime.now(dt.UTC)
    clear_demo(db)
    seed_customers(db, now.date())
    stories = _month(random.Random(seed), callflow, now, days)
    with db.session() as s:
        calls = [Call(**story.call) for story in stories]
        s.add_all(calls)
        s.flush()  # one INSERT … RETURNING for all the calls' ids
        counts = {"calls": len(calls)}
        for key, table in CHILDREN.items():
            rows = [
                {**row, "call_id": call.id}
                for call, story in zip(calls, stories, strict=True)
                for row in getattr(story, key)
            ]
            if rows:
                s.execute(sa.insert(table), rows)
            counts[key] = len(rows)
    return counts


def clear_demo(db: Database, customers: bool = False) -> dict[str, int]:
    """Delete every demo call and its rows (and demo customers if asked); real rows stay."""
    demo_calls = sa.select(Call.id).where(Call.demo.is_(True))
    counts = {}
    with db.session() as s:
        s.execute(sa.update(Agent).where(Agent.call_id.in_(demo_calls)).values(call_id=None))
        for key, table in CHILDREN.items():
            flagged = table.call_id.in_(demo_calls)
            if hasattr(table, "demo"):
                flagged = sa.or_(flagged, table.demo.is_(True))
            counts[key] = s.execute(sa.delete(table).where(flagged)).rowcount
        counts["calls"] = s.execute(sa.delete(Call).where(Call.demo.is_(True))).rowcount
        if customers:
            demo_people = sa.select(Customer.id).where(Customer.demo.is_(True))
            s.execute(sa.delete(Order).where(Order.customer_id.in_(demo_people)))
            counts["customers"] = s.execute(
                sa.delete(Customer).where(Customer.demo.is_(True))
            ).rowcount
    return counts


def simulated_calls(db: Database) -> int:
    """Return how many stored calls were placed by the simulator (`voice call`, `demo calls`)."""
    with db.session() as s:
        return s.scalar(sa.select(sa.func.count(Call.id)).where(SIMULATED)) or 0


def clear_simulated(db: Database) -> dict[str, int]:
    """Delete the simulator's calls and their rows, and free the agents they held; return counts.

    An agent still held by one of those calls (offered, talking, wrap-up) is available again.
    Calls from real phones (Twilio's recognizer, `speech` "vosk") stay.
    """
    ids = sa.select(Call.id).where(SIMULATED)
    counts = {}
    with db.session() as s:
        counts["agents"] = s.execute(
            sa.update(Agent).where(Agent.call_id.in_(ids)).values(
                call_id=None, presence="available", presence_at=utcnow(), idle_since=utcnow(),
                wrap_up_until=None,
            )
        ).rowcount  # fmt: skip
        for key, table in reversed(CHILDREN.items()):  # decisions name their turns: first
            counts[key] = s.execute(sa.delete(table).where(table.call_id.in_(ids))).rowcount
        counts["calls"] = s.execute(sa.delete(Call).where(SIMULATED)).rowcount
    return counts


def _month(rng: random.Random, callflow: object, now: dt.datetime, days: int) -> list[Story]:
    """Draw the new callers of each day, then the ones who call again."""
    zone = callflow.business.tz
    today = now.astimezone(zone).date()
    stories, pending = [], []
    for back in range(days, -1, -1):
        day = today - dt.timedelta(days=back)
        volume = round(PER_DAY * WEEKDAY[day.weekday()] * rng.uniform(0.85, 1.15))
        for hour in rng.choices(list(HOURS), weights=list(HOURS.values()), k=volume):
            local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
            at = local.replace(tzinfo=zone).astimezone(dt.UTC)
            if now - dt.timedelta(days=days) <= at < now:
                pending.append((at, _number(rng), first_decision(rng)))
    while pending:
        at, number, first = pending.pop()
        local = at.astimezone(zone)
        when = Moment(at, callflow.is_open(at), RUSH.get(local.hour, 1.0), now)
        story = tell(rng, when, number, first)
        stories.append(story)
        if rng.random() < repeat_odds(story):
            again = at + dt.timedelta(hours=rng.uniform(1, 160))
            if again < now:
                pending.append((again, number, _second(rng, story, again - at)))
    return sorted(stories, key=lambda story: story.call["started_at"])


def _second(rng: random.Random, story: Story, gap: dt.timedelta) -> tuple:
    """Return what a caller wants when they call again: a person, or the same question."""
    if gap < dt.timedelta(hours=24):
        return ("transfer", "repeat_caller", None)  # the line sends same-day callers to people
    if story.intent and rng.random() < 0.5:
        return ("answer", "intent", story.intent)
    return ("transfer", "asked_for_human", None)


def _number(rng: random.Random) -> str:
    """Return a caller's number: now and then a demo customer, usually a stranger."""
    if rng.random() < 0.08:
        return rng.choice(DEMO_CUSTOMERS)[0]
    return f"+1{rng.choice(('512', '737', '210', '830'))}555{rng.randrange(10_000):04d}"
