"""Teach a line from labelled past calls: add what helps, never what makes a case answer wrongly.

Every labelled request suggests one addition: its words as an example of the intent or
escalation it was; a case the line answered and should not have suggests its words as something
the line must not answer (`out_of_scope`). All of
them are tried at once first; if that turns any case wrong, they are tried one at a time, in
file order, and each is kept only if no case turns wrong and no fewer are handled right.
Every addition is a real caller's words with a person's label, so even one that fixes nothing
today is kept when it harms nothing: more examples per intent is what lets a line grow. A case
that turns from right to a transfer is safe; it is allowed only when more cases turn right.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from voice.flow.cases import Case, Figures, Replay, replay
from voice.flow.model import Callflow
from voice.flow.text import normalise
from voice.flow.understand import OUT_OF_SCOPE


@dataclass(frozen=True)
class Addition:
    """One thing to add to a callflow: an example of an intent or escalation, or out of scope."""

    kind: str  # "intent", "escalation" or OUT_OF_SCOPE
    name: str  # the intent or escalation; "" for out of scope
    text: str

    @property
    def key(self) -> str:
        """Return the callflow key it is added under, e.g. intents.store_hours.examples."""
        if self.kind == OUT_OF_SCOPE:
            return OUT_OF_SCOPE
        return f"{self.kind}s.{self.name}.examples"

    def describe(self) -> str:
        """Return it in words an admin reads."""
        if self.kind == OUT_OF_SCOPE:
            return f'"{self.text}" → never answered (out of scope)'
        return f'"{self.text}" → example of {self.kind} {self.name}'


@dataclass
class Lesson:
    """What teaching did: the additions kept and turned down, and figures before and after."""

    before: Figures
    after: Figures
    kept: list[Addition] = field(default_factory=list)
    refused: list[tuple[Addition, str]] = field(default_factory=list)  # and why


def addition_for(case: Case) -> Addition:
    """Return what a case would add: its words under the label it should have had."""
    if case.expect.startswith("answer:"):
        return Addition("intent", case.expect.removeprefix("answer:"), case.text)
    if case.expect.startswith("transfer:escalation:"):
        return Addition("escalation", case.expect.removeprefix("transfer:escalation:"), case.text)
    return Addition(OUT_OF_SCOPE, "", case.text)


def with_additions(callflow: Callflow, additions: list[Addition]) -> Callflow:
    """Return a copy of the callflow that knows the additions (examples de-duplicated)."""
    intents, escalations = dict(callflow.intents), dict(callflow.escalations)
    out_of_scope = list(callflow.out_of_scope)
    for add in additions:
        if add.kind == "intent":
            item = intents[add.name]
            intents[add.name] = replace(item, examples=_plus(item.examples, add.text))
        elif add.kind == "escalation":
            esc = escalations[add.name]
            escalations[add.name] = replace(esc, examples=_plus(esc.examples, add.text))
        else:
            out_of_scope = list(_plus(tuple(out_of_scope), add.text))
    return replace(
        callflow, intents=intents, escalations=escalations, out_of_scope=tuple(out_of_scope)
    )


def _plus(examples: tuple[str, ...], text: str) -> tuple[str, ...]:
    return examples if text in examples else (*examples, text)


def known(callflow: Callflow, add: Addition) -> bool:
    """Return True when the callflow already has these words under that label."""
    if add.kind == OUT_OF_SCOPE:
        texts = callflow.out_of_scope
    else:
        items = callflow.intents if add.kind == "intent" else callflow.escalations
        texts = items[add.name].examples if add.name in items else ()
    words = normalise(add.text, callflow.lexicon).tokens
    return any(normalise(t, callflow.lexicon).tokens == words for t in texts)


def harms(before: Replay, after: Replay) -> str:
    """Return why `after` is worse than `before` ('' when it is not).

    Worse is any case newly answered wrongly, or fewer cases handled right in all: a case that
    now goes to a person instead is safe, so it may be traded for more answered right elsewhere.
    """
    for old, new in zip(before.outcomes, after.outcomes, strict=True):
        if new.wrong and not old.wrong:
            wanted = new.case.expect
            return f'"{new.case.text}" would be answered wrongly ({new.got}, expected {wanted})'
    lost = before.right - after.right
    if lost > 0:
        dropped = next(n for o, n in zip(before.outcomes, after.outcomes, strict=True)
                       if o.verdict == "right" and n.verdict != "right")  # fmt: skip
        return f'{lost} fewer handled right, e.g. "{dropped.case.text}" ({dropped.got})'
    return ""


def teach(callflow: Callflow, cases: list[Case]) -> tuple[Callflow, Lesson]:
    """Return the taught callflow and the lesson; the input callflow is left as it was."""
    start = replay(callflow, cases)
    lesson = Lesson(start.figures, start.figures)
    wanted: list[Addition] = []
    for outcome in start.outcomes:
        add = addition_for(outcome.case)
        # every labelled request is a new example (more examples per intent is what lets a
        # line grow); what must not be answered is only added where the line answered it
        useful = add.kind != OUT_OF_SCOPE or outcome.wrong
        if useful and add not in wanted and not known(callflow, add):
            wanted.append(add)
    current, state, pending = callflow, start, wanted
    while pending:
        taught = with_additions(current, pending)
        trial = replay(taught, cases)
        if not harms(state, trial):  # all at once harms nobody: keep them all
            current, state = taught, trial
            lesson.kept += pending
            pending = []
            break
        refused = []
        for add in pending:  # else one at a time: keep each that harms no case
            candidate = with_additions(current, [add])
            result = replay(candidate, cases)
            why = harms(state, result)
            if why:
                refused.append((add, why))
            else:
                current, state = candidate, result
                lesson.kept.append(add)
        if len(refused) == len(pending):  # nothing more can be kept: running again adds nothing
            lesson.refused = refused
            break
        pending = [add for add, _ in refused]
    lesson.after = state.figures
    return current, lesson
