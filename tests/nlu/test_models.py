from __future__ import annotations

import pytest

from voice.nlu.models import (
    NluModelMissing,
    find_nlu_model,
    installed_nlu_models,
    nlu_model_status,
    verify_nlu_model,
)

from nlu.fake_wheel import make_model


@pytest.fixture
def places(tmp_path, home):
    """Return one model for English in each place lookup visits, keyed by the place's name."""
    return {
        "NLU_MODEL_EN": make_model(tmp_path / "own", "en-by-variable", ["en"]),
        "NLU_MODEL_PATH": make_model(tmp_path / "path", "en-by-path", ["en"]),
        "MODELS_DIR": make_model(tmp_path / "models", "en-in-models-dir", ["en"]),
        "cache": make_model(home / ".cache" / "voice" / "nlu", "en-in-cache", ["en"]),
    }


def test_the_language_variable_beats_every_other_place(places, settings_for, monkeypatch):
    monkeypatch.setenv("NLU_MODEL_EN", str(places["NLU_MODEL_EN"]))
    settings = settings_for(NLU_MODEL_PATH=str(places["NLU_MODEL_PATH"]))
    assert find_nlu_model("en-US", settings).id == "en-by-variable"


def test_nlu_model_path_beats_models_dir_and_the_cache(places, settings_for):
    settings = settings_for(NLU_MODEL_PATH=str(places["NLU_MODEL_PATH"]))
    assert find_nlu_model("en-US", settings).id == "en-by-path"


def test_models_dir_beats_the_cache(places, settings_for):
    assert find_nlu_model("en-GB", settings_for()).id == "en-in-models-dir"


def test_the_cache_is_the_last_place_looked(home, settings_for):
    make_model(home / ".cache" / "voice" / "nlu", "en-in-cache", ["en"])
    assert find_nlu_model("en", settings_for()).id == "en-in-cache"


def test_a_languages_own_model_beats_a_multilingual_one_found_earlier(tmp_path, settings_for):
    multi = make_model(tmp_path / "path", "multi", ["*"])
    make_model(tmp_path / "models", "english", ["en"])
    assert find_nlu_model("en-US", settings_for(NLU_MODEL_PATH=str(multi))).id == "english"


def test_a_multilingual_model_serves_a_language_without_its_own(tmp_path, settings_for):
    make_model(tmp_path / "models", "english", ["en"])
    make_model(tmp_path / "models", "multi", ["*"])
    assert find_nlu_model("ko-KR", settings_for()).id == "multi"


def test_a_folder_without_a_manifest_is_ignored(tmp_path, settings_for):
    bare = make_model(tmp_path / "models", "bare", ["en"])
    (bare / "voice-nlu.json").unlink()
    with pytest.raises(NluModelMissing):
        find_nlu_model("en-US", settings_for())
    assert installed_nlu_models(settings_for()) == []


def test_a_missing_model_error_names_every_place_looked(tmp_path, home, settings_for):
    settings = settings_for(NLU_MODEL_PATH=str(tmp_path / "nowhere"))
    with pytest.raises(NluModelMissing) as caught:
        find_nlu_model("en-US", settings)
    message = str(caught.value)
    assert f"NLU_MODEL_PATH={tmp_path / 'nowhere'}" in message
    assert f"MODELS_DIR={tmp_path / 'models'}" in message
    assert f"~/.cache/voice/nlu={home / '.cache' / 'voice' / 'nlu'}" in message
    assert "voice models download nlu-en" in message


def test_a_language_variable_naming_no_model_is_an_error_naming_the_variable(
    tmp_path, settings_for, monkeypatch
):
    monkeypatch.setenv("NLU_MODEL_EN", str(tmp_path / "typo"))
    make_model(tmp_path / "models", "english", ["en"])  # not used: the operator chose a path
    with pytest.raises(NluModelMissing, match=f"NLU_MODEL_EN={tmp_path / 'typo'}"):
        find_nlu_model("en-US", settings_for())


def test_a_model_whose_files_match_its_manifest_verifies(tmp_path):
    assert verify_nlu_model(make_model(tmp_path, "ok", ["en"])) == []


def test_a_hand_made_model_without_checksums_verifies_while_its_files_are_there(tmp_path):
    model = make_model(tmp_path, "hand-made", ["en"], checksums=False)
    assert verify_nlu_model(model) == []
    (model / "tokenizer.json").unlink()
    assert verify_nlu_model(model) == ["missing tokenizer.json"]


def test_verify_names_missing_files_and_checksum_mismatches(tmp_path):
    model = make_model(tmp_path, "damaged", ["en"])
    (model / "config.json").unlink()
    (model / "model.onnx").write_bytes(b"flipped bits")
    problems = verify_nlu_model(model)
    assert problems[0] == "missing config.json"
    assert problems[1].startswith("model.onnx: checksum mismatch (sha256 ")
    assert len(problems) == 2


def test_verify_without_a_manifest_says_so(tmp_path):
    assert verify_nlu_model(tmp_path) == ["no readable voice-nlu.json"]


def test_status_gives_each_language_its_model_or_what_is_wrong(tmp_path, settings_for):
    model = make_model(tmp_path / "models", "english", ["en"])
    status = nlu_model_status(["en-US", "ko-KR"], settings_for())
    assert status["en-US"] == {"model": "english", "path": str(model.resolve())}
    assert status["ko-KR"]["missing"].startswith("no understanding model for ko-KR; looked in:")
    (model / "model.onnx").write_bytes(b"changed")
    corrupt = nlu_model_status(["en-US"], settings_for())["en-US"]
    assert corrupt["model"] == "english" and "model.onnx: checksum mismatch" in corrupt["corrupt"]
