"""Score an utterance against each intent's and escalation's examples: TF-IDF plus coverage.

Each label scores a blend of (a) the cosine to its nearest example, feature groups normalised
apart so short and long texts compare fairly, and (b) how much of the utterance the label's
words cover. Words the callflow never uses still count in the utterance's length, so an
out-of-scope question ("do you sell cars") scores low instead of matching on one familiar word.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from voice.flow.lexicon import Lexicon
from voice.flow.text import Text, is_unspaced, normalise

# Feature groups: stemmed words, stopwords, word pairs, character 3-grams inside words,
# characters and character pairs of unspaced text (Korean, …), and concepts (words the
# lexicon says mean alike).
GROUP_WEIGHTS = {"w": 1.0, "t": 0.2, "b": 0.5, "c": 0.3, "k": 1.0, "u": 0.5, "s": 0.6}
COVERAGE_GROUPS = frozenset("wku")  # groups whose overlap counts as "the label knows this word"
VOCAB_GROUPS = COVERAGE_GROUPS | {"s"}  # … and concepts, which stand in for a word the label lacks
CONCEPT_SHARE = 0.5  # a word the label lacks counts this much when the label has its concept
NEAREST, COVER = 0.5, 0.5  # blend of the nearest example's cosine and the label's word coverage
EXTRA_WEIGHT = 0.5  # how much a word only seen in an answer counts towards coverage


@dataclass(frozen=True, slots=True)
class Candidate:
    """One label's score: `kind` is "intent" or "escalation"."""

    kind: str
    name: str
    score: float


class Featurizer:
    """Turn normalised text into weighted features, with a language's stemmer and concepts."""

    def __init__(self, lex: Lexicon, names: frozenset[str] = frozenset()):
        self.lex = lex
        # The business's own name says which line was called, not what the caller wants.
        self._weak = lex.stopwords | names
        self._stem = lex.stem or (lambda word: word)
        self._concepts: dict[str, str] = {}
        for concept, words in lex.concepts.items():
            for word in words:
                self._concepts.setdefault(self._stem(word), concept)

    def concept(self, stem: str) -> str | None:
        """Return the concept feature of a stemmed word, if the lexicon groups it."""
        concept = self._concepts.get(stem)
        return "s:" + concept if concept else None

    def __call__(self, text: Text) -> Counter[str]:
        """Return the weighted features of a normalised text."""
        feats: Counter[str] = Counter()
        content = []
        for token in text.tokens:
            stem = self._stem(token)
            if token in self._weak or stem in self._weak:
                feats["t:" + stem] += 1
            else:
                feats["w:" + stem] += 1
                content.append(stem)
        for a, b in zip(content, content[1:], strict=False):
            feats[f"b:{a} {b}"] += 1
        unspaced = "".join(t for t in content if is_unspaced(t))
        for i, char in enumerate(unspaced):
            feats["u:" + char] += 1
            if i + 1 < len(unspaced):
                feats["k:" + unspaced[i : i + 2]] += 1
        for token in content:
            concept = self._concepts.get(token)
            if concept:
                feats["s:" + concept] += 1
            if not is_unspaced(token):
                padded = f"#{token}#"
                for i in range(len(padded) - 2):
                    feats["c:" + padded[i : i + 3]] += 1
        return feats


class Matcher:
    """An inverted index over every example; built once when a callflow loads."""

    def __init__(
        self,
        docs: list[tuple[str, str, str]],
        lex: Lexicon,
        extra: list | None = None,
        names: frozenset[str] = frozenset(),
    ):
        """Index (kind, name, example) triples; `extra` (kind, name, text) only widen vocabulary."""
        self.features = Featurizer(lex, names)
        self._labels: list[tuple[str, str]] = []
        self._label_ids: dict[tuple[str, str], int] = {}
        self._doc_label: list[int] = []
        raw: list[Counter[str]] = []
        for kind, name, example in docs:
            feats = self.features(normalise(example, lex))
            if feats:
                self._doc_label.append(self._label((kind, name)))
                raw.append(feats)
        df: Counter[str] = Counter(f for feats in raw for f in feats)
        n = len(raw)
        self._idf = {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}
        self._unseen_idf = math.log(1 + n) + 1.0
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._vocab: dict[str, dict[int, float]] = defaultdict(dict)
        for i, feats in enumerate(raw):
            for f, w in self._vector(feats).items():
                self._postings[f].append((i, w))
                if f[0] in VOCAB_GROUPS:
                    self._vocab[f][self._doc_label[i]] = 1.0
        for kind, name, text in extra or ():
            label = self._label((kind, name))
            for f in self.features(normalise(text, lex)):
                if f[0] in COVERAGE_GROUPS:  # an answer's words, not its concepts: too loose
                    self._vocab[f].setdefault(label, EXTRA_WEIGHT)

    def _label(self, label: tuple[str, str]) -> int:
        if label not in self._label_ids:
            self._label_ids[label] = len(self._labels)
            self._labels.append(label)
        return self._label_ids[label]

    def _vector(self, feats: Counter[str]) -> dict[str, float]:
        weighted = {f: w * self._idf.get(f, self._unseen_idf) for f, w in feats.items()}
        norms: dict[str, float] = defaultdict(float)
        for f, w in weighted.items():
            norms[f[0]] += w * w
        scale = {g: math.sqrt(GROUP_WEIGHTS[g] / s) for g, s in norms.items() if s}
        return {f: w * scale[f[0]] for f, w in weighted.items()}

    def rank(self, text: Text) -> list[Candidate]:
        """Return each label's score (0..1), best first: nearest example blended with coverage."""
        feats = self.features(text)
        if not feats:
            return []
        vector = self._vector(feats)
        groups = {f[0] for f in vector}
        total = sum(GROUP_WEIGHTS[g] for g in groups)
        total_cover = sum(GROUP_WEIGHTS[g] for g in groups & COVERAGE_GROUPS) or 1.0
        dots: dict[int, float] = defaultdict(float)
        for f, w in vector.items():
            for i, dw in self._postings.get(f, ()):
                dots[i] += w * dw
        covered = self._coverage(vector)
        nearest: dict[int, float] = defaultdict(float)
        for i, dot in dots.items():
            label = self._doc_label[i]
            nearest[label] = max(nearest[label], dot)
        ranked = [
            Candidate(*self._labels[label], _score(nearest[label] / total, cov / total_cover))
            for label, cov in covered.items()
        ]
        return sorted(ranked, key=lambda c: c.score, reverse=True)

    def _coverage(self, vector: dict[str, float]) -> dict[int, float]:
        """Return, per label, the share of the utterance's words that the label knows."""
        covered: dict[int, float] = defaultdict(float)
        for f, w in vector.items():
            if f[0] not in COVERAGE_GROUPS:
                continue
            shares = dict(self._vocab.get(f, {}))
            concept = self.features.concept(f[2:]) if f[0] == "w" else None
            for label, share in self._vocab.get(concept or "", {}).items():
                shares[label] = max(shares.get(label, 0.0), CONCEPT_SHARE * share)
            for label, share in shares.items():
                covered[label] += share * w * w
        return covered


def _score(nearest: float, coverage: float) -> float:
    # Rounded so float summation order (set iteration varies per process) cannot flip a tie.
    return round(min(1.0, NEAREST * nearest + COVER * coverage), 6)
