"""Retention (right 8): old calls lose the caller's words, recordings and number, keep figures."""

import datetime as dt
import json
import re
import threading

import pytest
import sqlalchemy as sa
from analytics_rows import add_call

from voice import analytics
from voice.analytics import Period
from voice.analytics.demo import seed_demo
from voice.calls.lines import Lines
from voice.calls.retention import PURGED, anonymise, purge, purge_old
from voice.flow import load_callflow
from voice.store.db import Database
from voice.store.models import (
    Base,
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

from conftest import ROOT

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
KEY = "retention-test-key"
CALLER = "+15125550123"
SAID = "my card is [redacted] and jane said hello"
ACME = "acme-outfitters"


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def lines(tmp_path):
    """The demo line, keeping calls for `retention_days: 30`; other lines use the default."""
    folder = tmp_path / "callflows"
    folder.mkdir()
    text = (ROOT / "callflows" / f"{ACME}.yaml").read_text()
    (folder / f"{ACME}.yaml").write_text(
        re.sub(r"(?m)^retention_days: \d+", "retention_days: 30", text)
    )
    loaded = Lines(folder)
    assert loaded.load() == []
    return loaded


def full_call(s, at, callflow=ACME, number=CALLER, demo=False):
    """Add a call with every kind of row that can hold the caller's words or number."""
    call = add_call(s, at=at, number=number, said=SAID, callflow=callflow, demo=demo,
                    outcome="transferred", decisions=(("transfer", "asked_for_human", None),),
                    bridged_after_s=30)  # fmt: skip
    call.next_action = {"say": f"calling you back on {number}"}
    s.add(Turn(call_id=call.id, stage="followup", transcript="", dtmf="4111111111", source="dtmf"))
    s.add(Turn(call_id=call.id, stage="followup", transcript="", source="none"))
    s.add(DecisionRow(call_id=call.id, action="answer", reason="intent", intent="order_status",
                      say="Your order 12345678 for Jane has shipped."))  # fmt: skip
    s.execute(sa.update(Transfer).where(Transfer.call_id == call.id).values(
        whisper=f"Jane Doe calling from {number} said: {SAID}"))  # fmt: skip
    s.add(QueueEntry(call_id=call.id, callflow=callflow, team="general", language="en",
                     reason="asked_for_human", whisper="Jane Doe, card question", status="bridged",
                     enqueued_at=at, bridged_at=at + dt.timedelta(seconds=20)))  # fmt: skip
    s.add(Callback(call_id=call.id, callflow=callflow, number=number, words=f"voicemail: {SAID}",
                   reason="asked_for_human", team="general", kind="voicemail",
                   recording_url="https://api.twilio.com/rec/RE123", requested_at=at))  # fmt: skip
    s.add(WrapUp(call_id=call.id, disposition="resolved", routing_right=False,
                 right_target="intent:order_status", notes="Jane, card ends 1111"))  # fmt: skip
    s.add(SurveyResponse(call_id=call.id, channel="sms", path="human", score=4,
                         raw="4 thanks jane"))  # fmt: skip
    for kind, detail in [
        ("incoming", {"from": number, "to": "+15005550100", "speech": "vosk"}),
        ("twiml", {"path": "/twilio/voice", "xml": f"<Say>{SAID}</Say>"}),
        ("decision", {"action": "transfer", "reason": "asked_for_human", "say": SAID}),
        ("hung_up", {"stage": "followup", "heard": SAID}),
        ("survey_failed", {"channel": "sms", "error": f"cannot text {number}"}),
        ("status", {"status": "completed", "duration_s": 95}),
    ]:
        s.add(CallEvent(call_id=call.id, kind=kind, detail=detail, at=at))
    s.flush()
    return call.id


def rows_of(s, call_id):
    """Return every stored row that belongs to a call, as text."""
    out = [json.dumps({c.key: str(getattr(s.get(Call, call_id), c.key)) for c in Call.__table__.c})]
    for table in Base.metadata.sorted_tables:
        if "call_id" in table.c and table.name != "agents":
            for row in s.execute(sa.select(table).where(table.c.call_id == call_id)).mappings():
                out.append(json.dumps({k: str(v) for k, v in row.items()}))
    return out


def run(db, lines, **options):
    return purge_old(db, lines, 90, NOW, key=KEY, **options)


def test_an_old_call_keeps_no_words_recordings_or_caller_number(db, lines):
    with db.session() as s:
        old, recent = full_call(s, days_ago(31)), full_call(s, days_ago(29))
    done = run(db, lines)
    assert done[ACME]["days"] == 30
    assert done[ACME]["calls"] == 1 and done[ACME]["recordings"] == 1
    with db.session() as s:
        stored = "\n".join(rows_of(s, old))
        for secret in ("5550123", "jane", "card", "RE123", "12345678", "4111", "<Say>"):
            assert secret not in stored.lower(), secret
        assert "5550123" in "\n".join(rows_of(s, recent))  # inside retention: untouched
        call = s.get(Call, old)
        assert call.from_number == anonymise(CALLER, KEY) and call.from_number.startswith("anon:")
        assert call.next_action is None and call.purged_at == NOW
        said = s.scalars(sa.select(Turn.transcript).where(Turn.call_id == old).order_by(Turn.id))
        assert list(said) == [PURGED, "", ""]  # a caller who spoke still counts as heard
        events = dict(s.execute(sa.select(CallEvent.kind, CallEvent.detail)
                                .where(CallEvent.call_id == old)).all())  # fmt: skip
    assert events["incoming"] == {"speech": "vosk"}
    assert events["twiml"] == {"path": "/twilio/voice"}
    assert events["decision"] == {"action": "transfer", "reason": "asked_for_human"}
    assert events["status"] == {"status": "completed", "duration_s": 95}


def test_what_the_figures_need_stays_on_a_purged_call(db, lines):
    with db.session() as s:
        old = full_call(s, days_ago(31))
    run(db, lines)
    with db.session() as s:
        call = s.get(Call, old)
        assert (call.outcome, call.status, call.callflow) == ("transferred", "completed", ACME)
        reasons = s.scalars(sa.select(DecisionRow.reason).where(DecisionRow.call_id == old))
        assert sorted(reasons) == ["asked_for_human", "intent"]
        transfer = s.scalars(sa.select(Transfer).where(Transfer.call_id == old)).one()
        assert transfer.bridged_at - transfer.created_at == dt.timedelta(seconds=30)
        wrap = s.scalars(sa.select(WrapUp).where(WrapUp.call_id == old)).one()
        assert (wrap.routing_right, wrap.right_target) == (False, "intent:order_status")
        assert (
            s.scalars(sa.select(SurveyResponse.score).where(SurveyResponse.call_id == old)).one()
            == 4
        )
        callback = s.scalars(sa.select(Callback).where(Callback.call_id == old)).one()
        assert (callback.kind, callback.recording_url, callback.words) == ("voicemail", None, "")


def test_each_line_keeps_calls_for_its_own_retention_and_others_for_the_default(db, lines):
    with db.session() as s:
        acme_old, acme_kept = full_call(s, days_ago(40)), full_call(s, days_ago(20))
        other_kept = full_call(s, days_ago(40), callflow="gone-line")
        other_old = full_call(s, days_ago(95), callflow="gone-line", demo=True)  # demo: same rule
    done = run(db, lines)
    assert (done[ACME]["days"], done["gone-line"]["days"]) == (30, 90)
    with db.session() as s:
        purged = set(s.scalars(sa.select(Call.id).where(Call.purged_at.is_not(None))))
    assert purged == {acme_old, other_old}
    assert {acme_kept, other_kept}.isdisjoint(purged)


def test_before_days_overrides_every_line_for_one_run(db, lines):
    with db.session() as s:
        young = full_call(s, days_ago(6))
        younger = full_call(s, days_ago(4), callflow="gone-line")
    done = run(db, lines, before_days=5)
    assert {name: d["calls"] for name, d in done.items()} == {ACME: 1}  # gone-line: none due
    with db.session() as s:
        assert s.get(Call, young).purged_at is not None
        assert s.get(Call, younger).purged_at is None


def test_a_dry_run_counts_exactly_what_a_purge_then_removes_and_changes_nothing(db, lines):
    with db.session() as s:
        for days in (31, 45, 60, 10):
            full_call(s, days_ago(days))
        s.add(Callback(callflow=ACME, number="+15125550999", words="call me", reason="asked",
                       team="general", requested_at=days_ago(50)))  # fmt: skip
    with db.session() as s:
        before = [rows_of(s, i) for i in s.scalars(sa.select(Call.id).order_by(Call.id))]
    planned = run(db, lines, dry_run=True)
    with db.session() as s:
        assert [rows_of(s, i) for i in s.scalars(sa.select(Call.id).order_by(Call.id))] == before
    assert planned == run(db, lines)
    assert planned[ACME]["calls"] == 3 and planned[ACME]["callbacks"] == 4  # 3 + one with no call
    with db.session() as s:
        loose = s.scalars(sa.select(Callback).where(Callback.call_id.is_(None))).one()
        assert (loose.number, loose.words) == (anonymise("+15125550999", KEY), "")


def test_purging_again_changes_nothing_and_batches_cover_every_call(db, lines):
    with db.session() as s:
        ids = [full_call(s, days_ago(31 + i), number=f"+1512555{i:04d}") for i in range(7)]
    first = run(db, lines, batch=3)
    assert first[ACME]["calls"] == 7 and first[ACME]["turns"] == 14
    with db.session() as s:
        numbers = dict(s.execute(sa.select(Call.id, Call.from_number)).all())
    again = run(db, lines, batch=3)
    assert all(again[ACME][k] == 0 for k in again[ACME] if k != "days")
    with db.session() as s:
        assert dict(s.execute(sa.select(Call.id, Call.from_number)).all()) == numbers
    assert [numbers[i] for i in ids] == [anonymise(f"+1512555{i:04d}", KEY) for i in range(7)]


def test_two_processes_purging_at_once_purge_each_call_once(db, lines, database_url):
    with db.session() as s:
        for i in range(60):
            full_call(s, days_ago(31 + i % 20), number=f"+1512555{i:04d}")
    results, errors = [], []

    def worker():
        own = Database(database_url)  # its own engine and connections, like another process
        try:
            results.append(purge_old(own, lines, 90, NOW, key=KEY, batch=7))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.dispose()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert errors == []
    assert sum(r[ACME]["calls"] for r in results) == 60
    assert sum(r[ACME]["turns"] for r in results) == 120
    with db.session() as s:
        numbers = sorted(s.scalars(sa.select(Call.from_number)))
    assert numbers == sorted(anonymise(f"+1512555{i:04d}", KEY) for i in range(60))


FIGURES = ("summary", "by_reason", "daily", "funnel", "per_intent", "repeat_rate_by_intent")


def figures(db, period):
    with db.session() as s:
        return {name: getattr(analytics, name)(s, period, include_demo=True) for name in FIGURES}


@pytest.fixture
def demo_month(db):
    """A realistic month of demo calls, ending 120 days ago."""
    end = NOW - dt.timedelta(days=120)
    seed_demo(db, load_callflow(ROOT / "callflows" / f"{ACME}.yaml"), now=end)
    return Period(end - dt.timedelta(days=30), end)


def test_dashboard_figures_for_a_purged_month_are_unchanged(db, lines, demo_month):
    before = figures(db, demo_month)
    assert before["summary"]["calls"] > 1000 and before["per_intent"]
    done = run(db, lines)
    assert done[ACME]["calls"] == before["summary"]["calls"]
    assert done[ACME]["turns"] > 0 and done[ACME]["events"] > 0
    assert figures(db, demo_month) == before
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).where(Call.from_number.like("+%"))) == 0


def test_a_month_half_purged_keeps_its_figures_repeat_callers_once_the_week_after_is_too(
    db, lines, demo_month
):
    """Repeat callers are matched within 7 days: a call just past the cutoff matches again once
    the later calls are purged too (same keyed stand-in). Every other figure never changes."""
    whole = figures(db, demo_month)
    cutoff = demo_month.end - dt.timedelta(days=15)
    settled = Period(demo_month.start, cutoff - dt.timedelta(days=7))
    early = figures(db, settled)
    run(db, lines, before_days=(NOW - cutoff).days)
    after = figures(db, demo_month)
    for name in ("summary", "by_reason", "daily", "funnel"):
        assert after[name] == whole[name], name
    assert figures(db, settled) == early


def test_the_service_purge_uses_the_runtime_lines_settings_and_key(make_app, db):
    rt = make_app(retention_days=60).extensions["voice"]
    ago = utcnow() - dt.timedelta(days=61)
    with db.session() as s:
        line_keeps, default_purges = full_call(s, ago), full_call(s, ago, callflow="gone-line")
    done = purge(rt)
    assert (done[ACME]["days"], done[ACME]["calls"]) == (90, 0)  # the demo line says 90
    assert (done["gone-line"]["days"], done["gone-line"]["calls"]) == (60, 1)  # RETENTION_DAYS
    with db.session() as s:
        assert s.get(Call, default_purges).from_number == anonymise(CALLER, rt.secret_key)
        assert s.get(Call, line_keeps).from_number == CALLER
