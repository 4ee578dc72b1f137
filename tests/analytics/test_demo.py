"""`voice demo seed`: a realistic month, flagged demo, replaceable, never mixed with real rows."""

import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa
from analytics_rows import add_call, add_callback, add_score, add_wrap_up

from voice import analytics
from voice.analytics import Period
from voice.analytics.demo import clear_demo, seed_demo
from voice.calls.outcomes import judge
from voice.flow import load_callflow
from voice.store.models import Call, Callback, Customer, SurveyResponse, WrapUp

from conftest import ROOT

NOW = dt.datetime(2026, 3, 31, 23, 0, tzinfo=dt.UTC)
MONTH = Period(NOW - dt.timedelta(days=30), NOW)


@pytest.fixture(scope="module")
def acme():
    return load_callflow(ROOT / "callflows" / "acme-outfitters.yaml")


@pytest.fixture
def seeded(db, acme):
    seed_demo(db, acme, now=NOW)
    return db


def count(db, model, *where):
    with db.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_seeding_again_replaces_rather_than_adds(db, acme):
    # how fast seeding is belongs to bench/analytics_bench.py, not to a timed test
    first = seed_demo(db, acme, now=NOW)
    again = seed_demo(db, acme, now=NOW)
    assert first == again and first["calls"] > 1000
    assert count(db, Call) == first["calls"]
    assert count(db, Call, Call.demo.is_(False)) == 0


def test_seeding_and_clearing_never_touch_real_rows(db, acme):
    with db.session() as s:
        real = add_call(s, at=NOW - dt.timedelta(days=2), number="+15555550100")
        add_callback(s, real)
        add_wrap_up(s, real)
        add_score(s, real, 5)
        s.add(Customer(phone="+15125550199", name="Real Person"))
    seed_demo(db, acme, now=NOW)
    clear_demo(db, customers=True)
    assert count(db, Call) == 1 and count(db, Callback) == 1
    assert count(db, WrapUp) == 1 and count(db, SurveyResponse) == 1
    assert count(db, Customer) == 1 and count(db, Customer, Customer.demo.is_(True)) == 0


def test_the_dashboard_counts_demo_calls_only_when_asked(seeded):
    with seeded.session() as s:
        assert analytics.summary(s, MONTH)["calls"] == 0
        assert analytics.summary(s, MONTH, include_demo=True)["calls"] > 1000
        assert analytics.data_status(s)["real_calls"] == 0


def test_the_demo_month_covers_every_kind_of_call(seeded):
    with seeded.session() as s:
        got = analytics.summary(s, MONTH, include_demo=True)
    reasons = set(got["transfers_by_reason"])
    assert {"asked_for_human", "no_match", "frustration", "repeat_caller", "followup"} <= reasons
    assert {"escalation:fraud", "escalation:complaint"} <= reasons
    assert 0.3 < got["self_served_rate"] < 0.8
    assert got["time_to_person"]["n"] > 100 and got["queue_abandon_rate"] > 0
    assert 0 < got["callbacks"]["completed"] < got["callbacks"]["requested"]
    assert got["misroutes"] > 0
    assert got["csat"]["automated"]["n"] > 30 and got["csat"]["human"]["n"] > 30


def test_weekdays_are_busier_than_sundays(seeded):
    with seeded.session() as s:
        days = analytics.daily(s, MONTH, include_demo=True, tz="America/Chicago")
    by_weekday = {}
    for day in days[1:-1]:  # whole days only
        weekday = dt.date.fromisoformat(day["date"]).weekday()
        by_weekday.setdefault(weekday, []).append(day["calls"])
    monday, sunday = by_weekday[0], by_weekday[6]
    assert sum(monday) / len(monday) > 2 * sum(sunday) / len(sunday)


def test_the_demo_shows_where_automation_hurts(seeded):
    with seeded.session() as s:
        rows = {r["intent"]: r for r in analytics.per_intent(s, MONTH, include_demo=True)}
    assert rows["order_status"]["hurts"] and rows["price_match"]["hurts"]
    assert not rows["store_hours"]["hurts"]
    assert rows["order_status"]["csat_automated"] < rows["order_status"]["csat_human"]


def test_every_demo_call_ends_as_the_live_service_would_judge_it(seeded):
    with seeded.session() as s:
        calls = s.scalars(sa.select(Call)).all()
        judged = Counter((call.outcome, judge(s, call)) for call in calls)
    assert all(stored == fresh for stored, fresh in judged), judged
    ended = Counter(stored for stored, _ in judged.elements())
    assert ended["callback_requested"] and ended["voicemail"]  # after hours, and from the line
