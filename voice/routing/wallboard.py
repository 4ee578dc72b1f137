"""The floor at a glance, read-only: who waits per team, agents by state, today's service level."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing.agents import skills_of
from voice.routing.queue import OPEN, entry_dict
from voice.store.models import Agent, Call, Callback, QueueEntry

ANSWER_TARGET_S = 20  # service level: answered within this many seconds of joining the line
PENDING = ("requested", "failed")  # callbacks nobody has started (or whose dialling failed)
LEFT_BY_CHOICE = ("callback", "voicemail")  # left the line for a callback: not lost
STATES = ("available", "on_call", "wrap_up", "offline")


def _waiting(s: so.Session, now: dt.datetime) -> dict[str, list[dict]]:
    """Return, per team, the callers in line (waiting or ringing an agent), next first."""
    rows = s.scalars(
        sa.select(QueueEntry)
        .join(Call, Call.id == QueueEntry.call_id)
        .where(QueueEntry.status.in_(OPEN), Call.demo.is_(False))
        .order_by(QueueEntry.rank, QueueEntry.enqueued_at, QueueEntry.id)
    ).all()
    teams: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        entry = entry_dict(s, row, now)
        entry["position"] = sum(1 for e in teams[row.team] if e["status"] == "waiting") + 1
        teams[row.team].append(entry)
    return teams


def _today(s: so.Session, since: dt.datetime) -> dict[str, Counter]:
    """Return, per team, how today's callers left the line: answered (fast or not) or lost."""
    rows = s.execute(
        sa.select(QueueEntry.team, QueueEntry.status, QueueEntry.enqueued_at, QueueEntry.bridged_at)
        .join(Call, Call.id == QueueEntry.call_id)
        .where(
            QueueEntry.enqueued_at >= since,
            QueueEntry.status.not_in(OPEN),
            Call.demo.is_(False),
        )
    ).all()
    teams: dict[str, Counter] = defaultdict(Counter)
    for team, status, enqueued, bridged in rows:
        counts = teams[team]
        counts["left"] += 1
        if bridged is not None:
            counts["answered"] += 1
            fast = (bridged - enqueued).total_seconds() <= ANSWER_TARGET_S
            counts["answered_in_target"] += fast
        elif status == "abandoned":
            counts["abandoned"] += 1
        elif status in LEFT_BY_CHOICE:
            counts["chose_callback"] += 1
        else:
            counts["other"] += 1  # no agent could take them: the fallback number was dialled
    return teams


def _callbacks(s: so.Session, now: dt.datetime) -> dict[str, list[dict]]:
    """Return, per team, the real callbacks and voicemails nobody has called back yet."""
    rows = s.execute(
        sa.select(Callback.team, Callback.priority, Callback.requested_at, Callback.kind).where(
            Callback.status.in_(PENDING), Callback.demo.is_(False)
        )
    ).all()
    teams: dict[str, list[dict]] = defaultdict(list)
    for team, priority, requested, kind in rows:
        age = int((now - requested).total_seconds())
        teams[team].append({"priority": priority, "age_s": age, "kind": kind})
    return teams


def _agents(s: so.Session, now: dt.datetime) -> list[dict]:
    """Return every agent with their state, what it means right now, and its time so far."""
    out = []
    for agent in s.scalars(sa.select(Agent).where(Agent.demo.is_(False)).order_by(Agent.name)):
        doing, since = agent.presence, agent.presence_at
        if agent.presence == "on_call" and agent.call_id is not None:
            doing, since = _on_call(s, agent, since)
        out.append(
            {
                "id": agent.id,
                "name": agent.name,
                "presence": agent.presence,
                "doing": doing,
                "since": since.isoformat(),
                "in_state_s": max(0, int((now - since).total_seconds())),
                "call_id": agent.call_id,
                "wrap_up_until": agent.wrap_up_until.isoformat() if agent.wrap_up_until else "",
                **skills_of(s, agent.id),
            }
        )
    return out


def _on_call(s: so.Session, agent: Agent, since: dt.datetime) -> tuple[str, dt.datetime]:
    """Return what an agent on a call is doing: ringing, talking, or a callback, and since when."""
    dialing = s.scalar(
        sa.select(Callback.id).where(
            Callback.agent_id == agent.id,
            Callback.call_id == agent.call_id,
            Callback.status == "dialing",
        )
    )
    if dialing is not None:
        return "callback", since
    entry = s.scalars(
        sa.select(QueueEntry)
        .where(QueueEntry.call_id == agent.call_id, QueueEntry.agent_id == agent.id)
        .order_by(QueueEntry.id.desc())
    ).first()
    if entry is not None and entry.status == "offered":
        return "ringing", entry.offered_at or since
    if entry is not None and entry.bridged_at is not None:
        return "talking", entry.bridged_at
    return "on_call", since


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def team_row(key: str, waiting: list[dict], today: Counter, pending: list[dict],
             agents: list[dict]) -> dict:  # fmt: skip
    """Return one team's line: callers in line, its agents by state, and today's figures."""
    mine = [a for a in agents if key in a["teams"]]
    by_state = Counter(a["presence"] for a in mine)
    judged = today["answered"] + today["abandoned"]
    return {
        "key": key,
        "waiting": waiting,
        "in_line": sum(1 for e in waiting if e["status"] == "waiting"),
        "longest_wait_s": max((e["waited_s"] for e in waiting), default=None),
        "agents": {state: by_state[state] for state in STATES},
        "today": dict(today),
        "service_level": _rate(today["answered_in_target"], judged),
        "abandon_rate": _rate(today["abandoned"], today["left"]),
        "callbacks_pending": len(pending),
        "callbacks_urgent": sum(1 for c in pending if c["priority"] in ("urgent", "high")),
        "oldest_callback_s": max((c["age_s"] for c in pending), default=None),
    }


def wallboard(s: so.Session, teams: list[str], now: dt.datetime, since: dt.datetime) -> dict:
    """Return the whole floor now: per team and in total, plus every agent's state."""
    waiting, today, pending = _waiting(s, now), _today(s, since), _callbacks(s, now)
    agents = _agents(s, now)
    keys = list(dict.fromkeys([*teams, *waiting, *today, *pending]))
    rows = [team_row(k, waiting.get(k, []), today.get(k, Counter()), pending.get(k, []), agents)
            for k in keys]  # fmt: skip
    total: Counter[str] = Counter()
    for counts in today.values():
        total.update(counts)
    everyone = [e for k in keys for e in waiting.get(k, [])]
    every_pending = [c for k in keys for c in pending.get(k, [])]
    summary = team_row("", everyone, total, every_pending, [])
    summary["agents"] = {state: sum(a["presence"] == state for a in agents) for state in STATES}
    return {"teams": rows, "total": summary, "agents": agents, "target_s": ANSWER_TARGET_S}
