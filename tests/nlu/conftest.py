"""Fixtures for understanding-model tests: a clean environment, settings, a fake wheel server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from speech.fake_model_site import ModelSite  # tests/ is on sys.path (pyproject: pythonpath)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """Keep the real environment out: no NLU_MODEL_* variables, an empty HOME."""
    for name in [n for n in os.environ if n.startswith("NLU_MODEL")]:
        monkeypatch.delenv(name)
    home = tmp_path / "nlu-home"  # not "home": the app fixtures (tests/conftest.py) make that
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def server():
    """Serve files from memory on a local port (the speech tests' fake model site)."""
    with ModelSite() as running:
        yield running
