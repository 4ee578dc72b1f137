"""Simulated calls through the real webhooks move the dashboard's numbers as they should."""

import datetime as dt

import pytest

from voice import analytics
from voice.analytics import Period
from voice.sim.caller import Utter
from voice.sim.floor import CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE


@pytest.fixture
def live(app, db):
    seed_customers(db)
    with serve(app) as base:
        yield base


def place(base, *turns, rating=""):
    twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True,
                        caller=CallerPlan(rating=rating))  # fmt: skip
    return twilio.call(list(turns), "+15555550177", DEMO_LINE)


def numbers(db):
    today = Period.last_days(1, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    with db.session() as s:
        return (analytics.summary(s, today), analytics.funnel(s, today),
                {r["intent"]: r for r in analytics.per_intent(s, today)})  # fmt: skip


def test_an_answered_call_rated_4_counts_as_self_served_with_its_csat(live, db):
    report = place(live, Utter(text="what time do you close today"), Utter(text="no thanks"),
                   rating="4")  # fmt: skip
    assert any("1 to 5" in s.text for s in report.steps if s.kind == "say")
    summary, funnel, intents = numbers(db)
    assert (summary["calls"], summary["self_served_rate"]) == (1, 1.0)
    assert summary["csat"]["automated"] == {"avg": 4.0, "n": 1}
    assert funnel["answered"] == 1 and funnel["transferred"] == 0
    assert intents["store_hours"]["volume"] == 1


def test_a_caller_who_asks_for_a_person_moves_the_transfer_figures(live, db):
    place(live, Utter(text="what time do you close today"), Utter(text="no thanks"))
    place(live, Utter(text="agent please"))
    summary, funnel, _ = numbers(db)
    assert summary["calls"] == 2 and summary["self_served_rate"] == 0.5
    assert summary["transfers_by_reason"] == {"asked_for_human": {"count": 1, "rate": 0.5}}
    assert summary["time_to_person"]["n"] == 1 and summary["time_to_person"]["p50"] >= 0
    assert funnel["bridged"] == 1
    assert summary["csat"]["automated"]["n"] == 0  # silence at the rating is not a rating


def test_the_call_detail_shows_the_twiml_sent_and_the_rating(live, db):
    place(live, Utter(text="what time do you close today"), Utter(text="no thanks"), rating="5")
    with db.session() as s:
        (row,) = analytics.calls(s, {"intent": "store_hours"})["rows"]
        detail = analytics.call_detail(s, row["id"])
    assert [t["transcript"] for t in detail["turns"]] == ["what time do you close today",
                                                          "no thanks"]  # fmt: skip
    assert detail["surveys"][0]["score"] == 5
    twiml = [e["detail"]["xml"] for e in detail["events"] if e["kind"] == "twiml"]
    assert any("<Gather" in x and "/twilio/survey/voice" in x for x in twiml)
    kinds = [m["kind"] for m in detail["timeline"]]
    assert kinds.index("turns") < kinds.index("surveys")
