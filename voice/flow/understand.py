"""Understanding by meaning: a line's examples as sentence vectors, read by a learned confidence.

Each label (an intent, an escalation, or what the line must not answer) scores the mean cosine of
its two nearest examples to the caller's words. That ranking alone is right for nearly nine in
ten answerable callers, but a caller who asks something near an intent without asking *for* it
("how much is my bill this month") can score as high as a true paraphrase. So the assistant
answers only when a small calibrated model (confidence.py), trained on other lines' labelled
calls, says the top intent is right. Everything here is arithmetic on vectors; the encoder was
loaded with the callflow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from voice.flow.lexicon import Lexicon
from voice.flow.matcher import Candidate
from voice.flow.shape import content_words, request_parts
from voice.flow.text import Text, normalise

NEAREST = 2  # a label's score is the mean of its this-many closest examples
VOTERS = 5  # the nearest examples whose labels are counted
WORDS = 0.15  # weight of the word matcher's score added to each label's meaning score
GENERIC_NEAR = 0.8  # a generic out-of-scope saying this near a line's example is the line's own
OUT_OF_SCOPE = "out_of_scope"  # the kind of examples the line must not answer
PART_WORDS = 2  # words a part of a run-on utterance needs to be read on its own
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class Embedder(Protocol):
    """Turn texts into unit vectors (voice.nlu.encoder.Encoder)."""

    @property
    def id(self) -> str:
        """Return the model's id, which names its calibration."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one unit row per text."""


Label = tuple[str, str]  # (kind, name): ("intent", "store_hours"), ("out_of_scope", "")


@dataclass(frozen=True)
class Reading:
    """What the examples say an utterance means, and the features the confidence reads."""

    label: Label  # the closest label
    score: float
    escalation: tuple[str, float] | None  # the closest escalation and its score
    runner_up: float  # the next label's score
    features: dict[str, float] = field(default_factory=dict)
    run_on: bool = False  # parts not weighed yet (weigh_parts)

    @property
    def intent(self) -> str | None:
        """Return the closest label's name when it is an intent."""
        return self.label[1] if self.label[0] == "intent" else None


def embed_text(text: str, lex: Lexicon) -> str:
    """Return the form of a text that is embedded: normalised words, fillers dropped."""
    return " ".join(normalise(text, lex).tokens)


class ExampleIndex:
    """Every example of a callflow as a unit vector, grouped by label; built once per load."""

    def __init__(
        self,
        embedder: Embedder,
        lex: Lexicon,
        docs: list[tuple[str, str, str]],
        answers: dict[str, str],
        generic: tuple[str, ...] = (),
    ):
        """Index (kind, name, raw text) examples, each intent's answer, and generic out of scope."""
        self.embedder, self.lex = embedder, lex
        docs = docs + self._generic(generic, docs)
        texts, labels = [], []
        for kind, name, raw in docs:
            text = embed_text(raw, lex)
            if text:
                texts.append(text)
                labels.append((kind, name))
        self.labels: list[Label] = list(dict.fromkeys(labels))
        ids = {label: i for i, label in enumerate(self.labels)}
        self._doc_label = np.array([ids[label] for label in labels], dtype=np.int64)
        self._groups = [np.flatnonzero(self._doc_label == i) for i in range(len(self.labels))]
        self._vectors = embedder.embed(texts) if texts else np.zeros((0, 1), np.float32)
        self._exact = {text: label for text, label in zip(texts, labels, strict=True)}
        centroids = np.array([self._vectors[g].mean(0) for g in self._groups]) if texts else None
        if centroids is not None:
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        self._centroids = centroids
        names = [n for n in answers if ("intent", n) in ids]
        self._answer_names = names
        answer_texts = [embed_text(_PLACEHOLDER.sub(" ", answers[n]), lex) for n in names]
        self._answers = embedder.embed(answer_texts) if names else np.zeros((0, 1), np.float32)
        self._vocab = _vocabulary(lex, docs, answers)

    def _generic(
        self, generic: tuple[str, ...], docs: list[tuple[str, str, str]]
    ) -> list[tuple[str, str, str]]:
        """Return the language's generic out-of-scope sayings that none of the examples is near."""
        if not generic:
            return []
        own = [embed_text(raw, self.lex) for kind, _, raw in docs if kind != OUT_OF_SCOPE]
        mine = self.embedder.embed([t for t in own if t])
        theirs = self.embedder.embed([embed_text(g, self.lex) for g in generic])
        near = (theirs @ mine.T).max(axis=1) if len(mine) else np.zeros(len(generic))
        return [(OUT_OF_SCOPE, "generic", g) for g, sim in zip(generic, near, strict=True)
                if sim < GENERIC_NEAR]  # fmt: skip

    def exact(self, text: Text) -> Label | None:
        """Return the label whose example is exactly these words, if any."""
        return self._exact.get(" ".join(text.tokens))

    def scores(self, vector: np.ndarray, sims: np.ndarray | None = None) -> np.ndarray:
        """Return each label's score: the mean cosine of its nearest examples."""
        sims = self._vectors @ vector if sims is None else sims
        out = np.empty(len(self.labels), dtype=np.float32)
        for i, group in enumerate(self._groups):
            near = np.sort(sims[group])[-NEAREST:]
            out[i] = near.mean()
        return out

    def read(self, text: Text, ranked: list[Candidate]) -> Reading | None:
        """Return what the examples say `text` means, with the confidence's features.

        A run-on utterance's parts are read only by `weigh_parts`: most callers ask one thing,
        and embedding each part costs as much as the whole.
        """
        whole = " ".join(text.tokens)
        if not whole or not self.labels:
            return None
        vector = self.embedder.embed([whole])[0]
        sims = self._vectors @ vector
        # the words break near ties of meaning: top-1 right for 90% of answerable callers
        # against 87.5% by meaning alone (bench/understanding/README.md)
        scores = self.scores(vector, sims) + WORDS * self._word_scores(ranked)
        order = np.argsort(-scores)
        top = int(order[0])
        label = self.labels[top]
        s1 = float(scores[top])
        s2 = float(scores[order[1]]) if len(order) > 1 else 0.0
        escalation = self._best_of(scores, "escalation")
        features = {
            "score": s1,
            "margin": s1 - s2,
            "escalation_margin": s1 - (escalation[1] if escalation else 0.0),
            "nearest": float(np.max(sims[self._groups[top]])),
            **self._neighbours(top, sims),
            **self._centroid(top, vector),
            "out_of_scope_gap": _gap(s1, self._best_of(scores, OUT_OF_SCOPE)),
            "weak_part": 0.0,
            "length": math.log1p(len(text.tokens)),
            "examples": math.log1p(len(self._groups[top])),
            **self._lexical(label, ranked),
            **self._answer(label, vector),
            **self._unknown(label, text),
        }
        return Reading(label, s1, escalation, s2, features, len(self.parts(text)) > 1)

    def _word_scores(self, ranked: list[Candidate]) -> np.ndarray:
        """Return the word matcher's score for each label, in label order (0 if unranked)."""
        by_label = {(c.kind, c.name): c.score for c in ranked}
        return np.array([by_label.get(label, 0.0) for label in self.labels], dtype=np.float32)

    def parts(self, text: Text) -> list[str]:
        """Return the parts of a run-on utterance that could each be a request of their own."""
        parts = [" ".join(p.tokens) for p in request_parts(text, self.lex)]
        return [p for p in parts if len(p.split()) >= PART_WORDS] if len(parts) > 1 else []

    def weigh_parts(self, reading: Reading, text: Text) -> Reading:
        """Return the reading with `weak_part`: how much less its weakest part means the label."""
        parts = self.parts(text) if reading.run_on else []
        if not parts:
            return reading
        top = self.labels.index(reading.label)
        weakest = min(float(self.scores(v)[top]) for v in self.embedder.embed(parts))
        # never negative: then a part can only lower the confidence, and a caller the whole
        # utterance would not have answered need never be read part by part
        features = {**reading.features, "weak_part": max(0.0, reading.score - weakest)}
        return replace(reading, features=features, run_on=False)

    def _neighbours(self, top: int, sims: np.ndarray) -> dict[str, float]:
        """Return how many of the nearest examples are the top label's, and its nearest's lead."""
        order = np.argsort(-sims)[:VOTERS]
        votes = float(np.mean(self._doc_label[order] == top))
        others = sims[self._doc_label != top]
        own = float(np.max(sims[self._groups[top]]))
        lead = own - (float(others.max()) if others.size else 0.0)
        # votes say more on a line taught many examples: let the confidence weigh them so
        size = math.log1p(len(self._groups[top]))
        return {"votes": votes, "nearest_lead": lead, "votes_by_size": votes * size,
                "lead_by_size": lead * size}  # fmt: skip

    def _centroid(self, top: int, vector: np.ndarray) -> dict[str, float]:
        """Return how near the label's centre is, and its lead over the nearest other centre."""
        sims = self._centroids @ vector
        own = float(sims[top])
        others = np.delete(sims, top)
        return {"centre": own, "centre_lead": own - (float(others.max()) if others.size else 0.0)}

    def _best_of(self, scores: np.ndarray, kind: str) -> tuple[str, float] | None:
        best = None
        for i, (k, name) in enumerate(self.labels):
            if k == kind and (best is None or scores[i] > best[1]):
                best = (name, float(scores[i]))
        return best

    def _lexical(self, label: Label, ranked: list[Candidate]) -> dict[str, float]:
        """Return how the word matcher sees it: its top score, and whether it agrees."""
        top = ranked[0] if ranked else None
        own = next((c.score for c in ranked if (c.kind, c.name) == label), 0.0)
        agree = top is not None and (top.kind, top.name) == label
        lead = (top.score - ranked[1].score if len(ranked) > 1 else top.score) if top else 0.0
        # the word matcher's own rule for answering (decide.py: INTENT_MIN, MARGIN), agreeing
        sure = agree and label[0] == "intent" and own >= 0.45 and lead >= 0.08
        return {
            "lexical": own,
            "lexical_top": top.score if top else 0.0,
            "agree": float(agree),
            "lexical_lead": lead if agree else 0.0,
            "lexical_sure": float(sure),
        }

    def _answer(self, label: Label, vector: np.ndarray) -> dict[str, float]:
        """Return how close the caller's words are to the top intent's answer, and its lead."""
        if label[0] != "intent" or not self._answer_names:
            return {"answer": 0.0, "answer_margin": 0.0}
        sims = self._answers @ vector
        own = float(sims[self._answer_names.index(label[1])])
        others = [float(s) for n, s in zip(self._answer_names, sims, strict=True) if n != label[1]]
        return {"answer": own, "answer_margin": own - max(others, default=0.0)}

    def _unknown(self, label: Label, text: Text) -> dict[str, float]:
        """Return the share of the caller's content words the line, and the label, never use."""
        stem = self.lex.stem or (lambda w: w)
        words = [stem(w) for w in content_words(text.tokens, self.lex)]
        if not words:
            return {"unknown": 0.0, "unknown_to_label": 0.0}
        known = self._vocab.get(label, frozenset())
        every = self._vocab.get(("*", "*"), frozenset())
        return {
            "unknown": sum(w not in every for w in words) / len(words),
            "unknown_to_label": sum(w not in known for w in words) / len(words),
        }


def _gap(score: float, out_of_scope: tuple[str, float] | None, cap: float = 0.2) -> float:
    """Return how far the top label leads what the line must not answer, capped."""
    return cap if out_of_scope is None else max(-cap, min(cap, score - out_of_scope[1]))


def _vocabulary(
    lex: Lexicon, docs: list[tuple[str, str, str]], answers: dict[str, str]
) -> dict[Label, frozenset[str]]:
    """Return each label's stemmed words (examples, and an intent's answer), and all of them."""
    stem = lex.stem or (lambda w: w)
    vocab: dict[Label, set[str]] = {}
    texts = [(kind, name, raw) for kind, name, raw in docs]
    texts += [("intent", name, _PLACEHOLDER.sub(" ", answer)) for name, answer in answers.items()]
    for kind, name, raw in texts:
        if kind == OUT_OF_SCOPE:
            continue
        vocab.setdefault((kind, name), set()).update(stem(w) for w in normalise(raw, lex).tokens)
    every = set().union(*vocab.values()) if vocab else set()
    out = {label: frozenset(words) for label, words in vocab.items()}
    out[("*", "*")] = frozenset(every)
    return out
