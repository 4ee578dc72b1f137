"""The word lists themselves: every entry is one the matcher can actually find."""

from voice.flow.lexicon import TOPICS
from voice.flow.lexicon_en import ENGLISH


def test_concept_words_are_single_words_the_matcher_can_look_up():
    # Concepts are looked up word by word: a phrase or a `word*` entry would never match.
    entries = [w for words in ENGLISH.concepts.values() for w in words]
    assert [w for w in entries if " " in w or w.endswith("*")] == []


def test_every_topic_has_english_words():
    assert set(ENGLISH.topics) == set(TOPICS)
    assert all(t.phrases or t.pairs for t in ENGLISH.topics.values())
