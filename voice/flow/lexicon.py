"""Per-language word lists: the only place the flow package knows any human language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Situations a caller describes in their own words; escalations are mapped onto them by the
# meaning of their examples. In rule order: the first topic heard picks the escalation.
TOPICS = (
    "bereavement",
    "medical",  # an emergency happening now
    "medication",  # wrong medicine, a reaction, a double dose
    "injury",  # hurt by a product, a fall, a burn
    "results",  # worrying test results
    "danger",  # gas, fire, sparks, a line down: a hazard happening now
    "stranded",  # a traveller stuck: missed connection, cancelled or overbooked flight
    "lost_item",  # a lost, stolen or damaged card, wallet, phone or bag
    "fraud",  # charges, accounts or identities misused; scams
    "hardship",  # cannot pay: lost job, behind on payments
    "complaint",
    "cancellation",
    "bulk",  # large or business orders: sales, not sensitive
)
# DESIGN.md rule 5: these skip the bot even when the callflow has no escalation for them.
SENSITIVE = frozenset(TOPICS) - {"bulk"}
# When no escalation takes a topic, the nearest topic's escalation does ("my phone was stolen"
# reaches the fraud team on a line with no lost-card escalation).
RELATED = {
    "medical": ("danger", "injury", "medication"),
    "danger": ("medical", "injury"),
    "stranded": ("complaint",),
    "medication": ("medical", "complaint"),
    "injury": ("medical", "complaint"),
    "results": ("medical", "medication"),
    "lost_item": ("fraud",),
    "fraud": ("lost_item",),
    "hardship": ("complaint",),
    "complaint": ("cancellation",),
    "cancellation": ("complaint",),
}
URGENT = frozenset({"medical", "danger"})  # priority when no escalation sets one


@dataclass(frozen=True)
class TopicWords:
    """How to spot a topic: any phrase, or a word of a pair's first list close to its second's."""

    phrases: tuple[str, ...] = ()
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Words for one language; phrases use `*` at a word's end to match any ending."""

    language: str
    unspaced: bool = False  # match phrases inside the text with spaces removed (Korean, …)
    fillers: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()
    contractions: tuple[tuple[str, str], ...] = ()  # word suffix → replacement
    stem: Callable[[str], str] | None = None  # fold word endings ("closing" → "clos")
    concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # words that mean alike
    human: tuple[str, ...] = ()  # a person, asked for in any utterance
    human_short: tuple[str, ...] = ()  # a person, only when the utterance is short (mishearings)
    not_human: tuple[str, ...] = ()  # phrases that contain a human word but ask for none
    frustration: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()  # "no thanks", "bye": the caller is done
    courtesy: frozenset[str] = frozenset()  # words that may pad a closing reply
    topics: dict[str, TopicWords] = field(default_factory=dict)
    automation_words: tuple[str, ...] = ()  # greeting must say the line is automated …
    person_words: tuple[str, ...] = ()  # … and that a person is one word away
    recording_words: tuple[str, ...] = ()
    joiners: frozenset[str] = frozenset()  # words that join two requests ("also", "and")
    vague_frames: tuple[str, ...] = ()  # "it's about …": names a topic without asking anything
    vague_words: frozenset[str] = frozenset()  # "something", "stuff": say nothing by themselves
    question_words: frozenset[str] = frozenset()  # "where", "how": the caller asks something
    semantic: bool = False  # compare meanings with an embedding model for this language
    # things no business line answers ("tell me a joke"), never answered by meaning
    out_of_scope: tuple[str, ...] = ()
    followup: str = ""
    goodbye: str = ""
    handoff: str = ""


NEUTRAL = Lexicon(language="")


def sayings(name: str) -> tuple[str, ...]:
    """Return the lines of a bank file in voice/flow/bank/ (no comments, no blanks)."""
    from pathlib import Path

    path = Path(__file__).with_name("bank") / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def words(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of a word list."""
    return frozenset(text.split())


def phrases(text: str) -> tuple[str, ...]:
    """Return the comma-separated phrases of a phrase list."""
    return tuple(p.strip() for p in text.split(",") if p.strip())


def lexicon_for(language: str) -> Lexicon:
    """Return the lexicon for a BCP 47 language tag, or a neutral one when there is none."""
    from voice.flow.lexicon_en import ENGLISH
    from voice.flow.lexicon_ko import KOREAN

    prefix = language.split("-")[0].split("_")[0].lower()
    return {"en": ENGLISH, "ko": KOREAN}.get(prefix, NEUTRAL)


def has_lexicon(language: str) -> bool:
    """Return True when the language has its own word lists."""
    return lexicon_for(language) is not NEUTRAL
