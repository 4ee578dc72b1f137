"""A call's time on the floor: offered, in line, called back, or leaving a message.

Each method backs one Twilio webhook and is one short transaction; the floor (routing/)
decides who takes whom, and this module turns that into what the caller hears.
"""

from __future__ import annotations

import logging
from functools import partial

import sqlalchemy.orm as so

from voice.calls import outcomes, waiting
from voice.calls.actions import Dial, Hangup, Plan
from voice.calls.ledger import Ledger
from voice.calls.lines import Lines
from voice.calls.plans import decision_plan, nobody_plan, say, whisper_text
from voice.calls.records import add_event, customer_name, find_call
from voice.flow import transfer
from voice.flow.model import Callflow
from voice.flow.types import Decision, priority_of
from voice.routing import assign, callbacks
from voice.routing.dispatch import Routed
from voice.routing.floor import Floor
from voice.routing.ports import CallState, DialEnd, DialOutcome
from voice.routing.queue import estimated_wait_s, position
from voice.store.models import Agent, Call, Callback, QueueEntry, utcnow

log = logging.getLogger(__name__)


class FloorCalls:
    """The call service's floor webhooks: queue wait loop, callbacks, after-hours, voicemail."""

    def __init__(self, ledger: Ledger, lines: Lines, floor: Floor):
        self.ledger, self.lines, self.floor = ledger, lines, floor

    def routed_plan(
        self, s: so.Session, call: Call, callflow: Callflow, decision: Decision, routed: Routed
    ) -> Plan:
        """Return what the caller hears for the floor's answer: an agent, the line, or hours."""
        agent, entry = routed.agent, routed.entry
        if routed.kind == "offered" and agent is not None and entry is not None:
            leg = self.ledger.new_transfer(s, call, decision, agent.address, entry.whisper)
            return self.service_plan(callflow, decision, agent.address, leg.id)
        if routed.kind == "queued" and entry is not None:
            add_event(s, call, "queued", {"entry": entry.id, "team": entry.team})
            return waiting.queued_plan(callflow, entry.team, entry.id)
        add_event(s, call, "closed", {"team": decision.team})
        return waiting.closed_plan(callflow)

    @staticmethod
    def service_plan(callflow: Callflow, decision: Decision, target: str, leg_id: int) -> Plan:
        """Return the handoff and the dial to an agent."""
        return decision_plan(callflow, decision, target, leg_id)

    def _entry(self, s: so.Session, entry_id: int) -> tuple[QueueEntry, Call, Callflow]:
        entry = s.get(QueueEntry, entry_id)
        if entry is None:
            raise LookupError(f"no queue entry {entry_id}")
        call = s.get_one(Call, entry.call_id)
        return entry, call, self.lines.by_name(call.callflow)

    def wait(self, entry_id: int, max_wait_s: int) -> Plan:
        """Serve one round of the wait loop: position, honest wait, callback offer."""
        self.floor.expire_wrap_ups()
        with self.ledger.session() as s:
            entry, _call, callflow = self._entry(s, entry_id)
            if entry.status == "offered":
                return waiting.hold_plan(entry.id)
            if entry.status != "waiting":
                return waiting.leave_plan()
            if (utcnow() - entry.enqueued_at).total_seconds() > max_wait_s:
                entry.status, entry.ended_at = "fallback", utcnow()
                return waiting.leave_plan()  # the queue's action URL dials the line's fallback
            place, wait_s = position(s, entry), estimated_wait_s(s, entry)
            team = entry.team
        self.floor.dispatch.dispatch_team(team)  # a free agent takes the caller at once
        return waiting.wait_plan(callflow, entry_id, place, wait_s)

    def choice(self, entry_id: int, digits: str, speech: str) -> Plan:
        """Take the caller's answer to the callback offer: leave the line, or keep waiting."""
        with self.ledger.session() as s:
            entry, call, callflow = self._entry(s, entry_id)
            if entry.status != "waiting" or not waiting.wants_callback(callflow, digits, speech):
                return waiting.hold_plan(entry.id, 1)
            row = callbacks.request_callback(
                s, call, "callback", entry.team, entry.priority, entry.reason
            )
            entry.status, entry.ended_at = "callback", utcnow()
            add_event(s, call, "callback_requested", {"callback": row.id})
            self.floor.callback_event(s, row)
            self.floor.dispatch.queue_changed(s, entry, "callback")
            return waiting.leave_plan()

    def left(self, entry_id: int, result: str) -> Plan:
        """Continue after the caller left the queue: confirm a callback, or dial a person."""
        with self.ledger.session() as s:
            entry, call, callflow = self._entry(s, entry_id)
            add_event(s, call, "left_queue", {"result": result, "status": entry.status})
            if entry.status == "callback":
                return self.ledger.served(
                    s, call, waiting.callback_confirmed(callflow, call.from_number)
                )
            if result in ("hangup", "redirected", "bridged", "redirected-from-bridged"):
                return self.ledger.served(
                    s, call, Plan((Hangup(),), reason=result) if result == "hangup" else Plan(())
                )
            entry.status, entry.ended_at = "fallback", entry.ended_at or utcnow()
            decision = transfer(callflow, "queue_left", entry.team, priority_of(entry.priority))
            number = self.ledger.fallback_number(callflow)
            leg = (
                self.ledger.new_transfer(s, call, decision, number, entry.whisper)
                if number
                else None
            )
            plan = (
                self.service_plan(callflow, decision, number, leg.id)
                if leg
                else nobody_plan(callflow)
            )
            return self.ledger.served(s, call, plan)

    def connect(self, entry_id: int) -> Plan:
        """Dial the agent a queued caller was just offered to (after the REST redirect)."""
        with self.ledger.session() as s:
            entry, call, callflow = self._entry(s, entry_id)
            if entry.status != "offered" or entry.agent_id is None:
                raise LookupError(f"entry {entry_id} is {entry.status}, not offered")
            agent = s.get_one(Agent, entry.agent_id)
            priority = priority_of(entry.priority)
            decision = Decision("transfer", entry.reason, team=entry.team, priority=priority)
            leg = self.ledger.new_transfer(s, call, decision, agent.address, entry.whisper)
            add_event(s, call, "dequeued", {"entry": entry.id, "agent": agent.id})
            return self.ledger.served(
                s, call, waiting.connect_plan(callflow, agent.address, leg.id)
            )

    def closed_choice(self, sid: str, digits: str, speech: str) -> Plan:
        """After hours: store a callback request, or record a voicemail."""
        with self.ledger.session() as s:
            call = find_call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            if not waiting.wants_callback(callflow, digits, speech):
                return self.ledger.served(s, call, waiting.voicemail_plan(callflow))
            decided = callbacks.last_transfer(s, call)
            team = (decided.team if decided else None) or callflow.default_team
            row = callbacks.request_callback(
                s,
                call,
                "callback",
                team,
                decided.priority if decided else "normal",
                decided.reason if decided else "after_hours",
            )
            add_event(s, call, "callback_requested", {"callback": row.id, "after_hours": True})
            self.floor.callback_event(s, row)
            return self.ledger.served(
                s, call, waiting.callback_confirmed(callflow, call.from_number)
            )

    def voicemail(self, sid: str, event: str, recording_url: str, transcript: str) -> Plan:
        """Store the voicemail's recording and transcript as Twilio reports them."""
        with self.ledger.session() as s:
            call = find_call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            if event == "done" and not recording_url:
                return self.ledger.served(
                    s, call, waiting.voicemail_thanks(callflow)
                )  # nothing was recorded
            row = callbacks.add_voicemail(
                s, call, callflow.default_team, recording_url, transcript, callflow.privacy_keep
            )
            add_event(s, call, "voicemail", {"callback": row.id, "event": event})
            if call.ended_at is not None:  # Twilio's recording report may come after the hangup
                call.outcome = outcomes.judge(s, call)
            self.floor.callback_event(s, row)
            return self.ledger.served(s, call, waiting.voicemail_thanks(callflow))

    def callback_agent(self, callback_id: int) -> Plan:
        """Tell the agent who they are calling back, then dial the customer."""
        with self.ledger.session() as s:
            row = s.get_one(Callback, callback_id)
            callflow = self.lines.by_name(row.callflow)
            name = customer_name(s, row.number)
            priority = priority_of(row.priority)
            decision = Decision("transfer", row.reason, team=row.team, priority=priority)
            text = "Calling back: " + whisper_text(decision, row.words, name, row.number)
            line = self.floor.line_number(s, row)
            return Plan((say(callflow, text), Dial(row.number, caller_id=line, callback_id=row.id)))

    def callback_dialed(self, callback_id: int, end: DialEnd) -> Plan:
        """Close a callback when the customer's leg ends: done, or back on the list."""
        with self.ledger.session() as s:
            row = s.get_one(Callback, callback_id)
            callflow = self.lines.by_name(row.callflow)
            done = end.outcome is DialOutcome.BRIDGED
            self._end_callback(s, row, "completed" if done else "failed", done)
            if done:
                return Plan((Hangup(),), reason="callback_done")
            text = "The customer didn't answer. The callback stays on the list. Goodbye."
            return Plan((say(callflow, text), Hangup()), reason="callback_unanswered")

    def callback_status(self, callback_id: int, state: CallState) -> None:
        """Put a callback back on the list if the agent's own phone never answered."""
        with self.ledger.session() as s:
            row = s.get_one(Callback, callback_id)
            if row.status == "dialing" and state.over:
                self._end_callback(s, row, "requested", bridged=False)

    def _end_callback(self, s: so.Session, row: Callback, status: str, bridged: bool) -> None:
        row.status = status
        row.completed_at = utcnow() if status == "completed" else None
        agent = s.get(Agent, row.agent_id) if row.agent_id else None
        if agent is not None and agent.call_id == row.call_id and agent.presence == "on_call":
            call = s.get(Call, row.call_id)
            if bridged and call is not None:
                self.floor.dispatch.after_call(s, agent, call, "callback_done")
            elif assign.release_agent(s, agent.id, row.call_id, "available", utcnow()):
                s.refresh(agent)
                self.floor.dispatch.presence_changed(s, agent, "callback_" + status)
                self.floor.dispatch.outbox.later(s, partial(self.floor.dispatch.dispatch, agent.id))
        self.floor.callback_event(s, row)
