"""Score an utterance against each intent's and escalation's examples (TF-IDF, words + n-grams).

Three feature groups, each normalised on its own so short and long texts compare fairly:
words (stopwords damped), word pairs, and character n-grams (3-grams inside words; 2-grams
over the unspaced text for scripts like Korean, whose particles glue onto words).
Words the callflow never uses still count in the utterance's length, so an out-of-scope
question ("do you sell cars") scores low instead of matching on its one familiar word.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from voice.flow.lexicon import Lexicon
from voice.flow.text import Text, is_unspaced, normalise

GROUP_WEIGHTS = {"w": 1.0, "b": 0.5, "c": 0.8}
STOPWORD_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class Candidate:
    """One label's best score: `kind` is "intent" or "escalation"."""

    kind: str
    name: str
    score: float


def features(text: Text, lex: Lexicon) -> Counter[str]:
    """Return the weighted features of a normalised text."""
    feats: Counter[str] = Counter()
    content = [t for t in text.tokens if t not in lex.stopwords]
    for token in text.tokens:
        feats["w:" + token] += STOPWORD_WEIGHT if token in lex.stopwords else 1.0
    for a, b in zip(content, content[1:], strict=False):
        feats[f"b:{a} {b}"] += 1.0
    unspaced = "".join(t for t in content if is_unspaced(t))
    for i in range(len(unspaced) - 1):
        feats["c:" + unspaced[i : i + 2]] += 1.0
    for token in content:
        if is_unspaced(token):
            continue
        padded = f"#{token}#"
        for i in range(len(padded) - 2):
            feats["c:" + padded[i : i + 3]] += 1.0
    return feats


class Matcher:
    """An inverted index over every example; built once when a callflow loads."""

    def __init__(self, docs: list[tuple[str, str, str]], lex: Lexicon):
        """Index (kind, name, example text) triples."""
        self.lex = lex
        self._labels: list[tuple[str, str]] = []
        raw: list[Counter[str]] = []
        for kind, name, example in docs:
            feats = features(normalise(example, lex), lex)
            if feats:
                self._labels.append((kind, name))
                raw.append(feats)
        df: Counter[str] = Counter(f for feats in raw for f in feats)
        n = len(raw)
        self._idf = {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}
        self._unseen_idf = math.log(1 + n) + 1.0
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, feats in enumerate(raw):
            for f, w in self._vector(feats).items():
                self._postings[f].append((i, w))

    def _vector(self, feats: Counter[str]) -> dict[str, float]:
        weighted = {f: w * self._idf.get(f, self._unseen_idf) for f, w in feats.items()}
        norms: dict[str, float] = defaultdict(float)
        for f, w in weighted.items():
            norms[f[0]] += w * w
        scale = {g: math.sqrt(GROUP_WEIGHTS[g] / s) for g, s in norms.items() if s}
        return {f: w * scale[f[0]] for f, w in weighted.items()}

    def rank(self, text: Text) -> list[Candidate]:
        """Return each label's best example score (0..1), best first."""
        feats = features(text, self.lex)
        if not feats:
            return []
        vector = self._vector(feats)
        total = sum(GROUP_WEIGHTS[g] for g in {f[0] for f in vector})
        dots: dict[int, float] = defaultdict(float)
        for f, w in vector.items():
            for i, dw in self._postings.get(f, ()):
                dots[i] += w * dw
        best: dict[tuple[str, str], float] = {}
        for i, dot in dots.items():
            label = self._labels[i]
            best[label] = max(best.get(label, 0.0), dot / total)
        ranked = [Candidate(kind, name, s) for (kind, name), s in best.items()]
        return sorted(ranked, key=lambda c: c.score, reverse=True)
