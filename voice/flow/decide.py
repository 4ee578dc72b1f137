"""The pure decision: answer a simple request once, or hand the caller to a person, and why.

Precedence follows the caller's rights (DESIGN.md): a key press or asking for a person, then
sensitive topics and escalations, then frustration and repeat calls, then silence and low
recognition confidence, and only then a confident intent match. Anything unsure transfers.
"""

from __future__ import annotations

from dataclasses import replace

from voice.flow.lexicon import RELATED, SENSITIVE, URGENT
from voice.flow.matcher import Candidate
from voice.flow.model import Callflow
from voice.flow.outcomes import transfer
from voice.flow.render import answer_decision
from voice.flow.shape import request_parts
from voice.flow.signals import SHORT
from voice.flow.text import Text, normalise
from voice.flow.types import CallerContext, Decision, Priority, Utterance
from voice.flow.understand import Reading

INTENT_MIN = 0.45  # best intent score needed to answer
MARGIN = 0.08  # and its lead over the runner-up; a near tie goes to a person
ESCALATION_MIN = 0.4  # an escalation's score that sends the caller to its team, unless an
# intent clearly leads it (escalations win near ties: a person is the safe side)
NEAR_COPY = 0.96  # cosine to one example that counts as saying it ("what's" for "what is")
# By meaning, a caller going to a person anyway reaches the escalation whose examples are the
# nearest of all labels, when at least this near (unrelated sentences score about 0.5).
ESCALATION_MEANING = 0.6

_NO_CONTEXT = CallerContext()


def decide(
    callflow: Callflow, utterance: Utterance, context: CallerContext = _NO_CONTEXT
) -> Decision:
    """Decide one turn: answer (with `say`), transfer (to `team`), or hang up after "no thanks"."""
    text = normalise(utterance.text, callflow.lexicon)
    if utterance.dtmf:
        return transfer(callflow, "asked_for_human", detail={"dtmf": utterance.dtmf})
    asked = callflow.signals.asks_for_human(text)
    if context.turn == "followup" and not asked and (text.empty or callflow.signals.closes(text)):
        return _done(callflow, utterance, text)
    ranked = callflow.matcher.rank(text) if not text.empty else []
    topic = _topic_escalation(callflow, text, ranked)
    named = _named_team(callflow, text, any_length=asked is not None)
    if asked or named:
        # Only a clear topic picks the team: "let me talk to a human" resembles many examples.
        team = named or (topic.team if topic else None)
        priority = topic.priority if topic else "normal"
        return transfer(callflow, "asked_for_human", team, priority, {"heard": asked or team})
    upset = topic or _frustrated(callflow, text) or _similar_escalation(callflow, ranked)
    if upset or (upset := _repeat_caller(callflow, context)):
        return upset
    if context.turn == "followup":  # one automated answer per call; a new request goes to a person
        return transfer(callflow, "followup")
    if text.empty:
        return transfer(callflow, "silence")
    if utterance.confidence < callflow.confidence_threshold:
        return transfer(callflow, "low_confidence", detail={"confidence": utterance.confidence})
    reading = _read(callflow, text, ranked)
    if callflow.signals.vague(text):
        return _by_meaning(callflow, text, reading) or transfer(callflow, "vague")
    decision = _two_requests(callflow, text) or _match(callflow, text, ranked, reading, context)
    if decision.action == "transfer":  # going to a person anyway: the right one, if we can tell
        routed = _by_meaning(callflow, text, reading)
        return replace(routed, detail={**decision.detail, **routed.detail}) if routed else decision
    return decision


def is_human_request(callflow: Callflow, partial_text: str) -> bool:
    """Return True when (partial) recognized text asks for a person; safe to call per partial."""
    text = normalise(partial_text, callflow.lexicon)
    return callflow.signals.asks_for_human(text, partial=True) is not None


def _topic_escalation(callflow: Callflow, text: Text, ranked: list[Candidate]) -> Decision | None:
    """Return a transfer for a topic the caller described: to the escalation that takes it."""
    routes = callflow.topic_routes
    heard = callflow.signals.topics(text) if not text.empty else []
    topics = [t for t in heard if t in SENSITIVE or t in routes]
    if not topics or _claimed(callflow, topics, ranked):
        return None
    for topic in topics:
        if topic in routes:
            return _to_escalation(callflow, routes[topic], {"topic": topic})
    for topic in topics:
        near = next((r for r in RELATED.get(topic, ()) if r in routes), None)
        if near:
            return _to_escalation(callflow, routes[near], {"topic": topic, "via": near})
    priority: Priority = "urgent" if topics[0] in URGENT else "high"
    # a sensitive topic the callflow did not plan for still skips the bot
    return transfer(callflow, f"escalation:{topics[0]}", None, priority, {"topic": topics[0]})


def _claimed(callflow: Callflow, topics: list[str], ranked: list[Candidate]) -> bool:
    """Return True when the line's own intent is about this topic and clearly matches.

    "i need to cancel my appointment" touches cancellation, but a clinic that lists it as an
    intent means to answer it; "cancel my membership" on the same line still goes to a person.
    """
    owners = set().union(*(callflow.topic_claims.get(t, frozenset()) for t in topics))
    if not owners or any(t not in callflow.topic_claims for t in topics):
        return False
    best, runner = (ranked + [None, None])[:2]
    return (
        best is not None
        and best.kind == "intent"
        and best.name in owners
        and best.score >= INTENT_MIN
        and (runner is None or best.score - runner.score >= MARGIN)
    )


def _similar_escalation(callflow: Callflow, ranked: list[Candidate]) -> Decision | None:
    """Return a transfer when an escalation's examples match about as well as any intent's."""
    best = next((c for c in ranked if c.kind == "escalation"), None)
    lead = ranked[0].score if ranked else 0.0
    if best and best.score >= max(ESCALATION_MIN, lead - MARGIN):
        return _to_escalation(callflow, best.name, {"score": round(best.score, 3)})
    return None


def _read(callflow: Callflow, text: Text, ranked: list[Candidate]) -> Reading | None:
    """Return what the line's examples say the words mean, when a model serves the line."""
    index = callflow.understanding
    return index.read(text, ranked) if index is not None and not text.empty else None


def _by_meaning(callflow: Callflow, text: Text, reading: Reading | None) -> Decision | None:
    """Return a transfer to the escalation the caller's story means, when one clearly does."""
    if reading is not None:
        name = _closest_escalation(reading)
        score = reading.escalation[1] if reading.escalation else 0.0
        return _to_escalation(callflow, name, {"meaning": round(score, 3)}) if name else None
    index = callflow.meaning
    closest = index.closest_escalation(" ".join(text.tokens)) if index else None
    if closest is None:
        return None
    return _to_escalation(callflow, closest.name, {"meaning": closest.score})


def _closest_escalation(reading: Reading) -> str | None:
    """Return the escalation a transferred caller's words are nearest of all labels, if near."""
    if reading.label[0] == "escalation" and reading.score >= ESCALATION_MEANING:
        return reading.label[1]
    return None


def _named_team(callflow: Callflow, text: Text, any_length: bool) -> str | None:
    """Return the team named in a short utterance ("billing please") or in a request for one."""
    if len(text.tokens) > SHORT and not any_length:
        return None
    hit = callflow.team_names.find(text)
    return callflow.team_names_by_phrase[hit] if hit else None


def _to_escalation(callflow: Callflow, name: str, detail: dict) -> Decision:
    esc = callflow.escalations[name]
    return transfer(callflow, f"escalation:{name}", esc.team, esc.priority, detail)


def _frustrated(callflow: Callflow, text: Text) -> Decision | None:
    rule = callflow.frustration
    heard = rule.enabled and callflow.signals.frustrated(text)
    if heard:
        return transfer(callflow, "frustration", rule.team, "high", {"heard": heard})
    return None


def _repeat_caller(callflow: Callflow, context: CallerContext) -> Decision | None:
    rule = callflow.repeat_caller
    if rule.enabled and context.calls_today > 0 and context.turn == "first":
        detail = {"calls_today": context.calls_today}
        return transfer(callflow, "repeat_caller", rule.team, "high", detail)
    return None


def _done(callflow: Callflow, utterance: Utterance, text: Text) -> Decision:
    if not text.empty and utterance.confidence < callflow.confidence_threshold:
        return transfer(callflow, "low_confidence", detail={"confidence": utterance.confidence})
    return Decision(action="hangup", reason="done", say=callflow.goodbye)


def _two_requests(callflow: Callflow, text: Text) -> Decision | None:
    """Return a transfer when the caller asked for two different things in one breath."""
    parts = request_parts(text, callflow.lexicon)
    if len(parts) < 2:
        return None
    # Only two confident, different matches count: "and" often joins context to one question
    # ("i have a loan with you and where do i mail the payment").
    labels = set()
    for part in parts:
        ranked = callflow.matcher.rank(part)
        # escalations were judged on the whole utterance already; here only questions count
        if ranked and ranked[0].kind == "intent" and ranked[0].score >= INTENT_MIN:
            labels.add(ranked[0].name)
    if len(labels) < 2:
        return None
    return transfer(callflow, "two_requests", detail={"requests": sorted(labels)})


def _match(
    callflow: Callflow,
    text: Text,
    ranked: list[Candidate],
    reading: Reading | None,
    context: CallerContext,
) -> Decision:
    """Answer the closest intent when the line can be sure of it; else a person."""
    calibration, index = callflow.calibration, callflow.understanding
    if reading is None or calibration is None or index is None:
        return _match_words(callflow, ranked, context)
    exact = index.exact(text)
    confidence = calibration.probability(reading.features)
    if reading.run_on and reading.intent and confidence >= calibration.threshold:
        # only a caller who would be answered is worth reading part by part
        reading = index.weigh_parts(reading, text)
        confidence = calibration.probability(reading.features)
    detail: dict = {"closest": [reading.label[0], reading.label[1], round(reading.score, 3)]}
    if reading.intent:
        detail["confidence"] = round(confidence, 3)
    if exact is None and reading.intent and _near_copy(reading):
        exact = reading.label
    if exact is not None and exact[0] == "intent":  # the caller said an example, near enough
        intent = callflow.intents[exact[1]]
        return answer_decision(callflow, intent, 1.0, context, detail)
    if reading.intent is None or confidence < calibration.threshold or exact is not None:
        return replace(transfer(callflow, "no_match", detail=detail), score=confidence)
    intent = callflow.intents[reading.intent]
    return answer_decision(callflow, intent, confidence, context, detail)


def _near_copy(reading: Reading) -> bool:
    """Return True when the words are one of the intent's examples in all but a word's form.

    Callers do say an example nearly word for word ("what's your address"), and the confidence
    never saw such easy cases: it was fitted on paraphrases written not to copy examples.
    """
    return reading.features["nearest"] >= NEAR_COPY and reading.features["agree"] == 1.0


def _match_words(callflow: Callflow, ranked: list[Candidate], context: CallerContext) -> Decision:
    """Answer the best intent by its words alone (no understanding model for this line)."""
    best = ranked[0] if ranked else None
    runner = ranked[1] if len(ranked) > 1 else None
    detail = {"candidates": [(c.name, round(c.score, 3)) for c in ranked[:3]]}
    if (
        best is None
        or best.kind != "intent"
        or best.score < INTENT_MIN
        or (runner is not None and best.score - runner.score < MARGIN)
    ):
        return replace(
            transfer(callflow, "no_match", detail=detail), score=best.score if best else 0.0
        )
    return answer_decision(callflow, callflow.intents[best.name], best.score, context, detail)
