"""One request at a time: two requests in one breath, or only a topic, go to a person."""

import datetime as dt

import pytest

from voice.flow import CallerContext, Utterance, decide, load_callflow

from .conftest import DEMO

ACME = load_callflow(DEMO)
NOON = CallerContext(now=dt.datetime(2026, 3, 4, 12, 0, tzinfo=ACME.business.tz))


def decided(text):
    return decide(ACME, Utterance(text), NOON)


@pytest.mark.parametrize(
    "said",
    [
        "where is your store and can i rent a kayak there",
        "what are your hours and also whats your return policy",
        "how long does shipping take plus do you price match",
    ],
)
def test_two_different_requests_in_one_breath_go_to_a_person(said):
    decision = decided(said)
    assert (decision.action, decision.reason) == ("transfer", "two_requests")


@pytest.mark.parametrize(
    "said",
    [
        "its about an order",
        "um im calling about something i bought",
        "i have a question about a return",
    ],
)
def test_naming_only_a_topic_goes_to_a_person_rather_than_a_guess(said):
    decision = decided(said)
    assert (decision.action, decision.reason) == ("transfer", "vague")


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("what time do you open and close on saturday", "store_hours"),
        ("what are your hours and thanks", "store_hours"),
    ],
)
def test_one_request_joined_by_and_or_framed_by_about_is_still_answered(said, intent):
    decision = decided(said)
    assert (decision.action, decision.intent) == ("answer", intent)


def test_a_topic_followed_by_a_question_is_not_vague():
    assert decided("im calling about my order where is it").reason != "vague"
