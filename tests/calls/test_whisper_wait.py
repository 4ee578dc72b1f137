"""The whisper's "Waited N seconds": from when the caller was handed to people, on every route."""

import datetime as dt

import pytest
import sqlalchemy as sa
from floor_support import add_agents, ask, set_open

from voice.calls.actions import Dial
from voice.store.models import Call, QueueEntry, Transfer

GREETING_AND_WORDS = dt.timedelta(seconds=100)  # before the caller asked for a person
WAITED = dt.timedelta(seconds=7)  # after


@pytest.fixture
def rt(app, monkeypatch):
    set_open(monkeypatch)
    return app.extensions["voice"]


def backdate(db, sid, *, handed_over, table):
    """Start the call 100 s ago, and hand it to people 7 s ago (the line, or the first dial)."""
    with db.session() as s:
        call = s.scalars(sa.select(Call).where(Call.sid == sid)).one()
        call.started_at -= GREETING_AND_WORDS
        for row in s.scalars(sa.select(table).where(table.call_id == call.id)):
            setattr(row, handed_over, getattr(row, handed_over) - WAITED)


def dial_of(plan):
    return next(step for step in plan.steps if isinstance(step, Dial))


def test_the_whisper_counts_the_wait_from_the_first_dial_when_no_agents_take_the_team(rt, db):
    sid, plan = ask(rt, "agent please")
    backdate(db, sid, handed_over="created_at", table=Transfer)
    _callflow, said = rt.service.whisper(dial_of(plan).transfer_id)
    assert said.endswith("Waited 7 seconds.")


def test_the_whisper_counts_the_wait_from_joining_the_line_on_the_floor(rt, db):
    add_agents(rt.floor, 1)
    sid, plan = ask(rt, "agent please")
    backdate(db, sid, handed_over="enqueued_at", table=QueueEntry)
    _callflow, said = rt.service.whisper(dial_of(plan).transfer_id)
    assert said.endswith("Waited 7 seconds.")
