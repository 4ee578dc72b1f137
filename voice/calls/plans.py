"""Turn decisions into neutral call plans, and write the agent's whisper. Pure functions."""

from __future__ import annotations

from voice.calls.actions import Dial, Hangup, Listen, Plan, Say, Speech, Survey
from voice.calls.phrases import phrases_for
from voice.flow.model import Callflow
from voice.flow.types import Decision

_REASONS = {
    "asked_for_human": "asked for a person",
    "silence": "didn't say anything",
    "no_match": "asked something the assistant doesn't handle",
    "low_confidence": "wasn't heard clearly",
    "frustration": "sounded upset",
    "repeat_caller": "has already called in the last day",
    "lookup_failed": "asked about something the assistant couldn't look up",
    "followup": "had another question after an automated answer",
    "model_missing": "reached us while speech recognition was unavailable",
    "stream_dropped": "was cut off from the assistant by a connection problem",
    "stream_stalled": "was cut off from the assistant by a connection problem",
    "busy": "reached us while the assistant was at capacity",
    "internal_error": "hit a problem in the assistant",
    "incoming_failed": "hit a problem in the assistant",
    "continuation_failed": "hit a problem in the assistant",
    "unanswered": "could not be connected at first",
}


def speech_mode(value: str) -> Speech:
    """Return a call's stored speech mode as the type: "text" (simulated) or "vosk"."""
    return "text" if value == "text" else "vosk"


def say(callflow: Callflow | None, text: str) -> Say:
    """Return a Say in the line's voice and language."""
    return Say(text, getattr(callflow, "voice", "") or "", getattr(callflow, "language", ""))


def greeting_plan(callflow: Callflow, speech: str, greeting_streamed: bool) -> Plan:
    """Open the first listening turn; speak the greeting with <Say> only if we can't stream it."""
    spoken = () if greeting_streamed else (say(callflow, callflow.greeting),)
    return Plan((*spoken, Listen("greeting", speech_mode(speech))), reason="greeting")


def decision_plan(
    callflow: Callflow,
    decision: Decision,
    target: str = "",
    transfer_id: int | None = None,
    speech: str = "vosk",
) -> Plan:
    """Return what the caller hears and where they go after a decision."""
    if decision.action == "answer":
        text = f"{decision.say} {callflow.followup}".strip()
        listen = Listen("followup", speech_mode(speech))
        return Plan((say(callflow, text), listen), reason=decision.reason)
    if decision.action == "hangup":
        survey = getattr(callflow, "survey", None)
        if survey is not None and survey.enabled and decision.reason == "done":
            steps = (survey_step(callflow), say(callflow, decision.say), Hangup())
            return Plan(steps, reason="survey")
        return Plan((say(callflow, decision.say), Hangup()), reason=decision.reason)
    if not target:
        return nobody_plan(callflow)
    spoken = (say(callflow, decision.say),) if decision.say else ()
    return Plan((*spoken, Dial(target, transfer_id)), reason=decision.reason)


def survey_step(callflow: Callflow, call_id: int | None = None) -> Survey:
    """Return the line's rating question, in its voice and language."""
    spoken = say(callflow, callflow.survey.question)
    return Survey(spoken.text, spoken.voice, spoken.language, call_id)


def fallback_plan(callflow: Callflow | None, number: str, reason: str) -> Plan:
    """Return the never-dead-air plan: a handoff line, then dial the line's fallback number."""
    if not number:
        return nobody_plan(callflow)
    # the line's own handoff words keep the caller in their language; English if none is known
    text = (
        callflow.handoff_line(callflow.default_team)
        if callflow
        else phrases_for(None).sorry_connecting
    )
    return Plan((say(callflow, text), Dial(number)), reason=reason)


def nobody_plan(callflow: Callflow | None) -> Plan:
    """Return the last words when there is no one at all to dial, in the line's language."""
    return Plan((say(callflow, phrases_for(callflow).nobody), Hangup()), reason="no_target")


def whisper_text(
    decision: Decision, heard: str, caller_name: str, number: str, upset: bool = False
) -> str:
    """Write the one sentence an agent hears before the caller is bridged."""
    who = caller_name or f"A caller with a number ending in {_last_digits(number)}"
    if decision.reason.startswith("escalation:"):
        topic = decision.reason.split(":", 1)[1].replace("_", " ")
        why = f"needs help with {topic}, {decision.priority} priority"
    elif decision.reason == "intent" or decision.intent:
        why = f"asked about {(decision.intent or '').replace('_', ' ')}"
    else:
        why = _REASONS.get(decision.reason, decision.reason.replace("_", " "))
    if upset and decision.reason != "frustration":
        why = f"{why}, sounded upset"
    said = f' They said: "{heard}".' if heard else ""
    return f"{who} {why}.{said}"


def _last_digits(number: str) -> str:
    digits = [c for c in number if c.isdigit()]
    return " ".join(digits[-4:]) if digits else "nothing we could see"
