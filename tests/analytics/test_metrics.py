"""Headline metrics from hand-built calls whose rates and percentiles are known."""

import datetime as dt

import pytest
from analytics_rows import T0, add_call, add_callback, add_queue, add_score, add_wrap_up

from voice import analytics
from voice.analytics import Period

MONTH = Period(T0 - dt.timedelta(days=1), T0 + dt.timedelta(days=30))
AGENT = (("transfer", "asked_for_human", None),)
FRAUD = (("transfer", "escalation:fraud", None),)


@pytest.fixture
def four_calls(db):
    """One self-served call, three that went to a person (bridged after 20, 40 and 100 s)."""
    with db.session() as s:
        add_call(s)
        a = add_call(s, outcome="transferred", decisions=AGENT, bridged_after_s=20, said="agent")
        b = add_call(s, outcome="transferred", decisions=AGENT, bridged_after_s=40, said="agent")
        c = add_call(s, outcome="transferred", decisions=FRAUD, bridged_after_s=100)
        add_queue(s, a, 10)
        add_queue(s, b, 30)
        add_queue(s, c, 90, status="abandoned")
        add_wrap_up(s, a)
        add_wrap_up(s, b, routing_right=False, right_target="team:care")
    return db


def test_summary_counts_containment_transfers_and_reasons(four_calls):
    with four_calls.session() as s:
        got = analytics.summary(s, MONTH)
    assert got["calls"] == 4
    assert got["self_served_rate"] == 0.25
    assert got["transfer_rate"] == 0.75
    assert got["transfers_by_reason"] == {
        "asked_for_human": {"count": 2, "rate": 0.5},
        "escalation:fraud": {"count": 1, "rate": 0.25},
    }
    assert got["outcomes"] == {
        "self_served": 1, "transferred": 3, "callback_requested": 0, "voicemail": 0,
        "unanswered": 0, "abandoned": 0, None: 0,
    }  # fmt: skip
    assert (got["misroutes"], got["wrap_ups_reviewed"]) == (1, 2)


def test_callbacks_and_voicemails_are_counted_by_how_the_calls_ended(db):
    with db.session() as s:
        done, waiting = (add_call(s, outcome="callback_requested", decisions=AGENT) for _ in "ab")
        add_callback(s, done, status="completed")
        add_callback(s, waiting)
        left = add_call(s, outcome="voicemail", decisions=AGENT)
        add_callback(s, left, kind="voicemail")
    with db.session() as s:
        got = analytics.summary(s, MONTH)
    assert got["callbacks"] == {"requested": 2, "completed": 1, "voicemails": 1}
    assert got["outcomes"]["callback_requested"] == 2 and got["outcomes"]["voicemail"] == 1
    assert got["outcomes"]["abandoned"] == 0 and got["transfer_rate"] == 1.0


def test_time_to_person_and_queue_wait_percentiles_are_interpolated(four_calls):
    with four_calls.session() as s:
        got = analytics.summary(s, MONTH)
    # bridged after 20, 40, 100 s: p50 is the middle one, p90 is 40 + 0.8 * 60
    assert got["time_to_person"] == {"p50": 40.0, "p90": 88.0, "n": 3}
    assert got["queue_wait"] == {"avg": 43.33, "p90": 78.0, "n": 3}
    assert got["queue_abandon_rate"] == pytest.approx(1 / 3, abs=1e-4)


def test_csat_is_averaged_per_path(db):
    with db.session() as s:
        served = add_call(s)
        person = add_call(s, outcome="transferred", decisions=AGENT, bridged_after_s=5)
        add_score(s, served, 2)
        add_score(s, served, 5)
        add_score(s, person, 4, path="human", channel="sms")
    with db.session() as s:
        csat = analytics.summary(s, MONTH)["csat"]
    assert csat == {"automated": {"avg": 3.5, "n": 2}, "human": {"avg": 4.0, "n": 1}}


def test_demo_calls_are_left_out_unless_asked_for(db):
    with db.session() as s:
        add_call(s)
        demo = add_call(s, outcome="transferred", decisions=AGENT, demo=True, bridged_after_s=9)
        add_score(s, demo, 1)
    with db.session() as s:
        real = analytics.summary(s, MONTH)
        both = analytics.summary(s, MONTH, include_demo=True)
        status = analytics.data_status(s)
    assert (real["calls"], real["self_served_rate"], real["time_to_person"]["n"]) == (1, 1.0, 0)
    assert real["csat"]["automated"]["n"] == 0
    assert (both["calls"], both["self_served_rate"], both["time_to_person"]["n"]) == (2, 0.5, 1)
    assert status == {"real_calls": 1, "demo_calls": 1}


def test_period_and_callflow_narrow_the_calls(db):
    with db.session() as s:
        add_call(s)
        add_call(s, at=T0 + dt.timedelta(days=40))
        add_call(s, callflow="pizza-shop")
    with db.session() as s:
        assert analytics.summary(s, MONTH)["calls"] == 2
        assert analytics.summary(s, MONTH, "acme-outfitters")["calls"] == 1


def test_an_empty_period_has_no_rates_rather_than_zero(db):
    with db.session() as s:
        got = analytics.summary(s, MONTH)
    assert got["calls"] == 0 and got["self_served_rate"] is None
    assert got["time_to_person"] == {"p50": None, "p90": None, "n": 0}


def test_daily_fills_every_day_and_splits_outcomes(four_calls):
    with four_calls.session() as s:
        add_call(s, at=T0 + dt.timedelta(days=2), outcome="abandoned", decisions=AGENT)
    week = Period.dates(T0.date(), T0.date() + dt.timedelta(days=6))
    with four_calls.session() as s:
        days = analytics.daily(s, week)
    assert len(days) == 7
    assert days[0] == {"date": "2026-03-02", "calls": 4, "self_served": 1, "transferred": 3,
                       "callback_requested": 0, "voicemail": 0, "unanswered": 0, "abandoned": 0,
                       "in_progress": 0}  # fmt: skip
    assert days[2]["abandoned"] == 1 and days[1]["calls"] == 0


def test_daily_buckets_by_the_local_day(db):
    with db.session() as s:
        add_call(s, at=dt.datetime(2026, 3, 3, 3, 0, tzinfo=dt.UTC))  # 9 PM on the 2nd in Chicago
    span = Period.dates(dt.date(2026, 3, 2), dt.date(2026, 3, 3), "America/Chicago")
    with db.session() as s:
        days = analytics.daily(s, span, tz="America/Chicago")
    assert [d["calls"] for d in days] == [1, 0]


def test_by_reason_says_how_many_of_each_reached_a_person(four_calls):
    with four_calls.session() as s:
        add_call(s, outcome="abandoned", decisions=FRAUD)
        rows = analytics.by_reason(s, MONTH)
    fraud = next(r for r in rows if r["reason"] == "escalation:fraud")
    assert (fraud["count"], fraud["bridged"], fraud["bridged_rate"]) == (2, 1, 0.5)
    assert rows[0]["count"] >= rows[-1]["count"]


def test_funnel_follows_calls_from_greeting_to_how_each_one_ended(four_calls):
    with four_calls.session() as s:
        add_call(s, outcome="abandoned", decisions=(("transfer", "silence", None),), said="")
        add_call(s, outcome="abandoned", decisions=AGENT)
        add_call(s, outcome="abandoned", decisions=(), said="")  # hung up during the greeting
        for outcome in ("callback_requested", "voicemail", "unanswered", None):
            add_call(s, outcome=outcome, decisions=AGENT)
        got = analytics.funnel(s, MONTH)
    assert got == {"greeting": 11, "answered": 1, "transferred": 9, "hung_up_early": 1,
                   "bridged": 3, "callback": 1, "voicemail": 1, "unanswered": 1, "abandoned": 2,
                   "on_the_line": 1}  # fmt: skip


def test_each_funnel_stage_is_part_of_the_one_before(four_calls):
    with four_calls.session() as s:
        add_call(s, outcome="abandoned", decisions=(("transfer", "silence", None),), said="")
        add_call(s, outcome="abandoned", decisions=(), said="")
        got = analytics.funnel(s, MONTH)
    second = got["answered"] + got["transferred"] + got["hung_up_early"]
    third = sum(got[k] for k in ("bridged", "callback", "voicemail", "unanswered", "abandoned",
                                 "on_the_line"))  # fmt: skip
    assert got["greeting"] >= second and got["transferred"] == third
