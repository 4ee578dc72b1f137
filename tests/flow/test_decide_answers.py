"""Simple requests are answered once, from the callflow; lookups fill in or go to a person."""

import datetime as dt
from dataclasses import replace

import pytest

from voice.flow import CallerContext, Utterance, decide, render_answer

ANSWERED = [
    ("what are your hours", "store_hours"),
    ("when do you close today", "store_hours"),
    ("are you open on sundays", "store_hours"),
    ("what time do you guys close", "store_hours"),
    ("um, what are your, uh, hours?", "store_hours"),
    ("WHAT TIME DO YOU OPEN TOMORROW", "store_hours"),
    ("what's your address", "store_address"),
    ("where's the store", "store_address"),
    ("has my package shipped", "order_status"),
    ("where's my package", "order_status"),
    ("i want to track my order", "order_status"),
    ("my order hasn't arrived yet", "order_status"),
    ("what's your return policy", "return_policy"),
    ("can i return something i bought online", "return_policy"),
    ("how long does shipping take", "shipping_times"),
    ("do you have gift cards", "gift_cards"),
    ("do you price match", "price_match"),
    ("can i rent a tent", "rentals"),
]


# The word matcher alone also answers these (no understanding model installed).
ANSWERED_BY_WORDS = [
    *ANSWERED,
    ("can you give me directions", "store_address"),
    ("do you have free shipping", "shipping_times"),
]


@pytest.mark.parametrize(("said", "intent"), ANSWERED)
def test_a_confident_intent_match_is_answered(demo, open_now, said, intent):
    decision = decide(demo, Utterance(said), open_now)
    assert (decision.action, decision.reason, decision.intent) == ("answer", "intent", intent)
    assert decision.team is None
    assert 0 < decision.score <= 1
    assert decision.say and "{business." not in decision.say and "{caller." not in decision.say


@pytest.mark.parametrize(("said", "intent"), ANSWERED_BY_WORDS)
def test_without_understanding_a_close_word_match_is_still_answered(
    demo_words, open_now, said, intent
):
    decision = decide(demo_words, Utterance(said), open_now)
    assert (decision.action, decision.reason, decision.intent) == ("answer", "intent", intent)
    assert decision.team is None
    assert 0 < decision.score <= 1
    assert decision.say and "{business." not in decision.say and "{caller." not in decision.say


def test_store_hours_answer_says_todays_hours(demo, open_now):
    decision = decide(demo, Utterance("what are your hours"), open_now)
    assert "Our hours today: 8 AM to 8 PM." in decision.say
    assert "Saturday 9 AM to 5 PM; Sunday closed" in decision.say


def test_design_example_answers_hours_with_business_hours_today(example):
    sunday = CallerContext(now=dt.datetime(2025, 3, 9, 11, 0, tzinfo=example.business.tz))
    saturday = CallerContext(now=dt.datetime(2025, 3, 8, 11, 0, tzinfo=example.business.tz))
    assert decide(example, Utterance("what are your hours"), saturday).say == (
        "We're open 9 AM to 5 PM today."
    )
    assert decide(example, Utterance("what are your hours"), sunday).say == (
        "We're open closed today."
    )


def test_hours_answer_without_a_clock_goes_to_a_person(example):
    decision = decide(example, Utterance("what are your hours"), CallerContext())
    assert (decision.action, decision.reason) == ("transfer", "lookup_failed")
    assert decision.detail["missing"] == ["business.hours_today"]


def test_lookup_intent_leaves_lookup_fields_for_render_answer(demo, open_now):
    decision = decide(demo, Utterance("where is my order"), open_now)
    assert (decision.action, decision.intent, decision.lookup) == (
        "answer",
        "order_status",
        "orders.latest_for_caller",
    )
    assert decision.say == "Your order {lookup.number} {lookup.status_phrase}."
    assert decision.as_json()["lookup"] == "orders.latest_for_caller"


def test_render_answer_fills_lookup_fields(demo, open_now):
    pending = decide(demo, Utterance("where is my order"), open_now)
    data = {"number": "A1042", "status": "shipped", "status_phrase": "has shipped with UPS"}
    final = render_answer(demo, pending, data, open_now)
    assert final.action == "answer"
    assert final.say == "Your order A1042 has shipped with UPS."
    assert final.lookup is None
    assert final.detail["lookup"] == "orders.latest_for_caller"


@pytest.mark.parametrize(
    "data",
    [None, {}, {"number": "A1042"}, {"number": "A1042", "status_phrase": ""}],
    ids=["no-data", "empty", "missing-field", "blank-field"],
)
def test_failed_lookup_goes_to_a_person(demo, open_now, data):
    pending = decide(demo, Utterance("where is my order"), open_now)
    final = render_answer(demo, pending, data, open_now)
    assert (final.action, final.reason, final.intent) == (
        "transfer",
        "lookup_failed",
        "order_status",
    )
    assert final.team == "general"
    assert final.say == demo.handoff_line("general")


def test_render_answer_leaves_decisions_without_a_lookup_alone(demo, open_now):
    decision = decide(demo, Utterance("what are your hours"), open_now)
    assert render_answer(demo, decision, None, open_now) is decision
    transfer = decide(demo, Utterance("agent"), open_now)
    assert render_answer(demo, transfer, {"number": "1"}, open_now) is transfer


def test_lookup_dates_are_said_in_words(demo, open_now):
    pending = decide(demo, Utterance("where is my order"), open_now)
    intent = demo.intents["order_status"]
    dated = replace(intent, answer="Order {lookup.number} was placed on {lookup.placed_on}.")
    flow = replace(demo, intents={**demo.intents, "order_status": dated})
    data = {"number": "7", "placed_on": dt.date(2025, 3, 4)}
    assert render_answer(flow, pending, data, open_now).say == "Order 7 was placed on March 4."


def test_caller_name_is_filled_and_tidied_when_unknown(demo, open_now):
    intent = replace(demo.intents["store_address"], answer="Thanks, {caller.name}. We're on Elm.")
    flow = replace(demo, intents={**demo.intents, "store_address": intent}).compile()
    known = replace(open_now, customer_name="Dana")
    assert (
        decide(flow, Utterance("what is your address"), known).say == "Thanks, Dana. We're on Elm."
    )
    assert decide(flow, Utterance("what is your address"), open_now).say == "Thanks. We're on Elm."


CLOSING = [
    "no",
    "nope",
    "no thanks",
    "no thank you",
    "that's all",
    "that's it",
    "that's all, thanks",
    "bye",
    "goodbye",
    "thank you",
    "thanks so much",
    "no i'm good",
    "i'm all set, thank you",
    "nothing else",
]


@pytest.mark.parametrize("said", CLOSING)
def test_saying_no_thanks_after_an_answer_ends_the_call_politely(demo, said):
    decision = decide(demo, Utterance(said), CallerContext(turn="followup"))
    assert (decision.action, decision.reason) == ("hangup", "done")
    assert decision.say == "Thanks for calling Acme Outfitters. Have a great day!"


def test_silence_after_an_answer_ends_the_call(demo):
    decision = decide(demo, Utterance("", confidence=0.0), CallerContext(turn="followup"))
    assert (decision.action, decision.reason, decision.say) == ("hangup", "done", demo.goodbye)


@pytest.mark.parametrize(
    "said",
    [
        "yes",
        "yes what are your hours",
        "where is my order",
        "no, where is my order",
        "thanks, and do you rent kayaks",
        "do you sell cars",
    ],
)
def test_a_second_request_goes_to_a_person_not_a_second_answer(demo, said):
    decision = decide(demo, Utterance(said), CallerContext(turn="followup"))
    assert (decision.action, decision.reason) == ("transfer", "followup")
    assert decision.team == "general"


def test_a_sensitive_topic_on_the_followup_turn_reaches_its_team(demo):
    decision = decide(demo, Utterance("no, my husband passed away"), CallerContext(turn="followup"))
    assert (decision.reason, decision.team) == ("escalation:bereavement", "care")


def test_a_misheard_goodbye_goes_to_a_person_rather_than_hanging_up(demo):
    decision = decide(demo, Utterance("bye", confidence=0.2), CallerContext(turn="followup"))
    assert (decision.action, decision.reason) == ("transfer", "low_confidence")


def test_decide_is_pure_and_repeatable(demo, open_now):
    first = decide(demo, Utterance("what are your hours"), open_now)
    again = decide(demo, Utterance("what are your hours"), open_now)
    assert first == again
