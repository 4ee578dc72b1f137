"""The bank of common requests: loads, is big enough, and offers an intent only what fits it."""

import dataclasses

import pytest

from voice.flow import load_callflow
from voice.flow.bank import kinds_for, load_bank, suggestions
from voice.flow.text import normalise

from .conftest import KOREAN, words_only

KINDS = {"hours", "location_and_directions", "payment_address", "order_status", "returns",
         "prices", "contact"}  # fmt: skip


@pytest.fixture(params=["meaning", "words"])
def line(request, demo, demo_words):
    """Return the demo line read by meaning (understanding model) or, degraded, by words."""
    if request.param == "words":
        return demo_words
    if demo.understanding is None:
        pytest.skip("no understanding model installed (voice models download nlu-en)")
    return demo


def test_the_english_bank_loads_every_kind_with_enough_natural_paraphrases():
    bank = load_bank("en-US")
    assert set(bank) == KINDS
    for kind in bank.values():
        assert 25 <= len(kind.paraphrases) <= 40, kind.name
        assert len(set(kind.paraphrases)) == len(kind.paraphrases), kind.name
        assert all(p == p.lower().strip() and 2 <= len(p.split()) <= 12 for p in kind.paraphrases)
        assert kind.title


def test_a_language_without_a_bank_gets_no_suggestions():
    korean = load_callflow(KOREAN)
    assert load_bank(korean.language) == {}
    assert all(suggestions(korean, name) == [] for name in korean.intents)


def test_an_hours_intent_is_offered_hours_paraphrases(line):
    assert kinds_for(line, "store_hours") == ["hours"]
    offered = suggestions(line, "store_hours")
    assert 1 <= len(offered) <= 8
    assert set(offered) <= set(load_bank("en")["hours"].paraphrases)


def test_each_intent_is_matched_to_the_kind_it_asks_for(line):
    assert kinds_for(line, "store_address") == ["location_and_directions"]
    assert kinds_for(line, "order_status") == ["order_status"]
    assert kinds_for(line, "return_policy") == ["returns"]


def test_an_intent_the_bank_knows_nothing_like_gets_no_suggestions(line):
    assert suggestions(line, "gift_cards") == []
    assert suggestions(line, "no_such_intent") == []


def test_a_paraphrase_the_intent_already_has_is_never_offered(line):
    offered = suggestions(line, "store_hours", limit=40)
    written = ["What time do you OPEN?", "are you open, now"]  # as an operator might type them
    assert {"what time do you open", "are you open now"} <= set(offered)
    hours = line.intents["store_hours"]
    taught = dataclasses.replace(
        line,
        intents=line.intents
        | {"store_hours": dataclasses.replace(hours, examples=(*hours.examples, *written))},
    )
    taught = words_only(taught) if line.understanding is None else taught
    again = suggestions(taught, "store_hours", limit=40)
    assert "what time do you open" not in again and "are you open now" not in again
    have = {normalise(e, line.lexicon).tokens for e in taught.intents["store_hours"].examples}
    assert not [p for p in again if normalise(p, line.lexicon).tokens in have]


def test_suggestions_come_most_similar_first_and_respect_the_limit(line):
    assert len(suggestions(line, "store_hours", limit=3)) == 3
    assert suggestions(line, "store_hours", limit=3) == suggestions(line, "store_hours")[:3]
