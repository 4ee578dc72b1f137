"""Spot what sends a caller to a person before any matching: asking, frustration, topics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice.flow.lexicon import TOPICS, Lexicon
from voice.flow.shape import is_vague
from voice.flow.text import PhraseSet, Text, near, normalise

if TYPE_CHECKING:  # the model builds these signals
    from voice.flow.model import Callflow

SHORT = 4  # words; mishearings of "agent" only count in an utterance this short


@dataclass(frozen=True)
class _Topic:
    phrases: PhraseSet
    pairs: tuple[tuple[PhraseSet, PhraseSet], ...]

    def heard(self, text: Text) -> bool:
        """Return True when a phrase, or both halves of a pair close together, are in `text`."""
        return self.phrases.find(text) is not None or any(
            near(a.positions(text), b.positions(text)) for a, b in self.pairs
        )


class Signals:
    """A language's lexicon compiled once per callflow, plus the callflow's own human words."""

    def __init__(self, lex: Lexicon, human_words: tuple[str, ...] = ()):
        self.lex = lex
        self._human = PhraseSet(lex.human + tuple(human_words), lex)
        self._human_short = PhraseSet(lex.human_short, lex)
        self._not_human = PhraseSet(lex.not_human, lex)
        self._frustration = PhraseSet(lex.frustration, lex)
        self._closing = PhraseSet(lex.closing, lex)
        self._vague = PhraseSet(lex.vague_frames, lex)
        closing_words = {w for p in lex.closing for w in p.split()}
        self._courtesy = frozenset(lex.courtesy | closing_words)
        # Words that may stand around a bare "someone" / "zero" and still mean "a person".
        self._padding = frozenset(lex.stopwords | lex.courtesy)
        # What a request for a person and nothing else is made of, besides padding and "no".
        asking = lex.human + tuple(human_words) + lex.human_short
        self._asking_subs = sorted({_compact(p.rstrip("*")) for p in asking}, key=len, reverse=True)
        self._asking_padding = self._padding | closing_words
        self._closing_subs = sorted(
            (_compact(p) for p in lex.closing + tuple(lex.courtesy)), key=len, reverse=True
        )
        self._topics = {
            name: _Topic(
                PhraseSet(w.phrases, lex),
                tuple((PhraseSet(a, lex), PhraseSet(b, lex)) for a, b in w.pairs),
            )
            for name, w in lex.topics.items()
        }

    def asks_for_human(self, text: Text, partial: bool = False) -> str | None:
        """Return the words that asked for a person, or None; partials skip mishearings."""
        blocked: set[int] = set()
        for hit in self._not_human.positions(text):
            blocked.update(range(hit.start, hit.start + hit.length))
        for hit in self._human.positions(text):
            if hit.start < 0 or not blocked.intersection(range(hit.start, hit.start + hit.length)):
                return hit.phrase
        if partial or len(text.tokens) > SHORT:
            return None
        for hit in self._human_short.positions(text):
            rest = text.tokens[: max(hit.start, 0)] + text.tokens[hit.start + hit.length :]
            if hit.start < 0 or all(t in self._padding for t in rest):
                return hit.phrase
        return None

    def only_asks_for_human(self, text: Text) -> bool:
        """Return True when the words ask for a person and say nothing else ("아니 상담원").

        A recognizer held to a line's grammar puts any speech into the line's words, a person
        word among them ("배송 상태 알려주세요" came out as "받 직원 영업 계세요"); a request
        for a person is trusted from it only when it is the whole utterance.
        """
        if self.asks_for_human(text, partial=True) is None:
            return False
        rest = [t for t in text.tokens if t not in self._asking_padding]
        if self.lex.unspaced:  # each word, less its person words, is padding ("연결해": 해)
            return all(self._unasked(t) in self._asking_padding | {""} for t in rest)
        subs = set(self._asking_subs)
        return all(t in subs for t in rest) or self._asking_subs_cover(rest)

    def _unasked(self, token: str) -> str:
        for sub in self._asking_subs:
            token = token.replace(sub, "")
        return token

    def _asking_subs_cover(self, tokens: list[str]) -> bool:
        """Return True when the tokens are only the words of person phrases ("a person")."""
        words = {w for sub in self.lex.human + self.lex.human_short for w in sub.split()}
        return all(t in words for t in tokens)

    def frustrated(self, text: Text) -> str | None:
        """Return the words that showed frustration, or None."""
        return self._frustration.find(text)

    def vague(self, text: Text) -> bool:
        """Return True when the caller only named a topic ("it's about my loan")."""
        return is_vague(text, self._vague, self.lex)

    def closes(self, text: Text) -> bool:
        """Return True when the caller only said they are done ("no thanks", "bye")."""
        if text.empty:
            return False
        if self.lex.unspaced:
            rest = text.compact
            for sub in self._closing_subs:
                rest = rest.replace(sub, "")
            return not rest and self._closing.find(text) is not None
        return self._closing.find(text) is not None and all(
            t in self._courtesy for t in text.tokens
        )

    def topics(self, text: Text) -> list[str]:
        """Return the topics (bereavement, fraud, …) the text touches, in rule order."""
        return [name for name in TOPICS if (topic := self._topics.get(name)) and topic.heard(text)]


def _compact(phrase: str) -> str:
    return "".join(phrase.casefold().split())


def only_asks_for_human(callflow: Callflow, said: str) -> bool:
    """Return True when recognized text is a request for a person and nothing else."""
    return callflow.signals.only_asks_for_human(normalise(said, callflow.lexicon))


def without_person_words(callflow: Callflow, said: str) -> str:
    """Return recognized words less those that ask for a person or name one of its teams.

    For a result the grammar guessed: "직원 케어 고객 케어" is decided as "케어", not as a
    request for the team "고객 케어".
    """
    lex, signals = callflow.lexicon, callflow.signals
    kept = [w for w in said.split() if signals.asks_for_human(normalise(w, lex), True) is None]
    names = sorted((n.split() for n in callflow.team_names_by_phrase), key=len, reverse=True)
    out: list[str] = []
    for word in kept:
        out.append(word)
        for name in names:
            if name and [w.casefold() for w in out[-len(name) :]] == [n.casefold() for n in name]:
                del out[-len(name) :]
                break
    return " ".join(out)
