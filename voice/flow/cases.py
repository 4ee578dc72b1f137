"""A line's labelled cases: what callers said and what should happen, replayed through decide().

`NAME.cases.tsv` beside a callflow holds them, with the header `expect<TAB>utterance`:
- `answer:<intent>`: the assistant answers with that intent;
- `transfer:escalation:<name>`: a person on that escalation's team;
- `transfer:human`: the caller asked for a person;
- `transfer:any`: anything but an automated answer.

A case is *wrong* when the assistant answers and should not, or answers another intent: that
fails `voice callflows check`. A case that goes to a person when it could have been answered
is a *miss*: safe, and reported, but not a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from voice.errors import CallflowInvalid
from voice.flow.decide import decide
from voice.flow.model import Callflow
from voice.flow.types import CallerContext, Decision, Utterance

HEADER = ("expect", "utterance")
KINDS = ("answer:", "transfer:escalation:", "transfer:human", "transfer:any")
# A weekday noon in the line's timezone, so answers that mention today's hours render.
NOON = dt.datetime(2024, 1, 3, 12, 0)


@dataclass(frozen=True)
class Case:
    """One labelled utterance."""

    expect: str
    text: str
    line: int = 0  # where it came from in its file, for messages
    calls_today: int = 0  # earlier calls from the number that day (the benchmark's repeat callers)
    confidence: float = 0.9  # the recognizer's, as a phone line typically hears clear speech


@dataclass(frozen=True)
class Outcome:
    """How the line handled one case now."""

    case: Case
    verdict: str  # "right", "wrong" (answered and should not have) or "miss" (safe, not right)
    got: str  # "answer:<intent>" or "transfer:<reason>→<team>"

    @property
    def wrong(self) -> bool:
        """Return True when the assistant answered and should not have."""
        return self.verdict == "wrong"


@dataclass
class Figures:
    """Counts over a set of cases, as the benchmark reports them."""

    total: int = 0
    wrong: int = 0
    answerable: int = 0
    covered: int = 0
    escalations: int = 0
    escalations_right: int = 0
    humans: int = 0
    humans_transferred: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count one outcome."""
        expect, right = outcome.case.expect, outcome.verdict == "right"
        self.total += 1
        self.wrong += outcome.wrong
        if expect.startswith("answer:"):
            self.answerable += 1
            self.covered += right
        elif expect.startswith("transfer:escalation:"):
            self.escalations += 1
            self.escalations_right += right
        elif expect == "transfer:human":
            self.humans += 1
            self.humans_transferred += right

    def summary(self) -> str:
        """Return one line of figures an admin can read."""
        parts = [f"{self.covered}/{self.answerable} answerable answered" if self.answerable else "",
                 f"{self.wrong} answered wrongly",
                 f"{self.escalations_right}/{self.escalations} escalations to the right team"
                 if self.escalations else "",
                 f"{self.humans_transferred}/{self.humans} requests for a person"
                 if self.humans else ""]  # fmt: skip
        return ", ".join(p for p in parts if p)


@dataclass
class Replay:
    """Every case's outcome, and the figures over them."""

    outcomes: list[Outcome] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)

    @property
    def right(self) -> int:
        """Return how many cases were handled right."""
        return sum(o.verdict == "right" for o in self.outcomes)


def parse_cases(text: str, source: str = "cases") -> list[Case]:
    """Return the cases of a TSV text; raise CallflowInvalid naming the line that is wrong."""
    read = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = [(n, r) for n, r in enumerate(read, 1) if any(c.strip() for c in r)]
    if not rows or tuple(c.strip().lower() for c in rows[0][1][:2]) != HEADER:
        raise CallflowInvalid(
            source, "line 1", "the first line must be the header expect<TAB>utterance",
            "start the file with: expect\tutterance",
        )  # fmt: skip
    cases = []
    for number, row in rows[1:]:
        if len(row) < 2 or not row[1].strip():
            raise CallflowInvalid(
                source, f"line {number}", "needs two columns: expect, a tab, then the utterance",
                "separate the label and the words with one tab",
            )  # fmt: skip
        expect = row[0].strip()
        if not expect.startswith(KINDS) or expect in ("answer:", "transfer:escalation:"):
            raise CallflowInvalid(
                source, f"line {number}", f"unknown label {expect!r}",
                "use answer:<intent>, transfer:escalation:<name>, transfer:human or transfer:any",
            )  # fmt: skip
        cases.append(Case(expect, " ".join(row[1].split()), number))
    return cases


def read_cases(path: str | Path) -> list[Case]:
    """Return the cases in a TSV file (see parse_cases)."""
    path = Path(path)
    return parse_cases(path.read_text(encoding="utf-8"), str(path))


def format_cases(cases: list[Case]) -> str:
    """Return cases as TSV text with its header."""
    lines = ["\t".join(HEADER)] + [f"{c.expect}\t{c.text}" for c in cases]
    return "\n".join(lines) + "\n"


def cases_path(callflow_path: str | Path) -> Path:
    """Return where a callflow's cases live: NAME.cases.tsv beside the file."""
    path = Path(callflow_path)
    return path.with_name(f"{path.stem}.cases.tsv")


def append_case(path: str | Path, case: Case) -> bool:
    """Add a case to a cases file (made with its header if new) unless it is there; True if added.

    The file is appended to, so its lines stay as the operator wrote them; an unreadable file
    raises CallflowInvalid and is left untouched.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "\t".join(HEADER) + "\n"
    if any((c.expect, c.text) == (case.expect, case.text) for c in parse_cases(text, str(path))):
        return False
    line = f"{case.expect}\t{' '.join(case.text.split())}\n"
    text += line if text.endswith("\n") else "\n" + line
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return True


def unknown_labels(callflow: Callflow, cases: list[Case]) -> list[str]:
    """Return a message for each case naming an intent or escalation the line does not have."""
    problems = []
    for case in cases:
        known: Mapping[str, object]
        if case.expect.startswith("answer:"):
            name, known = case.expect.removeprefix("answer:"), callflow.intents
        elif case.expect.startswith("transfer:escalation:"):
            name, known = case.expect.removeprefix("transfer:escalation:"), callflow.escalations
        else:
            continue
        if name not in known:
            problems.append(f"line {case.line}: {case.expect!r}: {callflow.name} has no {name!r}")
    return problems


def judge(callflow: Callflow, case: Case, decision: Decision) -> Outcome:
    """Return whether a decision is right, wrong or a miss for a case."""
    answered = decision.action == "answer"
    got = (f"answer:{decision.intent}" if answered
           else f"{decision.action}:{decision.reason}→{decision.team}")  # fmt: skip
    expect = case.expect
    if expect.startswith("answer:"):
        if not answered:
            return Outcome(case, "miss", got)
        return Outcome(case, "right" if got == expect else "wrong", got)
    if answered:
        return Outcome(case, "wrong", got)
    if expect.startswith("transfer:escalation:"):
        escalation = callflow.escalations.get(expect.removeprefix("transfer:escalation:"))
        right = escalation is not None and decision.team == escalation.team
        return Outcome(case, "right" if right else "miss", got)
    return Outcome(case, "right", got)


def replay(callflow: Callflow, cases: list[Case], now: dt.datetime | None = None) -> Replay:
    """Decide every case as a first turn from an unknown caller, and judge it."""
    when = (now or NOON).replace(tzinfo=callflow.business.tz)
    result = Replay()
    for case in cases:
        context = CallerContext(number="+15550000000", now=when, calls_today=case.calls_today)
        utterance = Utterance(case.text, case.confidence)
        outcome = judge(callflow, case, decide(callflow, utterance, context))
        result.outcomes.append(outcome)
        result.figures.add(outcome)
    return result
