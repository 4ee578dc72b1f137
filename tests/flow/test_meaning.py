"""Escalations by meaning: a caller going to a person reaches the team their story needs."""

import pytest
import yaml

from voice.flow import Utterance, decide, load_callflow, model, semantic

from .conftest import DESIGN_EXAMPLE, words_only

UTILITY = {
    "intents": {
        "outage_map": {
            "examples": ["is my power out", "where is the outage map", "when will power be back"],
            "answer": "Our outage map is at prairie energy dot com slash outages.",
        },
        "pay_bill": {
            "examples": ["how do i pay my bill", "can i pay online", "pay by phone"],
            "answer": "Pay online, by phone, or at any payment centre.",
        },
    },
    "escalations": {
        "emergency": {
            "examples": ["i smell gas", "a power line is down", "there are sparks", "gas leak"],
            "team": "dispatch",
            "priority": "urgent",
        },
    },
}


@pytest.fixture(scope="module")
def utility(tmp_path_factory):
    data = yaml.safe_load(DESIGN_EXAMPLE.read_text())
    data.update(UTILITY)
    data["teams"]["dispatch"] = {}
    path = tmp_path_factory.mktemp("flows") / "utility.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_callflow(path)


@pytest.mark.parametrize(
    "said",
    [
        "the electric line fell on my car",
        "there is a weird sulfur odor coming from the stove",
    ],
)
def test_a_story_that_means_an_escalation_reaches_its_team(utility, open_now, said):
    decision = decide(utility, Utterance(said), open_now)
    assert (decision.action, decision.reason) == ("transfer", "escalation:emergency")
    assert (decision.team, decision.priority) == ("dispatch", "urgent")
    assert "meaning" in decision.detail


@pytest.mark.parametrize("said", ["hi i have a question", "can i talk to a real person"])
def test_callers_with_no_story_keep_the_default_team(utility, open_now, said):
    decision = decide(utility, Utterance(said), open_now)
    assert (decision.action, decision.team) == ("transfer", "general")


def test_meaning_only_picks_the_team_of_a_transfer_never_an_answer(utility, open_now, monkeypatch):
    utility = words_only(utility)  # the static word vectors, when no understanding model is there
    # However close in meaning an escalation looks, a clear question is still answered …
    closest = semantic.Closest("emergency", 0.99)
    monkeypatch.setattr(semantic.MeaningIndex, "closest_escalation", lambda self, text: closest)
    answered = decide(utility, Utterance("how do i pay my bill online"), open_now)
    assert (answered.action, answered.intent) == ("answer", "pay_bill")
    # … and only a caller already going to a person is steered to that escalation's team.
    unsure = decide(utility, Utterance("something about my neighbour"), open_now)
    assert (unsure.action, unsure.reason, unsure.team) == (
        "transfer",
        "escalation:emergency",
        "dispatch",
    )


def test_without_the_embedding_model_words_alone_still_decide(monkeypatch, open_now):
    monkeypatch.setattr(model, "english_embedder", lambda: None)
    callflow = load_callflow(DESIGN_EXAMPLE)
    assert callflow.meaning is None
    said = Utterance("my husband passed away")
    assert decide(callflow, said, open_now).reason == "escalation:bereavement"
