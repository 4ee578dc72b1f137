"""Race-free assignment: who may take a call, and claiming an agent or a caller atomically.

Every claim is one conditional UPDATE whose WHERE re-checks the state (`presence='available'`,
`status='waiting'`), and the row count says who won. PostgreSQL re-evaluates the condition
after waiting on a concurrent writer's row lock; SQLite serialises writers. So two workers can
read the same free agent, but only one of them gets to offer that agent a call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.store.models import Agent, AgentSkill, QueueEntry

RANKS = {"urgent": 0, "high": 1, "normal": 2}
PRESENT = ("available", "on_call", "wrap_up")
BUSY = ("on_call", "wrap_up")
CANDIDATES = 25  # waiting callers looked at per dispatch; enough to skip those who tried this agent


def primary(language: str) -> str:
    """Return a language tag's primary subtag: "en" for "en-US"."""
    return language.split("-")[0].strip().lower()


def has_skill(kind: str, value: str) -> sa.Exists:
    """Return the filter for agents with one team or language skill."""
    return sa.exists().where(
        AgentSkill.agent_id == Agent.id, AgentSkill.kind == kind, AgentSkill.value == value
    )


def _speaks(language: str) -> sa.Exists:
    lang = primary(language)
    return sa.exists().where(
        AgentSkill.agent_id == Agent.id,
        AgentSkill.kind == "language",
        sa.or_(AgentSkill.value == lang, AgentSkill.value.like(f"{lang}-%")),
    )


def skilled(team: str, language: str) -> sa.ColumnElement[bool]:
    """Return the filter for agents on `team` who speak `language` (primary subtag match)."""
    return sa.and_(has_skill("team", team), _speaks(language))


def staffed(
    s: so.Session, team: str, language: str, present_only: bool = False, exclude: tuple = ()
) -> bool:
    """Return True when any agent has the team and language (logged in and untried, if asked)."""
    query = sa.select(Agent.id).where(skilled(team, language))
    if present_only:
        query = query.where(Agent.presence.in_(PRESENT))
    if exclude:
        query = query.where(Agent.id.not_in(exclude))
    return s.scalars(query.limit(1)).first() is not None


def free_agents(s: so.Session, team: str, language: str, exclude: list[int]) -> list[Agent]:
    """Return available agents for the team and language, longest idle first."""
    query = (
        sa.select(Agent)
        .where(Agent.presence == "available", skilled(team, language))
        .order_by(sa.func.coalesce(Agent.idle_since, Agent.presence_at), Agent.id)
    )
    if exclude:
        query = query.where(Agent.id.not_in(exclude))
    return list(s.scalars(query))


def rows_changed(result: sa.Result[Any]) -> int:
    """Return how many rows an UPDATE changed (Session.execute types its result loosely)."""
    return cast("sa.CursorResult[Any]", result).rowcount


def claim_agent(s: so.Session, agent_id: int, call_id: int | None, now: dt.datetime) -> bool:
    """Move an available agent to on_call for `call_id`; False if someone else got them."""
    result = s.execute(
        sa.update(Agent)
        .where(Agent.id == agent_id, Agent.presence == "available")
        .values(presence="on_call", call_id=call_id, presence_at=now, idle_since=None)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def release_agent(
    s: so.Session,
    agent_id: int,
    call_id: int | None,  # None: a callback whose customer never called in
    presence: str,
    now: dt.datetime,
    wrap_up_until: dt.datetime | None = None,
    since: dt.datetime | None = None,
) -> bool:
    """Move an agent off `call_id` to `presence`; False if they are no longer on that call.

    With `since`, only if their presence has not changed since then either: the reconciler
    frees exactly the state it judged stale, never a new assignment made meanwhile.
    """
    values: dict = {"presence": presence, "presence_at": now, "wrap_up_until": wrap_up_until}
    if presence != "wrap_up":  # in wrap-up the agent keeps the call, for their notes
        values.update(call_id=None, idle_since=now if presence == "available" else None)
    query = sa.update(Agent).where(
        Agent.id == agent_id, Agent.call_id == call_id, Agent.presence.in_(BUSY)
    )
    if since is not None:
        query = query.where(Agent.presence_at == since)
    result = s.execute(query.values(**values).execution_options(synchronize_session=False))
    return rows_changed(result) == 1


def unclaim_entry(s: so.Session, entry_id: int, agent_id: int) -> None:
    """Put an offered caller back in line (the agent could not be claimed or reached)."""
    s.execute(
        sa.update(QueueEntry)
        .where(
            QueueEntry.id == entry_id,
            QueueEntry.status == "offered",
            QueueEntry.agent_id == agent_id,
        )
        .values(status="waiting", agent_id=None, offered_at=None)
        .execution_options(synchronize_session=False)
    )


def claim_entry(s: so.Session, entry_id: int, agent_id: int, now: dt.datetime) -> bool:
    """Offer a waiting caller to an agent; False if they were offered or left meanwhile."""
    result = s.execute(
        sa.update(QueueEntry)
        .where(QueueEntry.id == entry_id, QueueEntry.status == "waiting")
        .values(status="offered", agent_id=agent_id, offered_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def waiting_for(s: so.Session, agent_id: int) -> list[QueueEntry]:
    """Return waiting callers this agent can take, best first: priority, then arrival."""
    teams = sa.select(AgentSkill.value).where(
        AgentSkill.agent_id == agent_id, AgentSkill.kind == "team"
    )
    langs = [
        primary(v)
        for v in s.scalars(
            sa.select(AgentSkill.value).where(
                AgentSkill.agent_id == agent_id, AgentSkill.kind == "language"
            )
        )
    ]
    if not langs:
        return []
    query = (
        sa.select(QueueEntry)
        .where(QueueEntry.status == "waiting", QueueEntry.team.in_(teams))
        .order_by(QueueEntry.rank, QueueEntry.enqueued_at, QueueEntry.id)
        .limit(CANDIDATES)
    )
    entries = s.scalars(query).all()
    return [e for e in entries if primary(e.language) in langs and agent_id not in tried(e)]


def tried(entry: QueueEntry) -> list[int]:
    """Return the agents this caller has already been offered."""
    return list((entry.tried_agents or {}).get("ids", []))


def mark_tried(entry: QueueEntry, agent_id: int) -> None:
    """Remember that this caller was offered to `agent_id` (never offered to them again)."""
    entry.tried_agents = {"ids": [*tried(entry), agent_id]}
