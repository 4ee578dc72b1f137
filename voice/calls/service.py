"""A call's life in the store: start, each turn's decision, transfers, whisper, final status."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.calls import plans
from voice.calls.actions import Hangup, Plan
from voice.calls.lines import Lines
from voice.calls.queueing import FloorCalls
from voice.calls.records import (
    add_event,
    caller_context,
    customer_name,
    decision_row,
    earlier_call,
    find_call,
    outcome,
    safe_lookup,
    turn_row,
)
from voice.calls.surveys import CallSurveys
from voice.calls.turn import TurnResult
from voice.errors import CallflowNotFound
from voice.flow import render_answer, transfer
from voice.flow.types import CallerContext, Decision
from voice.routing.floor import Floor
from voice.routing.screen import sounded_upset
from voice.store.db import Database
from voice.store.models import Call, Transfer, utcnow

log = logging.getLogger(__name__)
BRIDGED = {"completed", "answered"}


class CallService:
    """Record and steer calls; every method is one short transaction."""

    def __init__(
        self,
        db: Database,
        lines: Lines,
        fallback_number: str = "",
        has_model: Callable[[str], bool] = lambda _language: True,
        streams_greeting: Callable[[object], bool] = lambda _callflow: False,
        floor: Floor | None = None,
    ):
        self.db, self.lines = db, lines
        self.default_fallback = fallback_number
        self.has_model, self.streams_greeting = has_model, streams_greeting
        self.floor = floor  # None: every transfer dials the team's target, as before issue 5
        self.waiting = FloorCalls(self)
        self.surveys = CallSurveys(self)

    def fallback_number(self, callflow: object | None) -> str:
        """Return the line's last-resort number: the callflow's, else the service's."""
        return (getattr(callflow, "fallback_number", "") or "") or self.default_fallback

    def start(self, sid: str, caller: str, called: str, speech: str = "vosk") -> Plan:
        """Record an incoming call and return its first plan (greeting, or a person at once)."""
        callflow = self.lines.for_number(called)
        with self.db.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is None:  # Twilio may retry a webhook; the call is recorded once
                call = Call(
                    sid=sid,
                    from_number=caller,
                    to_number=called,
                    callflow=callflow.name,
                    speech=speech,
                )
                s.add(call)
                s.flush()
            add_event(s, call, "incoming", {"from": caller, "to": called, "speech": speech})
            if speech == "vosk" and not self.has_model(callflow.language):
                missing = transfer(callflow, "model_missing")
                return self._decided(s, call, callflow, missing, heard="")
            plan = plans.greeting_plan(callflow, speech, self.streams_greeting(callflow))
            call.next_action = None
            return plan

    def context(self, sid: str, stage: str) -> tuple[object, CallerContext]:
        """Return the call's callflow and what is known about the caller, for a turn."""
        with self.db.session() as s:
            call = find_call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            return callflow, caller_context(s, call, callflow, stage)

    def finish_turn(self, sid: str, stage: str, result: TurnResult) -> Plan | None:
        """Store what was heard and decided; return the plan the action URL will serve."""
        with self.db.session() as s:
            call = find_call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            turn = turn_row(call, callflow, stage, result)
            s.add(turn)
            s.flush()
            if result.decision is None:
                add_event(s, call, "hung_up", {"stage": stage, "heard": turn.transcript})
                return None
            decision = result.decision
            if decision.lookup:
                ctx = caller_context(s, call, callflow, stage)
                decision = render_answer(callflow, decision, safe_lookup(s, call, decision), ctx)
            return self._decided(s, call, callflow, decision, turn.transcript, turn.id)

    def fallback(self, sid: str, reason: str, called: str = "") -> Plan:
        """Store and return the plan that connects the caller to a person after a fault."""
        callflow = self._line_for(called)
        try:
            with self.db.session() as s:
                call = find_call(s, sid)
                callflow = self.lines.by_name(call.callflow)
                decision = transfer(callflow, reason)
                call.fallback = True
                add_event(s, call, "fault", {"reason": reason})
                # a fault skips the floor (it may be the fault): dial as before issue 5
                return self._decided(s, call, callflow, decision, heard="", via_floor=False)
        except Exception:  # noqa: BLE001 - the store itself may be the fault; still dial a person
            log.exception("could not record fallback for %s (%s)", sid, reason)
            return plans.fallback_plan(callflow, self.fallback_number(callflow), reason)

    def _line_for(self, called: str) -> object | None:
        try:
            return self.lines.for_number(called)
        except CallflowNotFound:  # no callflow at all: the service-wide number is left
            return None

    def take_next(self, sid: str) -> Plan:
        """Return and clear the plan decided during the stream; a person if there is none."""
        with self.db.session() as s:
            call = find_call(s, sid)
            stored = call.next_action
            call.next_action = None
        if stored is None:
            log.warning("stream for %s ended without a decision; connecting a person", sid)
            return self.fallback(sid, "stream_dropped")
        return Plan.from_json(stored)

    def dial_done(self, transfer_id: int, status: str, talk_s: int | None) -> Plan:
        """Record how a dial ended; try the line's fallback number once if nobody answered."""
        with self.db.session() as s:
            leg = s.get_one(Transfer, transfer_id)
            call = s.get_one(Call, leg.call_id)
            leg.status, leg.ended_at, leg.talk_s = status, utcnow(), talk_s
            routed = self.floor.dispatch.dial_ended(s, call, status) if self.floor else "untracked"
            if status in BRIDGED:
                leg.bridged_at = leg.bridged_at or leg.created_at
                call.outcome = "transferred"
                return Plan((Hangup(),), reason="bridged")
            if routed == "done":
                return Plan((Hangup(),), reason=status)
            callflow = self.lines.by_name(call.callflow)
            if routed != "untracked" and routed is not None:  # the next agent, or back in line
                again = Decision("transfer", leg.reason, team=leg.team, priority=leg.priority,
                                 say=plans.STILL_CONNECTING)  # fmt: skip
                return self.waiting.routed_plan(s, call, callflow, again, routed)
            number = self.fallback_number(callflow)
            tried = set(s.scalars(sa.select(Transfer.target).where(Transfer.call_id == call.id)))
            if number and number not in tried:
                decision = Decision(
                    action="transfer",
                    reason=leg.reason,
                    team=leg.team,
                    priority=leg.priority,
                    say=plans.STILL_CONNECTING,
                )
                retry = self.new_transfer(s, call, decision, number, leg.whisper)
                return plans.decision_plan(callflow, decision, number, retry.id)
            add_event(s, call, "unanswered", {"status": status})
            return plans.decision_plan(callflow, transfer(callflow, "unanswered"), "")

    def whisper(self, transfer_id: int) -> tuple[object, str]:
        """Return the callflow and the sentence to whisper to the answering agent."""
        with self.db.session() as s:
            leg = s.get_one(Transfer, transfer_id)
            leg.bridged_at = utcnow()
            call = s.get_one(Call, leg.call_id)
            entry = self.floor.dispatch.active_entry(s, call.id) if self.floor else None
            since = entry.enqueued_at if entry else call.started_at  # since they asked for a person
            waited = int((leg.bridged_at - since).total_seconds())
            if self.floor:
                self.floor.dispatch.bridged(s, call)
            return self.lines.by_name(call.callflow), f"{leg.whisper} Waited {waited} seconds."

    def status(self, sid: str, status: str, duration_s: int | None) -> None:
        """Close the call record from Twilio's final status callback."""
        with self.db.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is None:
                log.warning("status callback for unknown call %s", sid)
                return
            call.status, call.duration_s, call.ended_at = status, duration_s, utcnow()
            call.outcome = outcome(s, call)
            add_event(s, call, "status", {"status": status, "duration_s": duration_s})
            if self.floor:
                self.floor.dispatch.call_over(s, call)

    def log_event(self, sid: str, kind: str, detail: dict) -> None:
        """Append an entry to a call's timeline (e.g. the TwiML sent)."""
        with self.db.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is not None:
                add_event(s, call, kind, detail)

    def _decided(
        self,
        s: so.Session,
        call: Call,
        callflow: object,
        decision: Decision,
        heard: str,
        turn_id: int | None = None,
        via_floor: bool = True,
    ) -> Plan:
        s.add(decision_row(call, decision, turn_id))
        call.decided_at = call.decided_at or utcnow()
        if decision.action == "transfer":
            plan = self._to_person(s, call, callflow, decision, heard, via_floor)
        else:
            plan = plans.decision_plan(callflow, decision, speech=call.speech)
        call.stage = {"answer": "followup", "transfer": "transferring"}.get(decision.action, "done")
        plan = Plan(plan.steps, plan.reason, {"decision": decision.as_json()})
        call.next_action = plan.to_json()
        add_event(s, call, "decision", {**decision.as_json(), "plan": plan.reason})
        return plan

    def _to_person(
        self,
        s: so.Session,
        call: Call,
        callflow: object,
        decision: Decision,
        heard: str,
        via_floor: bool,
    ) -> Plan:
        whisper = self._whisper(s, call, callflow, decision, heard)
        routed = None
        if self.floor and via_floor:
            routed = self.floor.dispatch.route(s, call, callflow, decision, whisper)
        if routed is not None:  # the team has agents: the floor decides who, or the queue
            return self.waiting.routed_plan(s, call, callflow, decision, routed)
        target = callflow.target_for(decision.team) or self.default_fallback
        row = self.new_transfer(s, call, decision, target, whisper) if target else None
        return plans.decision_plan(callflow, decision, target, row.id if row else None)

    def new_transfer(
        self, s: so.Session, call: Call, decision: Decision, target: str, whisper: str
    ) -> Transfer:
        """Store a dial to a person (an agent, a team target or the fallback number)."""
        leg = Transfer(
            call_id=call.id,
            team=decision.team or "",
            target=target,
            priority=decision.priority,
            reason=decision.reason,
            whisper=whisper,
        )
        s.add(leg)
        s.flush()
        return leg

    def _whisper(
        self, s: so.Session, call: Call, callflow: object, decision: Decision, heard: str
    ) -> str:
        name = customer_name(s, call.from_number)
        upset = sounded_upset(callflow, decision.reason)
        text = plans.whisper_text(decision, heard, name, call.from_number, upset)
        if decision.reason == "repeat_caller" and (before := earlier_call(s, call)):
            text = f"{text} {before}"
        return text
