"""Migration 0008: calls stored as "abandoned" that asked for a callback or left a voicemail."""

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command

from voice.store.db import Database, alembic_config
from voice.store.models import Call, Callback, CallEvent, Transfer
from voice.store.models import Decision as DecisionRow

from conftest import PG_URL, _own_database, drop_postgres_database, fresh_postgres_database

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def old_database(tmp_path):
    """Return a database migrated up to 0007, the schema before true outcomes."""
    url = (
        _own_database(PG_URL.replace("/voice_test", "/voice_outcomes"))
        if PG_URL
        else f"sqlite:///{tmp_path / 'old.db'}"
    )
    if PG_URL:
        fresh_postgres_database(url)
    command.upgrade(alembic_config(url), "0007")
    database = Database(url)
    yield database
    database.dispose()
    if PG_URL:
        drop_postgres_database(url)


def _call(s, sid: str, outcome: str, *actions: str) -> Call:
    call = Call(sid=sid, from_number="+15125550001", to_number="+15005550100",
                callflow="acme-outfitters", outcome=outcome, started_at=T0)  # fmt: skip
    s.add(call)
    s.flush()
    for action in actions:
        s.add(DecisionRow(call_id=call.id, action=action, reason="asked_for_human"))
    return call


def _leave(s, call: Call, kind: str) -> None:
    s.add(Callback(call_id=call.id, callflow=call.callflow, number=call.from_number,
                   reason="asked_for_human", team="general", kind=kind))  # fmt: skip


def test_stored_callbacks_and_voicemails_get_their_own_outcome(old_database):
    with old_database.session() as s:
        callback = _call(s, "CA1", "abandoned", "transfer")
        _leave(s, callback, "callback")
        voicemail = _call(s, "CA2", "abandoned", "transfer")
        _leave(s, voicemail, "voicemail")
        by_event = _call(s, "CA3", "abandoned", "transfer")  # its callback row was deleted
        s.add(CallEvent(call_id=by_event.id, kind="callback_requested", detail={}))
        _call(s, "CA4", "abandoned", "transfer")
        _call(s, "CA5", "self_served", "answer", "transfer")  # asked for more, then hung up
        _call(s, "CA6", "self_served", "answer")
        bridged = _call(s, "CA7", "transferred", "transfer")
        s.add(Transfer(call_id=bridged.id, team="general", target="+1", reason="x",
                       bridged_at=T0))  # fmt: skip
        _leave(s, bridged, "callback")  # called back after a person already spoke with them
        running = _call(s, "CA8", None, "transfer")
        _leave(s, running, "voicemail")
    old_database.upgrade()
    with old_database.session() as s:
        outcomes = dict(s.execute(sa.select(Call.sid, Call.outcome)).all())
    assert outcomes == {
        "CA1": "callback_requested",
        "CA2": "voicemail",
        "CA3": "callback_requested",
        "CA4": "abandoned",
        "CA5": "abandoned",
        "CA6": "self_served",
        "CA7": "transferred",
        "CA8": None,  # still on the line: judged when it ends
    }


def test_the_migration_goes_back_to_abandoned(old_database):
    with old_database.session() as s:
        _leave(s, _call(s, "CA1", "abandoned", "transfer"), "voicemail")
    old_database.upgrade()
    command.downgrade(alembic_config(old_database.url), "0007")
    with old_database.session() as s:
        assert s.scalar(sa.select(Call.outcome)) == "abandoned"
