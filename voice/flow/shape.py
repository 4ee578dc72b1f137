"""The shape of an utterance, before matching: one request, two at once, or only a topic.

One automated attempt per request (right 4) means one request at a time: "where's the store and
can I rent a kayak" gets a person, not half an answer. And "it's about my loan" names a topic
without asking anything, so a guessed answer would be wrong more often than right.
"""

from __future__ import annotations

from voice.flow.lexicon import Lexicon
from voice.flow.text import PhraseSet, Text

MIN_PART = 1  # content words a part needs to count as a request of its own
VAGUE_MAX = 1  # content words a "it's about …" utterance may have and still be vague


def content_words(tokens: tuple[str, ...], lex: Lexicon) -> list[str]:
    """Return the words that carry meaning (not stopwords, courtesy or joiners)."""
    empty = lex.stopwords | lex.joiners | lex.courtesy
    return [t for t in tokens if t not in empty]


def request_parts(text: Text, lex: Lexicon) -> list[Text]:
    """Split at joiners ("and", "also") where both sides could be requests on their own."""
    if lex.unspaced or not lex.joiners:
        return [text]
    parts: list[list[str]] = [[]]
    for token in text.tokens:
        if token in lex.joiners and len(content_words(tuple(parts[-1]), lex)) >= MIN_PART:
            parts.append([])
        elif token not in lex.joiners or parts[-1]:
            parts[-1].append(token)
    if len(parts) > 1 and len(content_words(tuple(parts[-1]), lex)) < MIN_PART:
        tail = parts.pop()  # "… and thanks": not a second request
        parts[-1].extend(tail)
    return [Text(tuple(p), "".join(p)) for p in parts if p]


def is_vague(text: Text, frames: PhraseSet, lex: Lexicon) -> bool:
    """Return True for an utterance that only names a topic ("it's about an order")."""
    if frames.find(text) is None or lex.question_words.intersection(text.tokens):
        return False  # no frame, or the caller does ask something ("… where is it")
    framing = lex.vague_words | {w for frame in lex.vague_frames for w in frame.split()}
    return len([w for w in content_words(text.tokens, lex) if w not in framing]) <= VAGUE_MAX
