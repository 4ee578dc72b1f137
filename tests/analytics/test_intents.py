"""Per-intent figures and the rule that marks where automation hurts."""

import datetime as dt

from analytics_rows import T0, add_call, add_score, add_wrap_up

from voice import analytics
from voice.analytics import Period
from voice.analytics.intents import CSAT_GAP, MIN_CALLS, MIN_SURVEYS, REPEAT_GAP, verdict

MONTH = Period(T0 - dt.timedelta(days=1), T0 + dt.timedelta(days=30))
ORDER = (("answer", "intent", "order_status"),)
ORDER_THEN_PERSON = (("answer", "intent", "order_status"), ("transfer", "followup", None))


def _calls(s, n, decisions, outcome, start_number, repeat_every=0, bridged=None):
    made = []
    for i in range(n):
        number = f"+1512555{start_number + i:04d}"
        at = T0 + dt.timedelta(hours=i)
        made.append(add_call(s, at=at, outcome=outcome, decisions=decisions, number=number,
                             bridged_after_s=bridged))  # fmt: skip
        if repeat_every and i % repeat_every == 0:  # the same caller again, two days later
            add_call(s, at=at + dt.timedelta(days=2), decisions=(), number=number)
    return made


def by_intent(db):
    with db.session() as s:
        return {r["intent"]: r for r in analytics.per_intent(s, MONTH)}


def test_volume_self_served_and_repeats_are_counted_per_intent(db):
    with db.session() as s:
        _calls(s, 4, ORDER, "self_served", 0, repeat_every=2)
        failed = (("transfer", "lookup_failed", "order_status"),)
        add_call(s, outcome="abandoned", decisions=failed, number="+15125559999")
        add_call(s, at=T0 + dt.timedelta(days=9), number="+15125550000", decisions=())
    row = by_intent(db)["order_status"]
    assert row["volume"] == 5
    assert row["self_served_rate"] == 0.8
    assert row["repeat_within_7d_rate"] == 0.4  # the call 9 days later is not a repeat


def test_automation_hurts_when_answered_callers_call_back_far_more(db):
    with db.session() as s:
        _calls(s, MIN_CALLS, ORDER, "self_served", 0, repeat_every=2)  # half call again
        _calls(s, MIN_CALLS, ORDER_THEN_PERSON, "transferred", 100, bridged=30)  # none do
    row = by_intent(db)["order_status"]
    assert row["automated"]["repeat_rate"] == 0.5 and row["human"]["repeat_rate"] == 0.0
    assert row["hurts"] and "called again within 7 days" in row["why"]


def test_no_verdict_without_enough_calls_on_both_paths(db):
    with db.session() as s:
        _calls(s, MIN_CALLS, ORDER, "self_served", 0, repeat_every=1)
        _calls(s, MIN_CALLS - 1, ORDER_THEN_PERSON, "transferred", 100, bridged=30)
    row = by_intent(db)["order_status"]
    assert not row["hurts"] and row["why"].startswith("too few calls")


def test_automation_hurts_when_people_are_rated_clearly_higher(db):
    with db.session() as s:
        for call in _calls(s, MIN_SURVEYS, ORDER, "self_served", 0):
            add_score(s, call, 2)
        for call in _calls(s, MIN_SURVEYS, ORDER_THEN_PERSON, "transferred", 100, bridged=5):
            add_score(s, call, 5, path="human", channel="sms")
    row = by_intent(db)["order_status"]
    assert (row["csat_automated"], row["csat_human"]) == (2.0, 5.0)
    assert row["hurts"] and "rated the assistant 2.0 of 5 and people 5.0" in row["why"]


def test_an_agent_marking_the_real_intent_counts_the_call_on_its_human_path(db):
    with db.session() as s:
        call = add_call(s, outcome="transferred", decisions=(("transfer", "no_match", None),),
                        bridged_after_s=20)  # fmt: skip
        add_wrap_up(s, call, routing_right=False, right_target="intent:price_match")
        add_score(s, call, 4, path="human", channel="sms")
        wrong = add_call(s, decisions=ORDER)
        add_wrap_up(s, wrong, routing_right=False, right_target="team:orders")
    rows = by_intent(db)
    assert rows["price_match"]["human"]["calls"] == 1 and rows["price_match"]["csat_human"] == 4.0
    assert rows["order_status"]["misroutes"] == 1


def test_the_rule_needs_the_gap_not_just_any_difference():
    auto = {"calls": 50, "repeat_rate": 0.2, "csat": 4.0, "csat_n": 20}
    close = {"calls": 50, "repeat_rate": 0.2 - REPEAT_GAP / 2, "csat": 4.0 + CSAT_GAP / 2,
             "csat_n": 20}  # fmt: skip
    assert verdict(auto, close) == (False, "the assistant does about as well as people here")
    far = {**close, "csat": 4.0 + CSAT_GAP}
    assert verdict(auto, far)[0]


def test_repeat_rate_by_intent_splits_the_paths(db):
    with db.session() as s:
        _calls(s, 2, ORDER, "self_served", 0, repeat_every=1)
        _calls(s, 2, ORDER_THEN_PERSON, "transferred", 100, bridged=30)
        rows = analytics.repeat_rate_by_intent(s, MONTH)
    assert rows == [{"intent": "order_status", "calls": 4, "repeats": 2, "rate": 0.5,
                     "automated_rate": 1.0, "human_rate": 0.0}]  # fmt: skip
