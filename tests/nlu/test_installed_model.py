"""The real English model, when `scripts/setup test` has installed it into var/models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voice.nlu.catalog import catalog_entry
from voice.nlu.models import read_model, verify_nlu_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed():
    path = ROOT / "var" / "models" / catalog_entry("nlu-en").folder
    model = read_model(path)
    if model is None:
        pytest.skip(f"no understanding model at {path}: run scripts/setup test")
    return model


def test_the_installed_english_model_matches_its_pinned_checksums(installed):
    assert verify_nlu_model(installed.path) == []


def test_the_english_model_puts_paraphrases_closer_than_unrelated_turns(installed):
    from voice.nlu.encoder import Encoder

    closing, opening, bereaved = Encoder(installed).embed(
        ["what time do you close", "when are you open", "my husband passed away"]
    )
    assert np.allclose(np.linalg.norm([closing, opening, bereaved], axis=1), 1.0, atol=1e-5)
    assert float(closing @ opening) > float(closing @ bereaved)
