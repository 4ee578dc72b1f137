"""Build the decisions every path ends in: a transfer with its handoff line."""

from __future__ import annotations

from voice.flow.model import Callflow
from voice.flow.types import Decision, Priority


def transfer(
    callflow: Callflow,
    reason: str,
    team: str | None = None,
    priority: Priority = "normal",
    detail: dict | None = None,
    intent: str | None = None,
) -> Decision:
    """Return a transfer to a team (the default when None) with its handoff line."""
    key = callflow.team(team).key
    return Decision(
        action="transfer",
        reason=reason,
        intent=intent,
        team=key,
        say=callflow.handoff_line(key),
        priority=priority,
        detail=detail or {},
    )
