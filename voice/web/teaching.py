"""What the Teach page learns from: calls a person took for want of a match, and agents' labels.

A call is worth teaching from when the assistant found no confident match (or heard something
too vague or unclear) and sent it to a person, or when the agent marked its routing wrong at
wrap-up. An agent's "what would have been right?" is a label: `intent:X` means the assistant
should have answered X, `team:Y` that a person on team Y should have taken it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.analytics import Period
from voice.analytics.scope import scoped_ids
from voice.calls.retention import PURGED
from voice.errors import CallflowError
from voice.flow import titles
from voice.flow.cases import Case, cases_path, read_cases, unknown_labels
from voice.flow.model import Callflow
from voice.flow.text import normalise
from voice.store.models import Call, Turn, WrapUp
from voice.store.models import Decision as DecisionRow
from voice.web import words
from voice.web.filters import reason

WHY = {
    "no_match": "no confident match",
    "vague": "too vague to tell what they needed",
    "low_confidence": "not heard clearly",
}
MAX_CALLS = 300  # the newest calls listed; older ones are counted, not shown
MAX_LABELLED = 2000  # the newest agent-labelled calls replayed as cases


@dataclass(frozen=True)
class Heard:
    """A call to learn from: what the caller said, why a person took it, what the agent said."""

    call_id: int
    at: dt.datetime
    words: str  # the redacted first turn, spaces tidied
    reason: str  # the first decision's reason code
    intent: str | None  # the intent the assistant named, if any
    routing_right: bool | None  # the agent's wrap-up answer, None when not asked
    right_target: str | None  # "intent:<name>" or "team:<key>"
    expect: str = ""  # the case label the agent's answer gives, "" when none


@dataclass
class Group:
    """Calls the line reads as closest to one label."""

    label: tuple[str, str]  # (kind, name); ("", "") when the line knows nothing close
    title: str
    calls: list[Heard] = field(default_factory=list)


@dataclass
class Labelled:
    """The cases every change is replayed on: the cases file, then agents' labelled calls."""

    cases: list[Case]
    from_file: int
    from_calls: int
    problems: list[str] = field(default_factory=list)


def expect_for(callflow: Callflow, target: str | None) -> str:
    """Return the case label an agent's right_target gives ('' when it gives none)."""
    kind, _, name = (target or "").partition(":")
    if kind == "intent":
        return f"answer:{name}" if name in callflow.intents else ""
    if kind == "team" and name:
        taking = [e.name for e in callflow.escalations.values() if e.team == name]
        return f"transfer:escalation:{taking[0]}" if len(taking) == 1 else "transfer:any"
    return ""


def tidy(words: str) -> str:
    """Return a transcript on one line with single spaces, as a case holds it."""
    return " ".join(words.split())


def calls_to_learn_from(
    s: so.Session, callflow: Callflow, period: Period, include_demo: bool
) -> tuple[list[Heard], int]:
    """Return the newest calls worth teaching from (at most MAX_CALLS) and how many there are."""
    ids = scoped_ids(period, callflow.name, include_demo)
    first = sa.select(sa.func.min(DecisionRow.id)).where(DecisionRow.call_id.in_(ids))
    decided = s.execute(
        sa.select(Call.id, Call.started_at, DecisionRow.reason, DecisionRow.intent)
        .join(DecisionRow, DecisionRow.call_id == Call.id)
        .where(DecisionRow.id.in_(first.group_by(DecisionRow.call_id)))
        .order_by(Call.started_at.desc(), Call.id.desc())
    ).all()
    wraps = _wrap_ups(s, ids)
    chosen = [row for row in decided if row.reason in WHY or _misrouted(wraps.get(row.id))]
    words = _first_words(s, [row.id for row in chosen[:MAX_CALLS]])
    heard = []
    for row in chosen[:MAX_CALLS]:
        wrap = wraps.get(row.id)
        target = wrap.right_target if wrap else None
        heard.append(Heard(row.id, row.started_at, words.get(row.id, ""), row.reason, row.intent,
                           wrap.routing_right if wrap else None, target,
                           expect_for(callflow, target)))  # fmt: skip
    return heard, len(chosen)


def _misrouted(wrap: WrapUp | None) -> bool:
    return wrap is not None and wrap.routing_right is False


def _wrap_ups(s: so.Session, ids: sa.Select) -> dict[int, WrapUp]:
    """Return each call's latest wrap-up."""
    rows = s.scalars(sa.select(WrapUp).where(WrapUp.call_id.in_(ids)).order_by(WrapUp.id))
    return {w.call_id: w for w in rows}


def _first_words(s: so.Session, call_ids: list[int]) -> dict[int, str]:
    """Return each call's first turn's (redacted) transcript."""
    found: dict[int, str] = {}
    for start in range(0, len(call_ids), 500):
        rows = s.execute(
            sa.select(Turn.call_id, Turn.transcript)
            .where(Turn.call_id.in_(call_ids[start : start + 500]))
            .order_by(Turn.id)
        )
        for call_id, transcript in rows:
            # a purged call's words are gone: nothing to teach from
            found.setdefault(call_id, "" if transcript == PURGED else tidy(transcript or ""))
    return found


def words_of_call(s: so.Session, call_id: int, callflow: str) -> str:
    """Return a call's first words if it is on this callflow ('' otherwise)."""
    call = s.get(Call, call_id)
    if call is None or call.callflow != callflow:
        return ""
    return _first_words(s, [call_id]).get(call_id, "")


def labelled(s: so.Session, callflow: Callflow, include_demo: bool) -> Labelled:
    """Return the line's cases file, then every call an agent labelled, without repeats."""
    problems: list[str] = []
    from_file: list[Case] = []
    path = cases_path(callflow.path) if callflow.path else None
    if path is not None and path.exists():
        try:
            from_file = read_cases(path)
        except CallflowError as exc:
            problems.append(f"{exc} (its cases are left out until it is fixed)")
        problems += [f"{path.name}: {p}" for p in unknown_labels(callflow, from_file)]
    cases = list(from_file)
    seen = {(c.expect, c.text) for c in cases}
    for case in _agent_cases(s, callflow, include_demo):
        if (case.expect, case.text) not in seen:
            seen.add((case.expect, case.text))
            cases.append(case)
    return Labelled(cases, len(from_file), len(cases) - len(from_file), problems)


def _agent_cases(s: so.Session, callflow: Callflow, include_demo: bool) -> list[Case]:
    """Return a case for each call on the line an agent labelled at wrap-up, newest first."""
    ids = scoped_ids(None, callflow.name, include_demo)
    rows = s.execute(
        sa.select(WrapUp.call_id, WrapUp.right_target)
        .where(WrapUp.call_id.in_(ids), WrapUp.right_target.is_not(None))
        .order_by(WrapUp.id.desc())
    ).all()
    latest: dict[int, str] = {}
    for call_id, target in rows:
        latest.setdefault(call_id, target)
    chosen = list(latest.items())[:MAX_LABELLED]
    words = _first_words(s, [call_id for call_id, _ in chosen])
    cases = []
    for call_id, target in chosen:
        expect, text = expect_for(callflow, target), words.get(call_id, "")
        if expect and text:
            cases.append(Case(expect, text))
    return cases


def closest(callflow: Callflow, words: str) -> tuple[str, str]:
    """Return the label the line reads the words as closest to; ("", "") for none."""
    text = normalise(words, callflow.lexicon)
    if text.empty:
        return ("", "")
    ranked = callflow.matcher.rank(text)
    index = callflow.understanding
    if index is not None:
        reading = index.read(text, ranked)
        if reading is not None:
            return reading.label
    return (ranked[0].kind, ranked[0].name) if ranked else ("", "")


def label_words(label: tuple[str, str]) -> str:
    """Return a label as an admin reads it: "Store hours", "Fraud (goes to a person at once)"."""
    kind, name = label
    if kind == "intent":
        return words.intent_title(name)
    if kind == "escalation":
        return f"{words.escalation_title(name)} (goes to a person at once)"
    if kind == "out_of_scope":
        return "what the assistant should not answer"
    return "nothing the line knows"


def grouped(callflow: Callflow, heard: list[Heard]) -> list[Group]:
    """Return the calls grouped by the label the line reads them as closest to, biggest first."""
    groups: dict[tuple[str, str], Group] = {}
    for call in heard:
        label = closest(callflow, call.words)
        group = groups.setdefault(label, Group(label, f"closest to: {label_words(label)}"))
        group.calls.append(call)
    return sorted(groups.values(), key=lambda g: (-len(g.calls), g.title))


def why_words(call: Heard) -> str:
    """Return why a person took the call, in words."""
    if call.reason in WHY:
        said = WHY[call.reason]
    elif call.reason == "intent" and call.intent:
        said = f"the assistant answered {words.intent_title(call.intent)}"
    else:
        said = reason(call.reason)
    return f"{said}; the agent marked the routing wrong" if call.routing_right is False else said


def agent_words(callflow: Callflow, call: Heard) -> str:
    """Return the agent's wrap-up answer to "what would have been right?" in words."""
    if call.routing_right is None:
        return "not recorded"
    if call.routing_right:
        return "the routing was right"
    kind, _, name = (call.right_target or "").partition(":")
    if kind == "intent":
        return f"should have been: {titles.intent(callflow, name)}"
    if kind == "team":
        return f"should have gone to the {titles.team(callflow, name)} team"
    return "the routing was wrong; not sure what was right"
