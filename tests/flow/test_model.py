"""A Callflow is indexed when it is made, so decide() only reads it (DESIGN: decide() is pure)."""

from voice.flow import decide
from voice.flow import model as flow_model
from voice.flow.model import Business, Callflow, Intent
from voice.flow.types import Utterance

BUILT = {"lexicon", "signals", "matcher", "topic_routes", "topic_claims", "team_names"}


def _made_in_code() -> Callflow:
    hours = Intent("store_hours", ("what are your hours", "when do you open"), "Nine to five.")
    return Callflow(
        name="shop",
        business=Business("Shop"),
        greeting="I'm an automated assistant; say agent for a person.",
        intents={"store_hours": hours},
    )


def test_a_callflow_made_in_code_is_indexed_before_any_decision():
    callflow = _made_in_code()
    assert set(vars(callflow)) >= BUILT  # cached_property stores each index on the instance
    assert "understanding" in vars(callflow)  # asked once (None when there is no model)


def test_deciding_builds_nothing_on_a_callflow_that_never_met_the_loader(monkeypatch, open_now):
    callflow = _made_in_code()

    def refuse(*_args, **_kwargs):
        raise AssertionError("decide() built an index: it would do I/O on the first call")

    for builder in ("Matcher", "Signals", "lexicon_for", "english_embedder", "calibration_for"):
        monkeypatch.setattr(flow_model, builder, refuse)
    monkeypatch.setattr("voice.nlu.encoder.encoder_for", refuse)
    got = decide(callflow, Utterance("what are your hours"), open_now)
    assert (got.action, got.intent) == ("answer", "store_hours")
