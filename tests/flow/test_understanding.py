"""Understanding by meaning: paraphrases answered, and only when the learned confidence is sure."""

import datetime as dt
import json
import shutil
from dataclasses import replace

import pytest
import yaml

from voice.flow import CallerContext, Utterance, decide, load_callflow
from voice.flow.text import normalise
from voice.nlu import encoder

from .conftest import DEMO, KOREAN, words_only
from conftest import NLU_EN, needs_nlu

pytestmark = needs_nlu


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("i bought boots that dont fit can i bring them back", "return_policy"),
        ("has my order left the warehouse yet", "order_status"),
    ],
)
def test_a_paraphrase_the_words_alone_miss_is_answered_by_meaning(demo, open_now, said, intent):
    by_meaning = decide(demo, Utterance(said), open_now)
    by_words = decide(words_only(demo), Utterance(said), open_now)
    assert (by_meaning.action, by_meaning.intent) == ("answer", intent)
    assert by_meaning.detail["confidence"] >= demo.calibration.threshold
    assert by_words.action == "transfer"


def test_a_caller_who_says_an_example_nearly_word_for_word_is_answered(demo, open_now):
    decision = decide(demo, Utterance("what's your address"), open_now)
    assert (decision.action, decision.intent) == ("answer", "store_address")


@pytest.mark.parametrize(
    "said", ["what's the weather like tomorrow", "tell me a joke", "who won the game last night"]
)
def test_questions_no_business_answers_are_never_answered(demo, open_now, said):
    assert decide(demo, Utterance(said), open_now).action == "transfer"


def test_an_unsure_match_goes_to_a_person_with_what_was_closest(demo, open_now):
    decision = decide(demo, Utterance("how many days does delivery usually take"), open_now)
    assert (decision.action, decision.reason) == ("transfer", "no_match")
    assert decision.detail["closest"][:2] == ["intent", "shipping_times"]
    assert decision.detail["confidence"] < demo.calibration.threshold


def test_what_the_line_was_taught_not_to_answer_is_never_answered(tmp_path, open_now):
    said = "i bought boots that dont fit can i bring them back"
    data = yaml.safe_load(DEMO.read_text())
    data["out_of_scope"] = ["i bought boots that dont fit can i bring them back please"]
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data))
    decision = decide(load_callflow(path), Utterance(said), open_now)
    assert decision.action == "transfer"
    assert decision.detail["closest"][0] == "out_of_scope"


def test_a_story_nearest_an_escalation_goes_to_its_team_never_answered(demo, open_now):
    decision = decide(demo, Utterance("the stove you sold me caught fire in my kitchen"), open_now)
    assert decision.action == "transfer"
    assert decision.reason.startswith("escalation:")


def test_the_shipped_confidence_reads_only_features_the_line_computes(demo):
    assert demo.calibration is not None
    text = normalise("where are you located", demo.lexicon)
    reading = demo.understanding.read(text, demo.matcher.rank(text))
    assert [f for f in demo.calibration.features if f not in reading.features] == []


def test_a_model_with_no_shipped_confidence_never_answers_by_meaning(demo, open_now, monkeypatch):
    line = replace(demo)
    line.__dict__["calibration"] = None
    decision = decide(line, Utterance("has my order left the warehouse yet"), open_now)
    assert decision.action == "transfer"  # the words alone decide, as with no model
    assert decide(line, Utterance("what are your hours"), open_now).intent == "store_hours"


def test_a_line_in_another_language_decides_by_its_own_words_without_a_multilingual_model(
    korean,
):
    assert korean.understanding is None


def test_a_line_in_another_language_uses_a_multilingual_model_when_one_is_installed(
    tmp_path, monkeypatch
):
    multi = tmp_path / "multi"
    shutil.copytree(NLU_EN, multi)
    manifest = json.loads((multi / "voice-nlu.json").read_text())
    manifest.update(id="multilingual-test", languages=["*"])
    (multi / "voice-nlu.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("NLU_MODEL_KO", str(multi))
    encoder.reset()
    try:
        line = load_callflow(KOREAN)
        assert line.understanding is not None
        assert line.understanding.embedder.id == "multilingual-test"
        assert line.calibration is None  # no confidence for it: meaning never answers
        monday = CallerContext(now=dt.datetime(2025, 3, 3, 10, 0, tzinfo=line.business.tz))
        decision = decide(line, Utterance("영업 시간"), monday)  # answered by its own words
        assert (decision.action, decision.intent) == ("answer", "store_hours")
    finally:
        monkeypatch.delenv("NLU_MODEL_KO")
        encoder.reset()
