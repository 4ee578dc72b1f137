"""Helpers for floor tests: agents, calls that ask for a person, opening hours."""

import secrets

from voice.calls.turn import TurnResult
from voice.flow import decide
from voice.flow.model import Callflow
from voice.flow.types import CallerContext, Utterance

from tests_support import DEMO_LINE


def set_open(monkeypatch, is_open=True):
    """Make every line open (or closed) whatever the real time is."""
    monkeypatch.setattr(Callflow, "is_open", lambda self, now: is_open)


def add_agents(floor, n, team="general", language="en", available=True, prefix="agent"):
    """Add `n` agents on one team; available in order (agent 0 idle longest)."""
    ids = []
    for i in range(n):
        agent = floor.add_agent(
            f"{prefix}{i}", f"{prefix.title()} {i}", f"+1512555{1000 + i:04d}", [team], [language]
        )
        ids.append(agent["id"])
    if available:
        for agent_id in ids:
            floor.set_presence(agent_id, "available")
    return ids


def ask(rt, text, caller="+15555550177", sid=""):
    """Start a call and have the caller say `text`; return (sid, plan)."""
    sid = sid or "CA" + secrets.token_hex(16)
    rt.service.start(sid, caller, DEMO_LINE, speech="text")
    callflow = rt.lines.for_number(DEMO_LINE)
    utterance = Utterance(text)
    decision = decide(callflow, utterance, CallerContext(number=caller))
    plan = rt.service.finish_turn(sid, "greeting", TurnResult(decision, utterance, "text", 0, 1))
    return sid, plan


def step_kinds(plan):
    """Return the plan's step class names."""
    return [type(s).__name__ for s in plan.steps]
