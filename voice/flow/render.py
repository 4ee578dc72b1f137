"""Fill an intent's answer: business and caller fields at once, lookup fields once data is in."""

from __future__ import annotations

from dataclasses import replace

from voice.flow.model import Callflow, Intent
from voice.flow.outcomes import transfer
from voice.flow.saying import say_value
from voice.flow.templates import fill, placeholders
from voice.flow.types import CallerContext, Decision


def answer_decision(
    callflow: Callflow, intent: Intent, score: float, context: CallerContext, detail: dict
) -> Decision:
    """Return the answer for a matched intent; `lookup` is set while lookup fields are unfilled."""
    if intent.to_people:  # an admin decided people answer this better than the assistant
        decision = transfer(
            callflow, "sent_to_people", intent.team, detail=detail, intent=intent.name
        )
        return replace(decision, score=score)
    values = _known_values(callflow, context)
    missing = [
        p for p in placeholders(intent.answer) if p.startswith("business.") and p not in values
    ]
    if missing:
        return _failed(callflow, intent.name, {"missing": missing}, score)
    return Decision(
        action="answer",
        reason="intent",
        intent=intent.name,
        say=fill(intent.answer, values),
        lookup=intent.lookup,
        score=score,
        detail=detail,
    )


def render_answer(
    callflow: Callflow, decision: Decision, lookup_data: dict | None, context: CallerContext
) -> Decision:
    """Fill `{lookup.*}` from the lookup's data; no data or a missing field → a person."""
    if decision.action != "answer" or not decision.lookup:
        return decision
    intent = callflow.intents.get(decision.intent or "")
    if intent is None or lookup_data is None:
        return _failed(callflow, decision.intent, {"lookup": decision.lookup}, decision.score)
    values = _known_values(callflow, context)
    missing = []
    for name in placeholders(intent.answer):
        if not name.startswith("lookup."):
            continue
        value = lookup_data.get(name.removeprefix("lookup."))
        if value is None or value == "":
            missing.append(name)
        else:
            values[name] = say_value(value, callflow.language)
    if missing:
        detail = {"lookup": decision.lookup, "missing": missing}
        return _failed(callflow, decision.intent, detail, decision.score)
    detail = {**decision.detail, "lookup": decision.lookup}
    return replace(decision, say=fill(intent.answer, values), lookup=None, detail=detail)


def _known_values(callflow: Callflow, context: CallerContext) -> dict[str, str]:
    values = {
        "business.name": callflow.business.name,
        "caller.name": context.customer_name,
    }
    if callflow.business.hours.given:
        values["business.hours"] = callflow.hours_week()
        if context.now is not None:
            values["business.hours_today"] = callflow.hours_today(context.now)
    return values


def _failed(callflow: Callflow, intent: str | None, detail: dict, score: float) -> Decision:
    decision = transfer(callflow, "lookup_failed", detail=detail, intent=intent)
    return replace(decision, score=score)
