"""Stale floor state heals itself: agents, queue entries and callbacks whose calls ended unseen.

Twilio does not retry a status callback that failed, so one 500 during a database blip used to
leave an agent `on_call` for ever, with her teams' callers queued behind her. Every
RECONCILE_INTERVAL_S each service process looks at floor state older than PRESENCE_STALE_S,
asks Twilio's REST API whether the call behind it is still live, and frees what is over.

When Twilio cannot be reached, age decides, but never against a caller: an offer nobody
answered is freed once stale (no dial rings that long), an answered call only past Twilio's own
four-hour limit on a <Dial>, and a caller in line only past QUEUE_MAX_WAIT_S, after which the
wait loop would have sent them on.

Every change is one conditional UPDATE of exactly the state that was judged (the floor's claim
style, see assign.py): reconcilers in several processes never free an agent twice, and never
free one who was given a new call between the look and the change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.routing import assign
from voice.routing.ports import CallControlError, CallState
from voice.routing.queue import OPEN
from voice.store.models import Agent, Call, Callback, CallEvent, QueueEntry

if TYPE_CHECKING:  # annotations only: the floor it heals, and the runtime it is run from
    from voice.routing.floor import Floor
    from voice.runtime import Runtime

log = logging.getLogger(__name__)
MAX_CALL_S = 4 * 3600  # Twilio ends a <Dial> at its timeLimit, four hours unless set otherwise
CloseCall = Callable[[str, CallState, int | None], None]  # (sid, final state, duration)


@dataclass(frozen=True)
class Suspect:
    """A piece of floor state that may have outlived its call."""

    kind: str  # agent | entry | callback
    row_id: int
    call_id: int | None  # our call row: the caller's call (for a callback, the one they left)
    sid: str | None  # the Twilio call whose life explains the state
    since: dt.datetime  # when the state began
    ended: bool  # our own record already says the call is over
    agent_id: int | None = None
    answered: bool = False  # a person picked up: a conversation may be going on


@dataclass(frozen=True)
class Verdict:
    """What became of a suspect's call; `why` goes on the call's record."""

    state: str  # over | gone (no call, or none Twilio knows) | unreachable (Twilio did not say)
    why: str
    status: CallState | None = None  # the provider's final state, when it gave one

    @property
    def over(self) -> bool:
        """Return True when the call is known to have ended."""
        return self.state == "over"


def find_suspects(s: so.Session) -> list[Suspect]:
    """Return agents on a call, callers in line and callbacks being dialled."""
    found, dialing = [], {}
    callbacks = sa.select(Callback).where(
        Callback.status == "dialing", Callback.started_at.is_not(None)
    )
    for row in s.scalars(callbacks):
        if row.started_at is None:  # never: the query asks for it
            continue
        dialing[row.agent_id] = row.call_id
        found.append(Suspect("callback", row.id, row.call_id, row.outbound_sid, row.started_at,
                             False, row.agent_id, answered=True))  # fmt: skip
    agents = s.execute(
        sa.select(Agent, Call)
        .outerjoin(Call, Call.id == Agent.call_id)
        .where(Agent.presence == "on_call")
    )
    bridged = sa.select(QueueEntry.agent_id, QueueEntry.call_id).where(
        QueueEntry.status == "bridged", QueueEntry.ended_at.is_(None)
    )
    answered = {(agent_id, call_id) for agent_id, call_id in s.execute(bridged)}
    for agent, call in agents:
        if agent.id in dialing and dialing[agent.id] == agent.call_id:
            continue  # she is ringing or talking on a callback: the callback explains her
        ended = call is None or call.ended_at is not None
        sid = call.sid if call else None
        talking = (agent.id, agent.call_id) in answered
        found.append(Suspect("agent", agent.id, agent.call_id, sid, agent.presence_at, ended,
                             agent.id, answered=talking))  # fmt: skip
    entries = s.execute(
        sa.select(QueueEntry, Call)
        .join(Call, Call.id == QueueEntry.call_id)
        .where(QueueEntry.status.in_(OPEN))
    )
    for entry, call in entries:
        ended = call.ended_at is not None
        found.append(
            Suspect("entry", entry.id, call.id, call.sid, entry.enqueued_at, ended, entry.agent_id)
        )
    return found


class Reconciler:
    """Judge suspects by Twilio's word (or by age when it cannot answer) and heal the stale."""

    def __init__(self, floor: Floor, stale_s: float, max_wait_s: float, close_call: CloseCall):
        self.floor, self.dispatch, self.control = floor, floor.dispatch, floor.control
        self.stale_s, self.max_wait_s, self.close_call = stale_s, max_wait_s, close_call
        self.now = floor.clock()
        self.rest_down = False  # one failure per run is enough: the rest are judged by age
        self.counts: Counter[str] = Counter()

    def run(self) -> dict[str, int]:
        """Heal everything stale now; return counts of what was looked at and what was done."""
        self.floor.expire_wrap_ups()
        seen = self.floor.seen_live
        for sid in [k for k, at in seen.items() if (self.now - at).total_seconds() >= self.stale_s]:
            seen.pop(sid, None)
        with self.floor.db.session() as s:
            suspects = find_suspects(s)
        verdicts: dict[str | None, Verdict | None] = {}
        over: dict[str, CallState] = {}
        for suspect in suspects:
            self.counts["checked"] += 1
            verdict = self.judge(suspect, verdicts)
            if verdict is None:
                continue
            healed = self.heal(suspect, verdict)
            # a callback's leg has no call record of its own
            if healed and verdict.status and suspect.sid and suspect.kind != "callback":
                over[suspect.sid] = verdict.status
        for sid, status in over.items():  # the lost status callback, replayed: closes the record
            self.close_call(sid, status, None)
            self.counts["calls_closed"] += 1
        return {key: self.counts[key] for key in COUNTS}

    def judge(self, suspect: Suspect, asked: dict) -> Verdict | None:
        """Return why the suspect's call is over or unknown; None while it is live or fresh."""
        if suspect.ended and suspect.call_id is not None:
            return Verdict("over", "the call had ended")
        if suspect.ended:
            return Verdict("gone", "no call")
        age = (self.now - suspect.since).total_seconds()
        if age < self.stale_s:
            return None
        if suspect.sid is None:
            return Verdict("gone", f"no call to ask Twilio about after {int(age)} s")
        if suspect.sid not in asked:
            asked[suspect.sid] = self.ask(suspect.sid)
        verdict = asked[suspect.sid]
        if verdict is not None and not verdict.over:
            verdict = Verdict(verdict.state, f"{verdict.why} after {int(age)} s")
        return verdict

    def ask(self, sid: str) -> Verdict | None:
        """Ask Twilio for the call's status; None while it is live (or was, a moment ago)."""
        seen = self.floor.seen_live.get(sid)
        if seen is not None and (self.now - seen).total_seconds() < self.stale_s:
            self.counts["live"] += 1  # asked within PRESENCE_STALE_S: still within the target
            return None
        if self.rest_down:
            return Verdict("unreachable", "Twilio's REST API could not answer")
        self.counts["asked"] += 1
        try:
            state = self.control.call_status(sid)
        except CallControlError as exc:
            log.warning("reconcile: could not ask Twilio about %s: %s", sid, exc)
            self.rest_down = True
            return Verdict("unreachable", "Twilio's REST API could not answer")
        if state is None:
            return Verdict("gone", "Twilio has no such call")
        if state.over:
            return Verdict("over", f"Twilio says the call is {state.reported}", state)
        self.counts["live"] += 1
        self.floor.seen_live[sid] = self.now
        return None

    def may_heal(self, suspect: Suspect, verdict: Verdict) -> bool:
        """Return True unless only age speaks and it cannot yet rule out a caller on the line."""
        age = (self.now - suspect.since).total_seconds()
        if suspect.kind == "entry":
            return verdict.over or age >= self.max_wait_s + self.stale_s
        if verdict.state == "unreachable" and suspect.answered:
            return age >= MAX_CALL_S
        return True

    def heal(self, suspect: Suspect, verdict: Verdict) -> bool:
        """Free the agent, close the caller's place in line or reopen the callback."""
        if not self.may_heal(suspect, verdict):
            return False
        with self.floor.db.session() as s:
            if suspect.kind == "agent":
                done = self._free_agent(s, suspect, verdict)
            elif suspect.kind == "callback":
                done = self._reopen_callback(s, suspect)
            else:
                done = self._close_entry(s, suspect)
            if done and suspect.call_id is not None:
                detail = {"what": suspect.kind, "id": suspect.row_id, "why": verdict.why}
                s.add(CallEvent(call_id=suspect.call_id, kind="healed", detail=detail, at=self.now))
        if done:
            log.info("reconcile: healed %s %s: %s", suspect.kind, suspect.row_id, verdict.why)
        return done

    def _free_agent(self, s: so.Session, suspect: Suspect, verdict: Verdict) -> bool:
        agent_id, call_id = suspect.row_id, suspect.call_id
        if not assign.release_agent(
            s, agent_id, call_id, "available", self.now, since=suspect.since
        ):
            return False  # freed by someone else, or given a new call meanwhile
        self.counts["agents_freed"] += 1
        closed = self.dispatch.let_go(s, agent_id, call_id, over=verdict.over)
        self.counts["entries_closed"] += closed if verdict.over else 0
        agent = s.get_one(Agent, agent_id)
        s.refresh(agent)
        self.dispatch.presence_changed(s, agent, "healed")
        self.dispatch.outbox.later(s, lambda: self.dispatch.dispatch(agent_id))
        return True

    def _close_entry(self, s: so.Session, suspect: Suspect) -> bool:
        closed = s.execute(
            sa.update(QueueEntry)
            .where(QueueEntry.id == suspect.row_id, QueueEntry.status.in_(OPEN))
            .values(status="abandoned", ended_at=self.now)
            .execution_options(synchronize_session=False)
        )
        if assign.rows_changed(closed) != 1:
            return False
        self.counts["entries_closed"] += 1
        self.dispatch.queue_changed(s, s.get_one(QueueEntry, suspect.row_id), "abandoned")
        return True

    def _reopen_callback(self, s: so.Session, suspect: Suspect) -> bool:
        reopened = s.execute(
            sa.update(Callback)
            .where(
                Callback.id == suspect.row_id,
                Callback.status == "dialing",
                Callback.started_at == suspect.since,
            )
            .values(status="requested", completed_at=None)
            .execution_options(synchronize_session=False)
        )
        if assign.rows_changed(reopened) != 1:
            return False
        self.counts["callbacks_reopened"] += 1
        agent_id = suspect.agent_id
        if agent_id is not None and assign.release_agent(
            s, agent_id, suspect.call_id, "available", self.now
        ):
            self.counts["agents_freed"] += 1
            self.dispatch.presence_changed(s, s.get_one(Agent, agent_id), "healed")
            self.dispatch.outbox.later(s, lambda: self.dispatch.dispatch(agent_id))
        row = s.get_one(Callback, suspect.row_id)
        s.refresh(row)
        self.floor.callback_event(s, row)
        return True


COUNTS = (
    "checked",
    "asked",
    "live",
    "agents_freed",
    "entries_closed",
    "callbacks_reopened",
    "calls_closed",
)


def reconcile(rt: Runtime, stale_s: float | None = None) -> dict[str, int]:
    """Heal the floor of a runtime (housekeeping and `voice agents reconcile`); return counts."""
    settings = rt.settings
    reconciler = Reconciler(
        rt.floor,
        settings.presence_stale_s if stale_s is None else stale_s,
        settings.queue_max_wait_s,
        rt.service.status,
    )
    return reconciler.run()
