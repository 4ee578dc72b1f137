"""Teaching a line one example at a time: preview it on every labelled case, accept, undo.

An example is accepted only when replaying the labelled cases with it turns no case wrong and
handles no fewer right (`teach.harms`), checked again when it is accepted. Each one accepted is
journalled in `taught_examples`, so the page lists who taught what, and can undo it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.errors import CallflowInvalid
from voice.flow import titles
from voice.flow.bank import load_bank
from voice.flow.cases import Case, Outcome, Replay, append_case, cases_path, read_cases, replay
from voice.flow.edit import add_examples, remove_examples
from voice.flow.model import Callflow
from voice.flow.teach import Addition, addition_for, harms, known, with_additions
from voice.flow.understand import OUT_OF_SCOPE
from voice.store.models import TaughtExample, User, utcnow
from voice.web import words
from voice.web.filters import reason
from voice.web.teaching import label_words, labelled, tidy, words_of_call

RECENT = 20  # taught examples listed on the page


@dataclass(frozen=True)
class Proposal:
    """One example to teach a line, where it came from, and the labelled case it brings."""

    callflow: Callflow
    addition: Addition
    source: str  # "call:<id>", "bank" or "case"
    case: Case | None = None  # a call's words with the label chosen, kept in NAME.cases.tsv


@dataclass
class Preview:
    """The labelled cases replayed without and with the example, and what changes."""

    proposal: Proposal
    before: Replay
    after: Replay
    changed: list[tuple[Outcome, Outcome]]
    harm: str  # why it may not be accepted; '' when it may
    known: bool  # the line already has these words under that label
    diff: str = ""


def label_of(add: Addition) -> str:
    """Return the form value naming an addition's label: intent:X, escalation:X, out_of_scope."""
    return OUT_OF_SCOPE if add.kind == OUT_OF_SCOPE else f"{add.kind}:{add.name}"


def addition_of(callflow: Callflow, label: str, text: str) -> Addition:
    """Return the addition a form's label names; raise ValueError for one the line lacks."""
    kind, _, name = label.partition(":")
    if kind == OUT_OF_SCOPE:
        return Addition(OUT_OF_SCOPE, "", text)
    items = {"intent": callflow.intents, "escalation": callflow.escalations}.get(kind, {})
    if name not in items:
        raise ValueError(f"{callflow.name} has no intent or escalation named {name!r}")
    return Addition(kind, name, text)


def expect_of(add: Addition) -> str:
    """Return the case label that says what an addition teaches."""
    if add.kind == "intent":
        return f"answer:{add.name}"
    if add.kind == "escalation":
        return f"transfer:escalation:{add.name}"
    return "transfer:any"


def teaches(add: Addition) -> str:
    """Return what an addition teaches, in words: "an example of store hours"."""
    if add.kind == OUT_OF_SCOPE:
        return "something the assistant should not answer"
    return f"an example of {label_words((add.kind, add.name))}"


def propose(s: so.Session, callflow: Callflow, label: str, source: str, text: str) -> Proposal:
    """Return the proposal a form describes, checked against the call, bank or cases file."""
    if source.startswith("call:"):
        number = source.removeprefix("call:")
        words = words_of_call(s, int(number), callflow.name) if number.isdigit() else ""
        if not words:
            raise ValueError(f"there is no call {number} with words on {callflow.name}")
        add = addition_of(callflow, label, words)
        return Proposal(callflow, add, f"call:{number}", Case(expect_of(add), words))
    add = addition_of(callflow, label, tidy(text))
    if source == "bank":
        bank = load_bank(callflow.language)
        if not any(add.text in kind.paraphrases for kind in bank.values()):
            raise ValueError(f"{add.text!r} is not in the bank of suggestions")
    elif source == "case":
        path = cases_path(callflow.path)
        file_cases = read_cases(path) if path.exists() else []
        if add not in [addition_for(c) for c in file_cases]:
            raise ValueError(f"{path.name} has no case that teaches {add.describe()}")
    else:
        raise ValueError(f"unknown source {source!r}")
    return Proposal(callflow, add, source)


def preview(s: so.Session, proposal: Proposal, include_demo: bool, diff: bool = True) -> Preview:
    """Return every labelled case replayed without and with the example."""
    callflow, add = proposal.callflow, proposal.addition
    cases = labelled(s, callflow, include_demo).cases
    new = proposal.case
    if new is not None and (new.expect, new.text) not in {(c.expect, c.text) for c in cases}:
        cases.append(new)
    before = replay(callflow, cases)
    after = replay(with_additions(callflow, [add]), cases)
    changed = [(old, now) for old, now in zip(before.outcomes, after.outcomes, strict=True)
               if old.verdict != now.verdict]  # fmt: skip
    harm = harm_words(before, after, callflow) if harms(before, after) else ""
    found = Preview(proposal, before, after, changed, harm, known(callflow, add))
    if diff and not found.known and not found.harm:
        found.diff = _diff_on_copy(Path(callflow.path), add)
    return found


def _diff_on_copy(path: Path, add: Addition) -> str:
    """Return the diff adding the example would make, made and checked on a copy."""
    copy = path.with_name(f".{path.name}.teach-{os.getpid()}-{threading.get_ident()}")
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        diff = add_examples(copy, [add])
    except CallflowInvalid as exc:
        raise CallflowInvalid(str(path), exc.key, exc.problem, exc.fix) from None
    finally:
        copy.unlink(missing_ok=True)
    return diff.replace(str(copy), str(path), 2)  # the --- and +++ headers


def accept(
    s: so.Session, proposal: Proposal, include_demo: bool, user_id: int, lines: object
) -> list[tuple[str, str]]:
    """Write the example if it still harms no case; keep its case, journal it; return messages."""
    checked = preview(s, proposal, include_demo, diff=False)
    add, callflow = proposal.addition, proposal.callflow
    if checked.known:
        return [("info", f"{callflow.name} already has {add.describe()}; nothing was changed.")]
    if checked.harm:
        raise ValueError(f"not added, because {checked.harm}")
    diff = add_examples(callflow.path, [add], lines=lines)
    messages = [("info", f"Taught {callflow.name}: {add.describe()}. {summary(diff)}")]
    if proposal.case is not None:
        try:
            append_case(cases_path(callflow.path), proposal.case)
        except CallflowInvalid as exc:
            messages.append(("error", f"The call was not kept as a labelled case: {exc}"))
    s.add(TaughtExample(callflow=callflow.name, kind=add.kind, name=add.name, text=add.text,
                        source=proposal.source, added_by=user_id))  # fmt: skip
    s.flush()
    return messages


def harm_words(before: Replay, after: Replay, callflow: Callflow) -> str:
    """Return why `after` is worse than `before` in words (see teach.harms): '' when it is not."""
    pairs = list(zip(before.outcomes, after.outcomes, strict=True))
    for old, new in pairs:
        if new.wrong and not old.wrong:
            got, should = got_words(new.got, callflow), expect_words(new.case.expect)
            return f"“{new.case.text}” would be {got}; it should be {should}"
    lost = before.right - after.right
    dropped = [new for old, new in pairs if old.verdict == "right" and new.verdict != "right"]
    if lost > 0 and dropped:
        went, text = got_words(dropped[0].got, callflow), dropped[0].case.text
        return f"{lost} fewer case(s) would be handled right: “{text}” would go to {went}"
    return ""


def summary(diff: str) -> str:
    """Return a diff in one line: which file, how many lines added and removed."""
    lines = diff.splitlines()
    if not lines:
        return "The file already said this."
    added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    name = Path(lines[0].removeprefix("--- ")).name
    return f"{name}: {added} line(s) added, {removed} removed; checked and reloaded."


def undo(s: so.Session, row_id: int, lines: object) -> tuple[str, str]:
    """Take a taught example out of its file again; return (category, message)."""
    row = s.get(TaughtExample, row_id)
    if row is None:
        raise ValueError(f"nothing was taught with number {row_id}")
    add = Addition(row.kind, row.name, row.text)
    if row.undone_at is not None:
        return "info", f"Already undone: {add.describe()}."
    if row.callflow not in lines.names:
        raise ValueError(f"callflow {row.callflow!r} is not loaded, so its file cannot be changed")
    path = lines.by_name(row.callflow).path
    try:
        diff = remove_examples(path, [add], lines=lines)
    except CallflowInvalid as exc:
        if exc.problem != "no such list of examples":
            raise
        diff = ""  # the intent or escalation itself was taken out by hand
    row.undone_at = utcnow()
    s.flush()
    if not diff:
        return "error", (
            f"{add.describe()} was no longer in {Path(path).name}: the file was edited by hand "
            "since. Nothing was changed; it is marked undone."
        )
    return "info", f"Undone: {add.describe()}. {summary(diff)}"


def recent(s: so.Session, callflow: str) -> list[dict]:
    """Return the newest examples taught to a line, with who taught them."""
    rows = s.execute(
        sa.select(TaughtExample, User.name)
        .outerjoin(User, User.id == TaughtExample.added_by)
        .where(TaughtExample.callflow == callflow)
        .order_by(TaughtExample.id.desc())
        .limit(RECENT)
    ).all()
    return [
        {"row": row, "who": who or "a user since removed",
         "what": teaches(Addition(row.kind, row.name, row.text))}
        for row, who in rows
    ]  # fmt: skip


def expect_words(expect: str) -> str:
    """Return a case label in words: "answer: Store hours", "a person, for Fraud"."""
    if expect.startswith("answer:"):
        return f"answer: {words.intent_title(expect.removeprefix('answer:'))}"
    if expect.startswith("transfer:escalation:"):
        return f"a person, for {words.escalation_title(expect.rsplit(':', 1)[1])}"
    return "a person, at their request" if expect == "transfer:human" else "a person"


def got_words(got: str, callflow: Callflow | None = None) -> str:
    """Return what the line did, in words: "answered Store hours", "a person (no match), …"."""
    if got.startswith("answer:"):
        return f"answered {titles.intent(callflow, got.removeprefix('answer:'))}"
    why, _, key = got.partition(":")[2].partition("→")
    return f"a person ({reason(why)}), {titles.team(callflow, key)} team"


VERDICTS = {"right": "right", "wrong": "answered wrongly", "miss": "to a person (safe)"}
