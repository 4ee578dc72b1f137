"""The floor's public API for the console, the CLI and the call service (`runtime.floor`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing import agents as people
from voice.routing import assign, callbacks
from voice.routing.agents import FloorError
from voice.routing.dispatch import Dispatch
from voice.routing.events import FLOOR, Bus, agent_channel
from voice.routing.outbox import Outbox
from voice.routing.ports import CallControl, CallControlError, LineBook, SurveySender
from voice.routing.queue import entry_dict, open_entries
from voice.routing.screen import screen_pop
from voice.routing.surveys import CHANNELS, send_survey
from voice.store.db import Database
from voice.store.models import Agent, Call, Callback, CallEvent, QueueEntry, WrapUp, utcnow

if TYPE_CHECKING:  # annotations only
    from voice.flow.model import Callflow

log = logging.getLogger(__name__)
DISPOSITIONS = ("resolved", "follow_up")


class Floor:
    """Agents, presence, the queue, callbacks and wrap-ups; every change is published."""

    def __init__(
        self,
        db: Database,
        lines: LineBook,
        bus: Bus,
        control: CallControl,
        clock: Callable[[], dt.datetime] = utcnow,
        surveys: SurveySender | None = None,
    ):
        self.db, self.lines, self.control, self.clock = db, lines, control, clock
        self.surveys = surveys  # None: wrap-ups cannot ask for a survey
        self.outbox = Outbox(bus)
        # call sids Twilio said were live, and when: the reconciler asks again only when stale
        self.seen_live: dict[str, dt.datetime] = {}
        self.dispatch = Dispatch(db, self.outbox, control, clock, self._callflow)

    def _callflow(self, name: str) -> Callflow | None:
        return self.lines.by_name(name) if name in self.lines.names else None

    def known_teams(self) -> list[str]:
        """Return every team key of the loaded callflows."""
        return sorted({t for n in self.lines.names for t in self.lines.by_name(n).teams})

    def add_agent(
        self,
        login: str,
        name: str,
        address: str,
        teams: list[str],
        languages: list[str],
        password: str | None = None,
        wrap_up_s: int = 30,
    ) -> dict:
        """Add an agent who logs in as `login`; offline until they go available."""
        skills = (people.check_teams(teams, self.known_teams()), people.check_languages(languages))
        with self.db.session() as s:
            agent = people.create_agent(s, login, name, address, skills, password, wrap_up_s)
            out = people.agent_dict(s, agent, self.clock())
            self.dispatch.presence_changed(s, agent, "added")
            return out

    def list_agents(self) -> list[dict]:
        """Return every agent with presence, skills and idle time (a read: changes nothing)."""
        with self.db.session() as s:
            rows = s.scalars(sa.select(Agent).order_by(Agent.name, Agent.id)).all()
            return [people.agent_dict(s, a, self.clock()) for a in rows]

    def agent(self, agent_id_or_login: int | str) -> dict:
        """Return one agent."""
        with self.db.session() as s:
            return people.agent_dict(s, people.find_agent(s, agent_id_or_login), self.clock())

    def set_agent(
        self, agent_id_or_login: int | str, by: str | None = None, **changes: Any
    ) -> dict:
        """Change an agent's presence, teams, languages, address, name or wrap-up time.

        `by` names an admin or the CLI, whose presence change overrides a call (set_presence).
        """
        unknown = set(changes) - {"presence", "teams", "languages", "address", "name", "wrap_up_s"}
        if unknown:
            raise FloorError(f"cannot set {', '.join(sorted(unknown))} on an agent")
        teams = changes.get("teams")
        languages = changes.get("languages")
        with self.db.session() as s:
            agent = people.find_agent(s, agent_id_or_login)
            if "address" in changes:
                agent.address = people.check_address(str(changes["address"]))
            if changes.get("name"):
                agent.name = str(changes["name"]).strip()
            if "wrap_up_s" in changes:
                agent.wrap_up_s = max(0, int(changes["wrap_up_s"]))
            people.replace_skills(
                s,
                agent,
                people.check_teams(teams, self.known_teams()) if teams is not None else None,
                people.check_languages(languages) if languages is not None else None,
            )
            agent_id = agent.id
        if "presence" in changes:
            self.set_presence(agent_id, str(changes["presence"]), by=by)
        return self.agent(agent_id)

    def agent_for_user(self, user_id: int) -> dict | None:
        """Return the agent a logged-in user is, or None (an admin with no phone)."""
        with self.db.session() as s:
            agent = s.scalars(sa.select(Agent).where(Agent.user_id == user_id)).first()
            return people.agent_dict(s, agent, self.clock()) if agent else None

    def set_presence(self, agent_id: int, presence: str, by: str | None = None) -> dict:
        """Go available (and take the next waiting caller) or offline.

        An agent on a call cannot. An admin or `voice agents set` (`by` says who) always can:
        the assignment she had, a stuck one included, ends cleanly first.
        """
        if presence not in people.SETTABLE:
            raise FloorError(f"presence {presence!r}: set one of {', '.join(people.SETTABLE)}")
        with self.db.session() as s:
            agent = people.find_agent(s, agent_id)
            if agent.presence == "on_call" and by is None:
                raise FloorError(f"{agent.name} is on a call; presence changes after it ends")
            if agent.presence != presence and by is not None and agent.presence in assign.BUSY:
                self._override(s, agent, presence, by)
            elif agent.presence != presence:
                now = self.clock()
                agent.presence, agent.presence_at, agent.wrap_up_until = presence, now, None
                agent.idle_since = now if presence == "available" else None
                agent.call_id = None
                self.dispatch.presence_changed(s, agent, "set")
            agent_id = agent.id
        if presence == "available":
            self.dispatch.dispatch(agent_id)
        return self.agent(agent_id)

    def _override(self, s: so.Session, agent: Agent, presence: str, by: str) -> None:
        """End an agent's assignment (offer, call, callback or wrap-up) and set her presence."""
        call_id, was = agent.call_id, agent.presence
        if not assign.release_agent(s, agent.id, call_id, presence, self.clock()):
            raise FloorError(f"{agent.name}'s presence changed meanwhile; look and try again")
        s.refresh(agent)
        self.dispatch.let_go(s, agent.id, call_id, over=False)
        rows = s.scalars(
            sa.select(Callback).where(
                Callback.agent_id == agent.id,
                Callback.call_id == call_id,
                Callback.status == "dialing",
            )
        ).all()
        for row in rows:  # back on the list for whoever calls next
            row.status = "requested"
            self.callback_event(s, row)
        if call_id is not None:
            detail = {"agent_id": agent.id, "from": was, "to": presence, "by": by}
            s.add(CallEvent(call_id=call_id, kind="presence_override", detail=detail))
        log.info("%s set %s %s (was %s)", by, agent.name, presence, was)
        self.dispatch.presence_changed(s, agent, "override")

    def expire_wrap_ups(self) -> None:
        """Make agents whose wrap-up time ran out available, and give them waiting callers.

        The housekeeping timer runs this every WRAP_UP_TICK_S, and the queue's wait loop before
        each announcement; pages and lists only read, so a GET never hands out a caller.
        """
        now = self.clock()
        with self.db.session() as s:
            done = s.scalars(
                sa.select(Agent.id).where(Agent.presence == "wrap_up", Agent.wrap_up_until < now)
            ).all()
            for agent_id in done:
                agent = s.get_one(Agent, agent_id)
                if agent.call_id is not None and assign.release_agent(
                    s, agent_id, agent.call_id, "available", now
                ):
                    s.refresh(agent)
                    self.dispatch.presence_changed(s, agent, "wrap_up_over")
        for agent_id in done:
            self.dispatch.dispatch(agent_id)

    def screen_pop(self, call_id: int) -> dict:
        """Return the caller's story for the console."""
        with self.db.session() as s:
            call = s.get(Call, call_id)
            if call is None:
                raise FloorError(f"no call {call_id}")
            return screen_pop(s, self._callflow(call.callflow), call, self.clock())

    def current(self, agent_id: int) -> dict:
        """Return the agent's presence and the screen pop of the call offered, bridged or ended."""
        agent = self.agent(agent_id)
        if agent["call_id"] is None:
            return {"agent": agent, "state": agent["presence"], "call": None}
        with self.db.session() as s:
            entry = self._entry_of(s, agent["call_id"])
        state = agent["presence"]
        if state == "on_call" and entry is not None:
            state = entry.status  # offered | bridged
        return {"agent": agent, "state": state, "call": self.screen_pop(agent["call_id"])}

    def _entry_of(self, s: so.Session, call_id: int) -> QueueEntry | None:
        return s.scalars(
            sa.select(QueueEntry)
            .where(QueueEntry.call_id == call_id)
            .order_by(QueueEntry.id.desc())
        ).first()

    def wrap_up(
        self,
        agent_id: int,
        call_id: int,
        disposition: str,
        routing_right: bool | None,
        right_target: str | None = None,
        notes: str = "",
        survey: str | None = None,
    ) -> dict:
        """Store the agent's wrap-up, send any survey asked for, make the agent available."""
        if disposition not in DISPOSITIONS:
            raise FloorError(f"disposition {disposition!r}: use one of {', '.join(DISPOSITIONS)}")
        if survey and (survey not in CHANNELS or self.surveys is None):
            raise FloorError(f"survey {survey!r}: use one of {', '.join(CHANNELS)}, or none")
        with self.db.session() as s:
            agent = people.find_agent(s, agent_id)
            call = s.get(Call, call_id)
            if call is None:
                raise FloorError(f"no call {call_id}")
            row = WrapUp(
                call_id=call.id,
                agent_id=agent.id,
                disposition=disposition,
                routing_right=routing_right,
                right_target=(right_target or None) if routing_right is False else None,
                notes=notes.strip(),
                survey=survey or None,
                demo=call.demo,
            )
            s.add(row)
            in_wrap_up = agent.presence == "wrap_up" and agent.call_id == call.id
            if in_wrap_up and assign.release_agent(s, agent.id, call.id, "available", self.clock()):
                s.refresh(agent)
                self.dispatch.presence_changed(s, agent, "wrapped_up")
            s.flush()
            out = {
                "id": row.id,
                "call_id": call.id,
                "agent_id": agent.id,
                "disposition": disposition,
            }
            agent_id, available = agent.id, agent.presence == "available"
        if survey and self.surveys is not None:  # checked above: a survey needs a sender
            out["survey_sent"] = send_survey(self.db, self.lines, self.surveys, call_id, survey)
        if available:
            self.dispatch.dispatch(agent_id)
        return out

    def queue(self) -> list[dict]:
        """Return callers waiting or being offered, best first (a read: changes nothing)."""
        with self.db.session() as s:
            return [entry_dict(s, e, self.clock()) for e in open_entries(s)]

    def callbacks(self, status: str | None = None) -> list[dict]:
        """Return callbacks and voicemails, open ones first by priority."""
        if status and status not in callbacks.STATUSES:
            raise FloorError(f"status {status!r}: use one of {', '.join(callbacks.STATUSES)}")
        with self.db.session() as s:
            return [callbacks.callback_dict(s, c) for c in callbacks.list_callbacks(s, status)]

    def start_callback(self, callback_id: int, agent_id: int) -> dict:
        """Ring the agent; when they answer, the service dials the customer."""
        with self.db.session() as s:
            row, agent = s.get(Callback, callback_id), people.find_agent(s, agent_id)
            if row is None:
                raise FloorError(f"no callback {callback_id}")
            now = self.clock()
            if not callbacks.claim_callback(s, row.id, agent.id, now):
                raise FloorError("this callback is already being dialled or is done")
            if not assign.claim_agent(s, agent.id, row.call_id, now):
                raise FloorError(f"{agent.name} must be available to start a callback")
            address, line = agent.address, self.line_number(s, row)
            agent_id, call_id = agent.id, row.call_id
        try:
            sid = self.control.call_agent(address, line, callback_id)
        except CallControlError as exc:
            self._callback_failed(callback_id, agent_id, call_id, "requested")
            raise FloorError(f"could not place the callback: {exc}") from exc
        return self._callback_dialing(callback_id, sid)

    def line_number(self, s: so.Session, row: Callback) -> str:
        """Return the number a callback calls from: the line the customer rang."""
        callflow = self._callflow(row.callflow)
        if callflow is not None and callflow.numbers:
            return callflow.numbers[0]
        call = s.get(Call, row.call_id) if row.call_id else None
        return call.to_number if call else ""

    def _callback_dialing(self, callback_id: int, sid: str) -> dict:
        with self.db.session() as s:
            row = s.get_one(Callback, callback_id)
            row.outbound_sid = sid
            return self.callback_event(s, row)

    def _callback_failed(
        self, callback_id: int, agent_id: int, call_id: int | None, status: str
    ) -> None:
        with self.db.session() as s:
            row = s.get_one(Callback, callback_id)
            row.status = status
            if assign.release_agent(s, agent_id, call_id, "available", self.clock()):
                self.dispatch.presence_changed(s, s.get_one(Agent, agent_id), "callback_failed")
            self.callback_event(s, row)

    def callback_event(self, s: so.Session, row: Callback) -> dict:
        """Publish a callback's change to the floor and to its agent; return it as a dict."""
        s.flush()
        out = callbacks.callback_dict(s, row)
        self.outbox.publish(s, FLOOR, {"type": "callback", "callback": out})
        if row.agent_id:
            self.outbox.publish(
                s, agent_channel(row.agent_id), {"type": "callback", "callback": out}
            )
        return out
