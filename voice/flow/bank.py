"""A bank of ways callers commonly ask for things, offered as new examples for a line's intents.

`bank/<language>.yaml` holds, per kind of request (hours, returns, prices, …), natural phrasings
written for the purpose. An intent is matched to the kind(s) whose phrasings are closest to its
own examples: by sentence vectors when the line has an understanding model, else by shared
words. Suggestions are only ever offered; an admin previews and accepts each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import yaml

from voice.flow.model import Callflow, Escalation, Intent
from voice.flow.shape import content_words
from voice.flow.text import normalise
from voice.flow.understand import embed_text

# A kind fits an intent when its phrasings are this close to the intent's examples (the mean,
# over the examples, of the closest phrasing), or nearly so and clearly closer than any other
# kind. Fitted on the shipped and test lines: a near topic ("shipping times" against "order
# status", "gift cards" against "returns") stays below both.
MEANING_FIT, MEANING_NEAR, MEANING_LEAD = 0.80, 0.70, 0.09
WORDS_FIT, WORDS_NEAR, WORDS_LEAD = 0.40, 0.25, 0.20
ALSO_WITHIN = 0.05  # a second kind this close to the best one fits too


@dataclass(frozen=True)
class Kind:
    """One kind of request in the bank and the ways callers ask for it."""

    name: str
    title: str
    paraphrases: tuple[str, ...]


@cache
def load_bank(language: str = "en") -> dict[str, Kind]:
    """Return the bank for a language ("en-US" reads en.yaml); empty when there is none."""
    primary = language.split("-")[0].lower()
    source = files("voice.flow").joinpath("bank", f"{primary}.yaml")
    if not source.is_file():
        return {}
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return {
        name: Kind(name, str(body.get("title", name)), tuple(str(p) for p in body["paraphrases"]))
        for name, body in data["kinds"].items()
    }


def kinds_for(callflow: Callflow, intent_name: str) -> list[str]:
    """Return the bank kinds an intent of the callflow asks for, closest first (maybe none)."""
    bank = load_bank(callflow.language)
    intent = callflow.intents.get(intent_name)
    if not bank or intent is None:
        return []
    texts = [intent_name.replace("_", " "), *intent.examples]
    if callflow.understanding is not None:
        fit, near, lead = MEANING_FIT, MEANING_NEAR, MEANING_LEAD
        scores = {k: _meaning_fit(callflow, texts, kind.paraphrases) for k, kind in bank.items()}
    else:
        fit, near, lead = WORDS_FIT, WORDS_NEAR, WORDS_LEAD
        scores = {k: _words_fit(callflow, texts, kind.paraphrases) for k, kind in bank.items()}
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    best = ranked[0][1]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if not (best >= fit or (best >= near and best - second >= lead)):
        return []
    return [k for k, score in ranked if score >= best - ALSO_WITHIN and score >= near]


def suggestions(callflow: Callflow, intent_name: str, limit: int = 8) -> list[str]:
    """Return bank phrasings to offer as examples of an intent, most similar first.

    Left out: what the intent already has (compared normalised), what is already another
    label's example, and phrasings the line reads as closer to another intent or escalation.
    """
    kinds = kinds_for(callflow, intent_name)
    if not kinds:
        return []
    bank = load_bank(callflow.language)
    lex = callflow.lexicon
    taken = {_key(callflow, t) for t in _every_example(callflow)}
    candidates = []
    for kind in kinds:
        for text in bank[kind].paraphrases:
            key = _key(callflow, text)
            if key and key not in taken and text not in candidates:
                candidates.append(text)
    intent = callflow.intents[intent_name]
    texts = [intent_name.replace("_", " "), *intent.examples]
    index = callflow.understanding
    if index is not None:
        vectors = index.embedder.embed([embed_text(t, lex) for t in candidates])
        near = (vectors @ index.embedder.embed([embed_text(t, lex) for t in texts]).T).max(1)
        own = [_nearest_is(callflow, intent_name, vector=v) for v in vectors]
    else:
        near = np.array([_words_similarity(callflow, c, texts) for c in candidates])
        own = [_nearest_is(callflow, intent_name, text=c) for c in candidates]
    order = sorted(range(len(candidates)), key=lambda i: (-float(near[i]), candidates[i]))
    return [candidates[i] for i in order if own[i]][:limit]


def _key(callflow: Callflow, text: str) -> tuple[str, ...]:
    return normalise(text, callflow.lexicon).tokens


def _every_example(callflow: Callflow) -> list[str]:
    items: list[Intent | Escalation] = [*callflow.intents.values(), *callflow.escalations.values()]
    return [e for item in items for e in item.examples] + list(callflow.out_of_scope)


def _nearest_is(
    callflow: Callflow, intent_name: str, vector: np.ndarray | None = None, text: str = ""
) -> bool:
    """Return False when the line reads a phrasing as closer to another intent or escalation."""
    index = callflow.understanding
    if vector is not None and index is not None:  # a vector comes only from the line's model
        scores = index.scores(vector)
        own = index.labels.index(("intent", intent_name))
        return int(np.argmax(scores)) == own
    ranked = callflow.matcher.rank(normalise(text, callflow.lexicon))
    return not ranked or (ranked[0].kind, ranked[0].name) == ("intent", intent_name)


def _meaning_fit(callflow: Callflow, texts: list[str], paraphrases: tuple[str, ...]) -> float:
    """Return the mean, over the intent's texts, of the cosine of the closest phrasing."""
    index = callflow.understanding
    if index is None:  # asked only of a line with an understanding model
        return 0.0
    embed, lex = index.embedder.embed, callflow.lexicon
    own = embed([embed_text(t, lex) for t in texts])
    theirs = embed([embed_text(p, lex) for p in paraphrases])
    return float((own @ theirs.T).max(1).mean())


def _words(callflow: Callflow, text: str) -> frozenset[str]:
    lex = callflow.lexicon
    stem = lex.stem or (lambda w: w)
    return frozenset(stem(w) for w in content_words(normalise(text, lex).tokens, lex))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _words_similarity(callflow: Callflow, text: str, texts: list[str]) -> float:
    """Return the share of words a phrasing shares with the closest of `texts` (Jaccard)."""
    words = _words(callflow, text)
    return max((_jaccard(words, _words(callflow, t)) for t in texts), default=0.0)


def _words_fit(callflow: Callflow, texts: list[str], paraphrases: tuple[str, ...]) -> float:
    """Return the mean, over the intent's texts, of the word overlap of the closest phrasing."""
    if not texts:
        return 0.0
    return sum(_words_similarity(callflow, t, list(paraphrases)) for t in texts) / len(texts)
