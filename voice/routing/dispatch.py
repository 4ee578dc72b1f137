"""Routing a caller to a person: offer to the longest-idle agent, queue, or hand back.

The call service calls `route` and the lifecycle methods inside its own transaction; anything
that must wait for the commit (events, REST redirects, dispatching a freed agent) goes through
the outbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing import assign
from voice.routing.events import FLOOR, agent_channel
from voice.routing.outbox import Outbox
from voice.routing.ports import CallControl, CallControlError, DialOutcome
from voice.routing.queue import entry_dict
from voice.routing.screen import screen_pop
from voice.store.db import Database
from voice.store.models import Agent, Call, QueueEntry

if TYPE_CHECKING:  # annotations only
    from voice.flow.model import Callflow
    from voice.flow.types import Decision

log = logging.getLogger(__name__)
# offered to `agent`, queued, or outside opening hours; after an agent's dial also: ended (the
# floor closed it: they talked, or the caller hung up) or unrouted (no floor agent: dial the
# line's fallback number)
RoutedKind = Literal["offered", "queued", "closed", "ended", "unrouted"]


@dataclass(frozen=True)
class Routed:
    """Where routing put a caller."""

    kind: RoutedKind
    entry: QueueEntry | None = None
    agent: Agent | None = None


class Dispatch:
    """Match callers and agents, race-free, and follow each offer to its end."""

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        control: CallControl,
        clock: Callable[[], dt.datetime],
        callflow_of: Callable[[str], Callflow | None],
    ):
        self.db, self.outbox, self.control, self.clock = db, outbox, control, clock
        self.callflow_of = callflow_of

    def route(
        self, s: so.Session, call: Call, callflow: Callflow, decision: Decision, whisper: str
    ) -> Routed | None:
        """Route a transfer through the floor; None when the team has no agents (dial as before)."""
        team, language = callflow.team(decision.team).key, callflow.language
        if not assign.staffed(s, team, language):
            return None
        now = self.clock()
        if not callflow.is_open(now):
            return Routed("closed")
        entry = QueueEntry(
            call_id=call.id,
            callflow=callflow.name,
            team=team,
            language=language,
            priority=decision.priority,
            rank=assign.RANKS.get(decision.priority, 2),
            reason=decision.reason,
            whisper=whisper,
            status="waiting",
            tried_agents={"ids": []},
            enqueued_at=now,
        )
        s.add(entry)
        s.flush()
        return self.place(s, entry, call)

    def place(self, s: so.Session, entry: QueueEntry, call: Call) -> Routed | None:
        """Offer the caller to the next agent not yet tried, else queue them, else None."""
        now = self.clock()
        for agent in assign.free_agents(s, entry.team, entry.language, assign.tried(entry)):
            if assign.claim_agent(s, agent.id, call.id, now):
                s.refresh(agent)
                entry.status, entry.agent_id, entry.offered_at = "offered", agent.id, now
                assign.mark_tried(entry, agent.id)
                self._offered(s, entry, agent, call)
                return Routed("offered", entry, agent)
        # wait only if someone logged in could still take this caller
        tried = tuple(assign.tried(entry))
        if assign.staffed(s, entry.team, entry.language, present_only=True, exclude=tried):
            entry.status, entry.agent_id = "waiting", None
            self.queue_changed(s, entry, "waiting")
            # an agent freed while we looked would have found no one waiting: look once more
            self.outbox.later(s, partial(self.dispatch_team, entry.team))
            return Routed("queued", entry)
        entry.status, entry.ended_at = "fallback", now
        self.queue_changed(s, entry, "fallback")
        return None

    def dispatch(self, agent_id: int) -> bool:
        """Give a free agent the best waiting caller they can take; True if one was offered."""
        with self.db.session() as s:
            now = self.clock()
            for entry in assign.waiting_for(s, agent_id):
                if not assign.claim_entry(s, entry.id, agent_id, now):
                    continue  # another worker offered this caller first
                if not assign.claim_agent(s, agent_id, entry.call_id, now):
                    assign.unclaim_entry(s, entry.id, agent_id)
                    return False  # the agent went busy or offline meanwhile
                s.refresh(entry)
                assign.mark_tried(entry, agent_id)
                agent, call = s.get_one(Agent, agent_id), s.get_one(Call, entry.call_id)
                s.refresh(agent)
                self._offered(s, entry, agent, call)
                sid, entry_id = call.sid, entry.id
                self.outbox.later(s, partial(self._bridge, sid, entry_id, agent_id))
                return True
        return False

    def dispatch_team(self, team: str) -> None:
        """Offer waiting callers of a team to its free agents, longest idle first."""
        with self.db.session() as s:
            free = s.scalars(
                sa.select(Agent.id)
                .where(Agent.presence == "available", assign.has_skill("team", team))
                .order_by(sa.func.coalesce(Agent.idle_since, Agent.presence_at), Agent.id)
            ).all()
        for agent_id in free:
            self.dispatch(agent_id)

    def _bridge(self, call_sid: str, entry_id: int, agent_id: int) -> None:
        try:
            self.control.bridge_waiting(call_sid, entry_id)
        except CallControlError:
            log.exception("could not bring call %s to agent %s; back in line", call_sid, agent_id)
            with self.db.session() as s:
                entry = s.get_one(QueueEntry, entry_id)
                assign.unclaim_entry(s, entry_id, agent_id)
                assign.release_agent(s, agent_id, entry.call_id, "available", self.clock())

    def active_entry(self, s: so.Session, call_id: int) -> QueueEntry | None:
        """Return the call's entry while it is offered to or bridged with an agent."""
        return s.scalars(
            sa.select(QueueEntry)
            .where(QueueEntry.call_id == call_id, QueueEntry.status.in_(("offered", "bridged")))
            .order_by(QueueEntry.id.desc())
        ).first()

    def bridged(self, s: so.Session, call: Call) -> None:
        """Record that the offered agent answered (Twilio fetched the whisper)."""
        entry = self.active_entry(s, call.id)
        if entry is None or entry.agent_id is None:
            return
        entry.status, entry.bridged_at = "bridged", entry.bridged_at or self.clock()
        event = {"type": "bridged", "call_id": call.id, "entry_id": entry.id}
        self.outbox.publish(s, agent_channel(entry.agent_id), event)
        self.queue_changed(s, entry, "bridged")

    def dial_ended(self, s: so.Session, call: Call, outcome: DialOutcome) -> Routed:
        """Follow an agent's dial to its end: ended, the next offer or queue, or unrouted."""
        entry = self.active_entry(s, call.id)
        if entry is None or entry.agent_id is None:  # a team target or the fallback number
            return Routed("unrouted")
        now, agent = self.clock(), s.get_one(Agent, entry.agent_id)
        if outcome is DialOutcome.BRIDGED:
            entry.status, entry.ended_at = "bridged", now
            entry.bridged_at = entry.bridged_at or now
            self.after_call(s, agent, call, "completed")
            return Routed("ended", entry, agent)
        if outcome is DialOutcome.CANCELED:  # the caller hung up while the agent's phone rang
            entry.status, entry.ended_at = "abandoned", now
            self._free(s, agent, call.id, "available", "caller_hung_up")
            self.queue_changed(s, entry, "abandoned")
            return Routed("ended", entry)
        # no answer, busy, failed: the agent is not there; never ring them again for a while
        self._free(s, agent, call.id, "offline", f"missed ({outcome.value.replace('_', ' ')})")
        return self.place(s, entry, call) or Routed("unrouted")

    def call_over(self, s: so.Session, call: Call) -> None:
        """Close the floor's side of a call that ended (caller hung up while waiting, …)."""
        now = self.clock()
        for entry in s.scalars(
            sa.select(QueueEntry).where(
                QueueEntry.call_id == call.id, QueueEntry.status.in_(("waiting", "offered"))
            )
        ):
            entry.status, entry.ended_at = "abandoned", now
            self.queue_changed(s, entry, "abandoned")
        for agent in s.scalars(
            sa.select(Agent).where(Agent.call_id == call.id, Agent.presence == "on_call")
        ):
            self.after_call(s, agent, call, "caller_hung_up")

    def after_call(self, s: so.Session, agent: Agent, call: Call, why: str) -> None:
        """Start the agent's wrap-up after a call (or free them if they have none)."""
        now = self.clock()
        until = now + dt.timedelta(seconds=agent.wrap_up_s)
        if agent.wrap_up_s <= 0:
            self._free(s, agent, call.id, "available", why)
        elif assign.release_agent(s, agent.id, call.id, "wrap_up", now, until):
            s.refresh(agent)
            self.presence_changed(s, agent, why)
        event = {"type": "ended", "call_id": call.id, "status": why,
                 "presence": agent.presence, "wrap_up_until": until.isoformat()}  # fmt: skip
        self.outbox.publish(s, agent_channel(agent.id), event)

    def let_go(self, s: so.Session, agent_id: int, call_id: int | None, over: bool) -> int:
        """Close (call over) or put back in line (maybe not) a caller offered to a freed agent."""
        offered = s.scalars(
            sa.select(QueueEntry).where(
                QueueEntry.call_id == call_id,
                QueueEntry.agent_id == agent_id,
                QueueEntry.status == "offered",
            )
        ).all()
        for entry in offered:
            if over:
                entry.status, entry.ended_at = "abandoned", self.clock()
            else:
                assign.unclaim_entry(s, entry.id, agent_id)
                s.refresh(entry)
                self.outbox.later(s, partial(self.dispatch_team, entry.team))
            self.queue_changed(s, entry, entry.status)
        return len(offered)

    def _free(self, s: so.Session, agent: Agent, call_id: int, presence: str, why: str) -> None:
        if assign.release_agent(s, agent.id, call_id, presence, self.clock()):
            s.refresh(agent)
            self.presence_changed(s, agent, why)
            if presence == "available":
                self.outbox.later(s, partial(self.dispatch, agent.id))

    def presence_changed(self, s: so.Session, agent: Agent, why: str) -> None:
        """Publish an agent's new presence to them and to the floor."""
        event = {"type": "presence", "agent_id": agent.id, "presence": agent.presence, "why": why}
        self.outbox.publish(s, agent_channel(agent.id), event)
        self.outbox.publish(s, FLOOR, event)

    def _offered(self, s: so.Session, entry: QueueEntry, agent: Agent, call: Call) -> None:
        pop = screen_pop(s, self.callflow_of(call.callflow), call, self.clock())
        offer = {"type": "offer", "call_id": call.id, "entry_id": entry.id, "screen": pop}
        self.outbox.publish(s, agent_channel(agent.id), offer)
        self.presence_changed(s, agent, "offered")
        self.queue_changed(s, entry, "offered")

    def queue_changed(self, s: so.Session, entry: QueueEntry, change: str) -> None:
        """Publish a change of a caller's place on the floor."""
        s.flush()
        event = {"type": "queue", "change": change, "entry": entry_dict(s, entry, self.clock())}
        self.outbox.publish(s, FLOOR, event)
