"""Escalations by meaning: situations told in the caller's own words reach the right team."""

import pytest
import yaml

from voice.flow import Utterance, decide, load_callflow

from .conftest import DESIGN_EXAMPLE


@pytest.mark.parametrize(
    ("said", "reason", "team"),
    [
        ("we lost my grandmother yesterday", "escalation:bereavement", "care"),
        ("there's a charge i never made", "escalation:fraud", "security"),
        ("you gave me the wrong pills", "escalation:complaint", "care"),
        ("my phone was stolen where do i mail my payment", "escalation:fraud", "security"),
        (
            "uh my grandpa is no longer with us and his order is still coming",
            "escalation:bereavement",
            "care",
        ),
        ("i dont recognize a purchase on my statement", "escalation:fraud", "security"),
        ("someone placed an order on my account that wasnt me", "escalation:fraud", "security"),
        ("i misplaced my wallet with my acme card in it", "escalation:fraud", "security"),
        ("the tent pole snapped and cut my daughters face", "escalation:product_injury", "care"),
        ("my husband collapsed after using your bug spray", "escalation:product_injury", "care"),
        ("the guy at the register was really nasty to me", "escalation:complaint", "care"),
        ("shut down my account im done with you", "escalation:complaint", "care"),
        ("im handling my late brothers things", "escalation:bereavement", "care"),
        (
            "we need thirty jackets for our scouts is there a discount",
            "escalation:wholesale",
            "orders",
        ),
    ],
)
def test_situations_in_everyday_words_reach_the_escalation_team(demo, open_now, said, reason, team):
    decision = decide(demo, Utterance(said), open_now)
    assert (decision.action, decision.reason, decision.team) == ("transfer", reason, team)


@pytest.mark.parametrize(
    ("said", "topic", "priority"),
    [
        ("i cant catch my breath and my lips are turning blue", "medical", "urgent"),
        ("i got laid off and cant cover my payment this month", "hardship", "high"),
        ("i lost my debit card at the gas station", "lost_item", "high"),
        ("the pharmacy gave me someone elses pills", "medication", "high"),
        ("theres a rotten egg smell by the meter", "danger", "urgent"),
        ("my connecting flight left without me", "stranded", "high"),
        ("my luggage never showed up at baggage claim", "lost_item", "high"),
    ],
)
def test_a_sensitive_situation_no_escalation_takes_still_skips_the_bot(
    example, open_now, said, topic, priority
):
    decision = decide(example, Utterance(said), open_now)
    assert (decision.action, decision.reason) == ("transfer", f"escalation:{topic}")
    assert (decision.team, decision.priority) == ("general", priority)


def test_a_sales_topic_only_transfers_when_an_escalation_takes_it(demo, example, open_now):
    said = Utterance("do you do group discounts for our company")
    assert decide(demo, said, open_now).reason == "escalation:wholesale"
    assert decide(example, said, open_now).reason != "escalation:bulk"


def _with_intent_about_cancelling(tmp_path):
    data = yaml.safe_load(DESIGN_EXAMPLE.read_text())
    data["intents"]["cancel_appointment"] = {
        "examples": ["i need to cancel my appointment", "cancel my appointment please"],
        "answer": "Your appointment is cancelled; we'll text you to rebook.",
    }
    data["escalations"]["leaving"] = {
        "examples": ["i want to cancel my membership", "close my account"],
        "team": "care",
    }
    path = tmp_path / "clinic.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_callflow(path)


def test_an_intent_about_a_topic_answers_its_own_words_only(tmp_path, open_now):
    callflow = _with_intent_about_cancelling(tmp_path)
    mine = decide(callflow, Utterance("um i have to cancel my appointment"), open_now)
    assert (mine.action, mine.intent) == ("answer", "cancel_appointment")
    other = decide(callflow, Utterance("cancel my membership"), open_now)
    assert (other.action, other.reason, other.team) == ("transfer", "escalation:leaving", "care")


def test_a_topic_goes_to_the_escalation_most_of_whose_examples_are_about_it(tmp_path, open_now):
    data = yaml.safe_load(DESIGN_EXAMPLE.read_text())
    data["escalations"]["complaint"] = {
        "examples": ["i want to complain", "i was billed for a purchase i dont recognize"],
        "team": "care",
    }
    data["escalations"]["fraud"] = {
        "examples": ["someone stole my identity", "my account was hacked"],
        "team": "security",
    }
    data["teams"]["security"] = {}
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    decision = decide(load_callflow(path), Utterance("somebody hacked my login"), open_now)
    assert (decision.reason, decision.team) == ("escalation:fraud", "security")


def test_saying_the_business_name_is_not_a_question(tmp_path, open_now):
    data = yaml.safe_load(DESIGN_EXAMPLE.read_text())
    data["business"]["name"] = "Northstar Wireless"
    data["intents"]["store_address"] = {
        "examples": ["is there a northstar store near me", "what is your address"],
        "answer": "We're at 1 Main Street.",
    }
    path = tmp_path / "carrier.yaml"
    path.write_text(yaml.safe_dump(data))
    decision = decide(load_callflow(path), Utterance("hello is this northstar"), open_now)
    assert decision.action == "transfer"
