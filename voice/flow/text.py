"""Turn recognizer text into tokens, and find lexicon phrases in them without substring slips."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from voice.flow.lexicon import Lexicon

_UNKNOWN_WORD = re.compile(r"\[unk\]|<unk>", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s']+|_")
# Scripts written without spaces between words, or with particles glued to them.
_UNSPACED = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]"
)
WINDOW = 6  # how many words apart the two halves of a topic pair may be


@dataclass(frozen=True, slots=True)
class Text:
    """An utterance ready for matching: tokens, and the same text with spaces removed."""

    tokens: tuple[str, ...]
    compact: str

    @property
    def empty(self) -> bool:
        """Return True when nothing but fillers and noise was heard."""
        return not self.tokens


def is_unspaced(text: str) -> bool:
    """Return True when the text uses a script whose words are not split by spaces."""
    return bool(_UNSPACED.search(text))


def normalise(text: str, lex: Lexicon) -> Text:
    """Lowercase, drop punctuation and fillers, expand contractions; return tokens."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    text = _NON_WORD.sub(" ", _UNKNOWN_WORD.sub(" ", text))
    out: list[str] = []
    for raw in text.split():
        word = raw.strip("'")
        for suffix, replacement in lex.contractions:
            if word.endswith(suffix) and len(word) > len(suffix) - (suffix[0] != "'"):
                word = word[: len(word) - len(suffix)] + replacement
                break
        for part in word.replace("'", "").split():
            if part not in lex.fillers:
                out.append(part)
    return Text(tuple(out), "".join(out))


Word = tuple[str, bool]  # a phrase word and whether it matches any ending (`word*`)


class Hit(NamedTuple):
    """Where a phrase was found: its first word's index (-1 inside unspaced text), word count."""

    phrase: str
    start: int
    length: int


class PhraseSet:
    """A compiled list of phrases; finds whole-word matches, or substrings for unspaced scripts."""

    def __init__(self, phrases: tuple[str, ...] | list[str], lex: Lexicon):
        self._exact: dict[str, list[tuple[str, tuple[Word, ...]]]] = {}
        # `word*` phrases, by their first letter: a token is only tried against its own letter
        self._stems: dict[str, list[tuple[str, tuple[Word, ...]]]] = {}
        self._substrings: list[tuple[str, str]] = []
        for phrase in phrases:
            self._add(phrase, lex)

    def _add(self, phrase: str, lex: Lexicon) -> None:
        if lex.unspaced and is_unspaced(phrase):
            compact = normalise(phrase, lex).compact
            if compact:
                self._substrings.append((phrase, compact))
            return
        words: list[Word] = []
        for raw in phrase.split():
            parts = normalise(raw.rstrip("*"), lex).tokens
            words.extend((p, False) for p in parts)
            if parts and raw.endswith("*"):
                words[-1] = (words[-1][0], True)
        if not words:
            return
        if words[0][1]:
            self._stems.setdefault(words[0][0][:1], []).append((phrase, tuple(words)))
        else:
            self._exact.setdefault(words[0][0], []).append((phrase, tuple(words)))

    def find(self, text: Text) -> str | None:
        """Return the first phrase found in the text, or None."""
        hits = self.positions(text)
        return hits[0].phrase if hits else None

    def positions(self, text: Text) -> list[Hit]:
        """Return every match; a substring match has word index -1."""
        hits = [Hit(phrase, -1, 0) for phrase, sub in self._substrings if sub in text.compact]
        tokens = text.tokens
        for i, token in enumerate(tokens):
            for phrase, words in self._exact.get(token, ()):
                if _matches_at(tokens, i, words):
                    hits.append(Hit(phrase, i, len(words)))
            for phrase, words in self._stems.get(token[:1], ()):
                if token.startswith(words[0][0]) and _matches_at(tokens, i, words):
                    hits.append(Hit(phrase, i, len(words)))
        return hits

    def strip(self, text: Text) -> tuple[str, ...]:
        """Return the tokens left after removing every whole-word match."""
        covered: set[int] = set()
        for hit in self.positions(text):
            covered.update(range(hit.start, hit.start + hit.length))
        return tuple(t for n, t in enumerate(text.tokens) if n not in covered)


def _matches_at(tokens: tuple[str, ...], start: int, words: tuple[Word, ...]) -> bool:
    if start + len(words) > len(tokens):
        return False
    for token, (word, stem) in zip(tokens[start:], words, strict=False):
        if token != word and not (stem and token.startswith(word)):
            return False
    return True


def near(a: list[Hit], b: list[Hit], window: int = WINDOW) -> bool:
    """Return True when a match of `a` and one of `b` fall within `window` words."""
    return any(
        x.start < 0 or y.start < 0 or (x.start != y.start and abs(x.start - y.start) <= window)
        for x in a
        for y in b
    )
