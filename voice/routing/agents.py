"""Agents on the floor: who they are, how to reach them, their teams and languages."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.errors import VoiceError
from voice.store.models import Agent, AgentSkill, User
from voice.users import UserError, create_user, find_user

PRESENCES = ("offline", "available", "on_call", "wrap_up")
SETTABLE = ("offline", "available")  # on_call and wrap_up are set by routing, not by people
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_SIP = re.compile(r"^sip:[^@\s]+@[^@\s]+$")
_CLIENT = re.compile(r"^client:[A-Za-z0-9_.-]{1,100}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class FloorError(VoiceError):
    """A floor request cannot be done; the message says what is wrong and how to fix it."""


def check_address(address: str) -> str:
    """Return a reachable address (+E.164, sip:user@host, client:identity) or raise."""
    address = address.strip()
    if _E164.match(address) or _SIP.match(address) or _CLIENT.match(address):
        return address
    raise FloorError(
        f"address {address!r}: use a +E.164 number (+15125550100), "
        "a SIP URI (sip:maria@pbx.example.com) or a Twilio Client identity (client:maria)"
    )


def check_languages(languages: Iterable[str]) -> list[str]:
    """Return language tags in lower case (en, en-us, ko) or raise."""
    tags = [lang.strip().lower() for lang in languages if lang.strip()]
    bad = [t for t in tags if not _LANGUAGE.match(t)]
    if bad or not tags:
        raise FloorError(
            f"language {bad[0]!r}: use a tag like en, en-US or ko"
            if bad
            else "languages: give at least one (--language en)"
        )
    return list(dict.fromkeys(tags))


def check_teams(teams: Iterable[str], known: Iterable[str]) -> list[str]:
    """Return the team keys if every one is a team of some loaded callflow, else raise."""
    keys, known = [t.strip() for t in teams if t.strip()], sorted(set(known))
    if not keys:
        raise FloorError("teams: give at least one (--team general)")
    for key in keys:
        if key not in known:
            raise FloorError(
                f"team {key!r} is in no callflow's `teams:`; use one of {', '.join(known)} "
                "or add it to a callflow"
            )
    return list(dict.fromkeys(keys))


def create_agent(
    s: so.Session,
    login: str,
    name: str,
    address: str,
    skills: tuple[list[str], list[str]],
    password: str | None,
    wrap_up_s: int,
) -> Agent:
    """Add an agent and the user they log in as (a random password when none is given)."""
    if wrap_up_s < 0:
        raise FloorError("wrap_up_s: use 0 or more seconds")
    try:
        user = create_user(s, login, name, "agent", password or secrets.token_urlsafe(24))
    except UserError as exc:
        raise FloorError(str(exc)) from exc
    agent = Agent(user_id=user.id, name=user.name, address=check_address(address))
    agent.wrap_up_s = wrap_up_s
    s.add(agent)
    s.flush()
    replace_skills(s, agent, *skills)
    return agent


def replace_skills(
    s: so.Session, agent: Agent, teams: list[str] | None, languages: list[str] | None
) -> None:
    """Replace an agent's teams and/or languages (None keeps them)."""
    for kind, values in (("team", teams), ("language", languages)):
        if values is None:
            continue
        s.execute(
            sa.delete(AgentSkill).where(AgentSkill.agent_id == agent.id, AgentSkill.kind == kind)
        )
        s.add_all(AgentSkill(agent_id=agent.id, kind=kind, value=v) for v in values)
    s.flush()


def find_agent(s: so.Session, key: int | str) -> Agent:
    """Return an agent by id or by their user's login, or raise FloorError."""
    agent = None
    if isinstance(key, int) or str(key).isdigit():
        agent = s.get(Agent, int(key))
    if agent is None and (user := find_user(s, str(key))) is not None:
        agent = s.scalars(sa.select(Agent).where(Agent.user_id == user.id)).first()
    if agent is None:
        raise FloorError(f"no agent {key!r}; `voice agents list` shows them")
    return agent


def skills_of(s: so.Session, agent_id: int) -> dict[str, list[str]]:
    """Return {"teams": [...], "languages": [...]} for an agent."""
    rows = s.execute(
        sa.select(AgentSkill.kind, AgentSkill.value)
        .where(AgentSkill.agent_id == agent_id)
        .order_by(AgentSkill.id)
    ).all()
    return {
        "teams": [v for k, v in rows if k == "team"],
        "languages": [v for k, v in rows if k == "language"],
    }


def agent_dict(s: so.Session, agent: Agent, now: dt.datetime) -> dict:
    """Return the agent as the console and the CLI show them."""
    login = (
        s.scalar(sa.select(User.login).where(User.id == agent.user_id)) if agent.user_id else None
    )
    idle = agent.idle_since if agent.presence == "available" else None
    return {
        "id": agent.id,
        "login": login,
        "user_id": agent.user_id,
        "name": agent.name,
        "address": agent.address,
        "presence": agent.presence,
        "presence_at": agent.presence_at.isoformat(),
        "idle_s": int((now - idle).total_seconds()) if idle else None,
        "wrap_up_s": agent.wrap_up_s,
        "wrap_up_until": agent.wrap_up_until.isoformat() if agent.wrap_up_until else None,
        "call_id": agent.call_id,
        **skills_of(s, agent.id),
    }
