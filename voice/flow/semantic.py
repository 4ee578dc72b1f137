"""Meaning, not words: which escalation a transferred caller's story is closest to.

Static word embeddings (WordLlama, 256 dimensions, shipped inside its PyPI wheel; numpy only,
about 0.07 ms an utterance) compare what the caller said with every example. They are used in
one direction only: to pick the team for a caller who is going to a person anyway ("the pole
out front is on fire" reaches the emergency team, not the front desk). They never answer: the
benchmark showed they cannot raise coverage without wrong answers (bench/understanding).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)
MIN_SIMILARITY = 0.35  # an escalation's best example must be at least this close …
LEAD = 0.05  # … and this much closer than any intent's, or the caller keeps the default team


class Embedder(Protocol):
    """Turn texts into unit vectors."""

    def embed(self, texts: list[str], norm: bool = True) -> np.ndarray:
        """Return one row per text."""


@cache
def english_embedder() -> Embedder | None:
    """Load the WordLlama model from its installed package once per process; None if missing."""
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        log.warning("wordllama is not installed: escalations are matched by their words only")
        return None
    # Its files sit in the package; pointing the cache there keeps it from going online.
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


@dataclass(frozen=True)
class Closest:
    """The escalation nearest in meaning, and how near."""

    name: str
    score: float


class MeaningIndex:
    """Every intent's and escalation's examples as unit vectors, built once per callflow."""

    def __init__(self, embedder: Embedder, docs: list[tuple[str, str, str]]):
        """Index (kind, name, text) triples; texts are already normalised."""
        docs = [d for d in docs if d[2]]
        self._embedder = embedder
        self._kinds = np.array([kind == "escalation" for kind, _, _ in docs])
        self._names = [name for _, name, _ in docs]
        self._vectors = embedder.embed([text for _, _, text in docs], norm=True)

    def closest_escalation(self, text: str) -> Closest | None:
        """Return the escalation whose examples mean most nearly `text`, if clearly nearest."""
        if not text or not self._kinds.any():
            return None
        sims = self._vectors @ self._embedder.embed([text], norm=True)[0]
        escalations = np.where(self._kinds, sims, -1.0)
        best = int(np.argmax(escalations))
        intents = sims[~self._kinds]
        runner = float(intents.max()) if intents.size else -1.0
        score = float(escalations[best])
        if score < MIN_SIMILARITY or score < runner + LEAD:
            return None
        return Closest(self._names[best], round(score, 3))
