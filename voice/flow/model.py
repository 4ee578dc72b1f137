"""A loaded callflow: the business, what the assistant may answer, and who takes the rest."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from voice.flow.confidence import Calibration, calibration_for
from voice.flow.hours import Hours
from voice.flow.lexicon import Lexicon, lexicon_for
from voice.flow.lexicon_en import ENGLISH
from voice.flow.matcher import Matcher
from voice.flow.saying import hours_today, say_week
from voice.flow.semantic import MeaningIndex, english_embedder
from voice.flow.signals import Signals
from voice.flow.text import PhraseSet, normalise
from voice.flow.types import Priority
from voice.flow.understand import OUT_OF_SCOPE, ExampleIndex

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
GENERAL = "general"  # the implied default team when a callflow names none


@dataclass(frozen=True)
class Business:
    """Who answers the phone: name, timezone (IANA name) and the hours people answer."""

    name: str
    timezone: str = "UTC"
    hours: Hours = field(default_factory=Hours)

    @property
    def tz(self) -> ZoneInfo:
        """Return the timezone object."""
        return ZoneInfo(self.timezone)

    def local(self, now: dt.datetime) -> dt.datetime:
        """Return `now` in the business's timezone (naive times are taken as local already)."""
        return now.replace(tzinfo=self.tz) if now.tzinfo is None else now.astimezone(self.tz)

    def is_open(self, now: dt.datetime) -> bool:
        """Return True when people answer at `now`; True when hours are not given."""
        return self.hours.is_open(self.local(now))


@dataclass(frozen=True)
class Team:
    """Where a transfer goes: `target` is E.164, `sip:` or `client:`; '' means the line fallback."""

    key: str
    name: str = ""
    target: str = ""
    default: bool = False
    title: str = ""  # what admins and agents read (flow.titles); '' = the name, else the key

    @property
    def display_name(self) -> str:
        """Return the name callers hear, e.g. "Customer care"; the key when none is set."""
        return self.name or self.key.replace("_", " ")


@dataclass(frozen=True)
class Intent:
    """A request the assistant answers by itself."""

    name: str
    examples: tuple[str, ...]
    answer: str
    lookup: str | None = None
    to_people: bool = False  # the admin sent it to people: transfer with the intent recorded
    team: str | None = None  # where it goes when sent to people; None = the default team
    title: str = ""  # what admins and agents read (flow.titles); '' = the key in words


@dataclass(frozen=True)
class Escalation:
    """A topic that goes to a person at once, with its team and priority."""

    name: str
    examples: tuple[str, ...]
    team: str
    priority: Priority = "high"
    topics: tuple[str, ...] = ()  # built-in sensitive topics this escalation takes
    title: str = ""  # what admins and agents read (flow.titles); '' = the key in words


@dataclass(frozen=True)
class Switch:
    """An optional rule that can be turned off, with the team it sends callers to."""

    enabled: bool = True
    team: str | None = None


@dataclass(frozen=True)
class Survey:
    """The optional 1-5 rating asked after an automated answer, when the caller is done."""

    enabled: bool = False
    question: str = (
        "Before you go: how well did I help today, from 1 to 5? "
        "Say a number, or press it on your keypad."
    )
    thanks: str = "Thank you for rating us."


@dataclass(frozen=True)
class Listening:
    """When a caller's turn is over (`listening:`): quiet after their words, in ms.

    `end_silence_ms` closes any utterance; `phrase_silence_ms` closes one that is exactly a
    phrase of the line's grammar (with `speech: {grammar: true}`). Shorter is faster, but a
    caller who pauses that long mid-sentence is cut off.
    """

    end_silence_ms: int = 500
    phrase_silence_ms: int = 300


@dataclass(frozen=True, eq=False)
class Callflow:
    """One phone line's behaviour, loaded from callflows/*.yaml."""

    name: str
    business: Business
    greeting: str
    intents: dict[str, Intent]
    escalations: dict[str, Escalation] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=lambda: {GENERAL: Team(GENERAL, default=True)})
    default_team: str = GENERAL
    language: str = "en-US"
    version: int = 1
    voice: str = ""  # Twilio <Say> voice, e.g. Polly.Joanna; '' = the provider's default
    greeting_audio: Path | None = None
    numbers: tuple[str, ...] = ()
    fallback_number: str = ""
    silence_timeout: float = 6.0
    confidence_threshold: float = 0.5
    followup: str = ENGLISH.followup
    goodbye: str = ENGLISH.goodbye
    handoff: str = ENGLISH.handoff
    recording: bool = False
    frustration: Switch = field(default_factory=Switch)
    repeat_caller: Switch = field(default_factory=Switch)
    survey: Survey = field(default_factory=Survey)
    human_words: tuple[str, ...] = ()
    # Limit recognition to this callflow's phrases: far more accurate for a small line, but
    # anything else is heard as the nearest phrase, so the recognizer marks off-grammar results.
    speech_grammar: bool = False
    listening: Listening = field(default_factory=Listening)
    # Values that look like long digit strings but are needed (order numbers): kept unredacted.
    privacy_keep: tuple[str, ...] = ()
    # Days a call's words, recordings and caller number are kept; None: settings.retention_days.
    retention_days: int | None = None
    # What callers said that the assistant must not answer (taught from labelled calls): an
    # utterance closer to these than to any intent goes to a person.
    out_of_scope: tuple[str, ...] = ()
    description: str = ""
    path: Path | None = None

    def __post_init__(self) -> None:
        # Indexed when made, however it is made (loader, test, tool): decide() then only reads.
        self.compile()

    def team(self, key: str | None) -> Team:
        """Return a team by key, or the default team for None or an unknown key."""
        return self.teams.get(key or "") or self.teams[self.default_team]

    def target_for(self, key: str | None) -> str:
        """Return where to dial for a team: its target, else the line's fallback number."""
        return self.team(key).target or self.fallback_number

    def handoff_line(self, key: str | None) -> str:
        """Return what the caller hears before a transfer to a team."""
        team = self.team(key).display_name
        return self.handoff.replace("{team}", team).replace("{business.name}", self.business.name)

    def hours_today(self, now: dt.datetime) -> str:
        """Return today's hours in words ("8 AM to 8 PM", "closed")."""
        return hours_today(self.business.hours, self.business.local(now), self.language)

    def hours_week(self) -> str:
        """Return the week's hours in words."""
        return say_week(self.business.hours, self.language)

    def is_open(self, now: dt.datetime) -> bool:
        """Return True when people answer at `now`."""
        return self.business.is_open(now)

    def grammar(self) -> list[str]:
        """Return every phrase a caller may say here: examples, ways to ask for a person, byes."""
        lex = self.lexicon
        groups: list[Intent | Escalation] = [*self.intents.values(), *self.escalations.values()]
        phrases = [e for group in groups for e in group.examples]
        phrases += [p.rstrip("*") for p in (*lex.human, *lex.closing, *self.human_words)]
        phrases += [t.name for t in self.teams.values() if t.name]
        return list(dict.fromkeys(p for p in phrases if p))

    @cached_property
    def lexicon(self) -> Lexicon:
        """Return the word lists for this callflow's language."""
        return lexicon_for(self.language)

    @cached_property
    def signals(self) -> Signals:
        """Return the compiled human-request, frustration, closing and topic detectors."""
        return Signals(self.lexicon, self.human_words)

    @cached_property
    def matcher(self) -> Matcher:
        """Return the example index; built once, when the callflow is made."""
        docs = []
        for kind, items in (("intent", self.intents), ("escalation", self.escalations)):
            for name, item in items.items():
                docs.append((kind, name, name.replace("_", " ")))
                docs.extend((kind, name, example) for example in item.examples)
        answers = [("intent", n, _PLACEHOLDER.sub(" ", i.answer)) for n, i in self.intents.items()]
        names = frozenset(normalise(self.business.name, self.lexicon).tokens)
        return Matcher(docs, self.lexicon, answers, names)

    @cached_property
    def meaning(self) -> MeaningIndex | None:
        """Return the examples' meanings, when this language has an embedding model."""
        embedder = english_embedder() if self.lexicon.semantic else None
        if embedder is None:
            return None
        docs = []
        for kind, items in (("intent", self.intents), ("escalation", self.escalations)):
            for name, item in items.items():
                for text in (name.replace("_", " "), *item.examples):
                    docs.append((kind, name, " ".join(normalise(text, self.lexicon).tokens)))
        return MeaningIndex(embedder, docs)

    @cached_property
    def understanding(self) -> ExampleIndex | None:
        """Return the examples as sentence vectors, when an understanding model serves the line."""
        from voice.nlu.encoder import encoder_for

        encoder = encoder_for(self.language)
        if encoder is None:
            return None
        docs = [(OUT_OF_SCOPE, "", text) for text in self.out_of_scope]
        for kind, items in (("intent", self.intents), ("escalation", self.escalations)):
            for name, item in items.items():
                docs.append((kind, name, name.replace("_", " ")))
                docs.extend((kind, name, example) for example in item.examples)
        answers = {name: intent.answer for name, intent in self.intents.items()}
        return ExampleIndex(encoder, self.lexicon, docs, answers, self.lexicon.out_of_scope)

    @cached_property
    def calibration(self) -> Calibration | None:
        """Return the learned confidence for the line's understanding model, if it has one."""
        index = self.understanding
        return calibration_for(index.embedder.id) if index else None

    @cached_property
    def team_names_by_phrase(self) -> dict[str, str]:
        """Return team keys by the display names callers may say ("front desk")."""
        return {t.name: t.key for t in self.teams.values() if t.name}

    @cached_property
    def team_names(self) -> PhraseSet:
        """Return the compiled team display names."""
        return PhraseSet(tuple(self.team_names_by_phrase), self.lexicon)

    @cached_property
    def topic_routes(self) -> dict[str, str]:
        """Return the escalation that takes each topic: declared `topics:`, else most examples."""
        votes: dict[str, list[tuple[float, int, str]]] = {}
        for order, esc in enumerate(self.escalations.values()):
            counts = {t: float("inf") for t in esc.topics} or self._topic_counts(esc.name, esc)
            for topic, count in counts.items():
                votes.setdefault(topic, []).append((-count, order, esc.name))
        return {topic: min(ranked)[2] for topic, ranked in votes.items()}

    @cached_property
    def topic_claims(self) -> dict[str, frozenset[str]]:
        """Return the intents whose own examples touch a topic ("cancel my appointment")."""
        claims: dict[str, set[str]] = {}
        for name, intent in self.intents.items():
            for topic in self._topic_counts(name, intent):
                claims.setdefault(topic, set()).add(name)
        return {topic: frozenset(names) for topic, names in claims.items()}

    def _topic_counts(self, name: str, item: Intent | Escalation) -> dict[str, float]:
        counts: dict[str, float] = {}
        for text in (name.replace("_", " "), *item.examples):
            for topic in self.signals.topics(normalise(text, self.lexicon)):
                counts[topic] = counts.get(topic, 0.0) + 1.0
        return counts

    def compile(self) -> Callflow:
        """Build the matcher and detectors (done when the callflow is made; a no-op after)."""
        _ = self.signals, self.matcher, self.topic_routes, self.topic_claims
        if self.understanding is None:  # static word vectors stand in only without the model
            _ = self.meaning
        _ = self.calibration
        _ = self.team_names
        return self
