"""Callflows and the pure decision: answer a simple request once, or hand the caller to a person.

Public API:
    load_callflow(path) -> Callflow            raise CallflowInvalid (file, key, problem, fix)
    load_callflows(directory) -> {name: Callflow}
    check_callflow(path) -> (Callflow | None, Report)   every error and warning in a file
    callflow_for_number(callflows, number, default="") -> Callflow
    decide(callflow, utterance, context) -> Decision
    render_answer(callflow, decision, lookup_data, context) -> Decision
    is_human_request(callflow, partial_text) -> bool
"""

from voice.flow.decide import decide, is_human_request
from voice.flow.loader import (
    callflow_files,
    callflow_for_number,
    check_callflow,
    load_callflow,
    load_callflows,
)
from voice.flow.model import Business, Callflow, Escalation, Intent, Switch, Team
from voice.flow.outcomes import transfer
from voice.flow.render import render_answer
from voice.flow.templates import LOOKUP_FIELDS
from voice.flow.types import CallerContext, Decision, Utterance, Word

__all__ = [
    "LOOKUP_FIELDS",
    "Business",
    "CallerContext",
    "Callflow",
    "Decision",
    "Escalation",
    "Intent",
    "Switch",
    "Team",
    "Utterance",
    "Word",
    "callflow_files",
    "callflow_for_number",
    "check_callflow",
    "decide",
    "is_human_request",
    "load_callflow",
    "load_callflows",
    "render_answer",
    "transfer",
]
