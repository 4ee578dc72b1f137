"""Plain values that flow through decide(): what was heard, who is calling, and the decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["answer", "transfer", "hangup"]
Priority = Literal["urgent", "high", "normal"]
_PRIORITIES: dict[str, Priority] = {"urgent": "urgent", "high": "high", "normal": "normal"}
Turn = Literal["first", "followup"]


def priority_of(value: str) -> Priority:
    """Return a stored priority as the type; anything unknown is normal."""
    return _PRIORITIES.get(value, "normal")


@dataclass(frozen=True, slots=True)
class Word:
    """One recognized word with the recognizer's confidence (0..1)."""

    text: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Utterance:
    """What the caller said in one turn, as the recognizer heard it."""

    text: str
    confidence: float = 1.0  # mean word confidence; 1.0 for typed text
    words: tuple[Word, ...] = ()
    dtmf: str = ""  # keys pressed, if any


@dataclass(frozen=True, slots=True)
class CallerContext:
    """What is known about the caller before deciding; gathered by the caller of decide()."""

    number: str = ""
    now: dt.datetime | None = None  # aware datetime; None means "unknown", no hours_today
    customer_name: str = ""
    calls_today: int = 0  # earlier calls from this number today (not counting this one)
    turn: Turn = "first"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one turn: answer with `say`, or transfer to `team`, and why."""

    action: Action
    reason: str
    intent: str | None = None
    team: str | None = None
    say: str = ""
    priority: Priority = "normal"
    lookup: str | None = None  # a named data lookup still to run before `say` is final
    score: float = 0.0  # matcher's confidence in the intent, for analytics
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """Return the `voice decide` JSON shape (DESIGN.md contract)."""
        out: dict[str, object] = {
            "action": self.action,
            "intent": self.intent,
            "team": self.team,
            "reason": self.reason,
            "say": self.say,
            "priority": self.priority,
        }
        if self.lookup:
            out["lookup"] = self.lookup
        if self.score:
            out["score"] = round(self.score, 3)
        if "closest" in self.detail:  # by meaning: the nearest label, and the confidence in it
            kind, name, _ = self.detail["closest"]
            out["closest"] = f"{kind}:{name}" if name else kind
        if "confidence" in self.detail:
            out["confidence"] = self.detail["confidence"]
        return out
