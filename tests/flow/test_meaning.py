"""Escalations by meaning: a caller going to a person reaches the team their story needs."""

import pytest
import yaml

from voice.flow import Utterance, decide, load_callflow, model

from .conftest import DESIGN_EXAMPLE

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


def test_meaning_never_answers_a_caller(utility, open_now):
    decision = decide(utility, Utterance("my lights went out is there a map"), open_now)
    assert decision.reason != "escalation:emergency"
    assert decision.action in ("answer", "transfer")
    if decision.action == "answer":
        assert "meaning" not in decision.detail


def test_without_the_embedding_model_words_alone_still_decide(monkeypatch, open_now):
    monkeypatch.setattr(model, "english_embedder", lambda: None)
    callflow = load_callflow(DESIGN_EXAMPLE)
    assert callflow.meaning is None
    said = Utterance("my husband passed away")
    assert decide(callflow, said, open_now).reason == "escalation:bereavement"
