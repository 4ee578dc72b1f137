"""A call's life in the store: start, each turn's decision, transfers, whisper, final status."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.calls import plans
from voice.calls.actions import Hangup, Plan
from voice.calls.journal import Journal
from voice.calls.ledger import Ledger, Served
from voice.calls.lines import Lines
from voice.calls.outcomes import judge as outcome
from voice.calls.phrases import phrases_for
from voice.calls.queueing import FloorCalls
from voice.calls.records import (
    add_event,
    caller_context,
    customer_name,
    decision_row,
    earlier_call,
    find_call,
    safe_lookup,
    sent_to_people_at,
    turn_row,
)
from voice.calls.surveys import CallSurveys
from voice.calls.turn import TurnResult
from voice.errors import CallflowNotFound
from voice.flow import render_answer, transfer
from voice.flow.model import Callflow
from voice.flow.types import CallerContext, Decision, priority_of
from voice.routing.floor import Floor
from voice.routing.ports import CallState, DialEnd, DialOutcome
from voice.routing.screen import sounded_upset
from voice.store.breaker import UNREACHABLE, Breaker
from voice.store.db import Database
from voice.store.models import Call, Transfer, Turn, utcnow

log = logging.getLogger(__name__)


class CallService:
    """Record and steer calls; every method is one short transaction."""

    def __init__(
        self,
        db: Database,
        lines: Lines,
        fallback_number: str = "",
        *,
        journal: Journal,
        has_model: Callable[[str], bool] = lambda _language: True,
        streams_greeting: Callable[[Callflow], bool] = lambda _callflow: False,
        floor: Floor,
        streams_full: Callable[[], bool] = lambda: False,
        count_simulated_calls: bool = True,
    ):
        self.lines, self.floor = lines, floor
        # the transactions and rows this service, its floor and its rating webhooks share
        self.ledger = Ledger(db, Breaker(), fallback_number)
        # False (`voice serve --demo`): a simulated call never makes its caller a repeat caller
        self.count_simulated_calls = count_simulated_calls
        self.breaker = self.ledger.breaker
        # what a database fault kept from being stored, replayed when it answers again
        self.journal = journal
        self.streams_full = streams_full  # this process's live streams are at their cap
        self.default_fallback = fallback_number
        self.has_model, self.streams_greeting = has_model, streams_greeting
        self.waiting = FloorCalls(self.ledger, lines, floor)
        self.surveys = CallSurveys(self.ledger, lines)

    def session(self) -> AbstractContextManager[so.Session]:
        """Return a transaction, failing at once while the database is known to be down."""
        return self.ledger.session()

    def serving(self, path: str, render: Callable[[Plan], str]) -> AbstractContextManager[Served]:
        """Let this webhook's transaction store the TwiML it answers with (see `Served`)."""
        return self.ledger.serving(path, render)

    def served(self, s: so.Session, call: Call, plan: Plan) -> Plan:
        """Return `plan`; inside a webhook, first add its TwiML to the call's timeline in `s`."""
        return self.ledger.served(s, call, plan)

    def fallback_number(self, callflow: Callflow | None) -> str:
        """Return the line's last-resort number: the callflow's, else the service's."""
        return self.ledger.fallback_number(callflow)

    def start(self, sid: str, caller: str, called: str, speech: str = "vosk") -> Plan:
        """Record an incoming call and return its first plan (greeting, or a person at once).

        One transaction records the call, plans it and stores the TwiML. Any other fault while
        planning rolls it back, and a second transaction records the call and a person next.
        """
        callflow = self._line_for(called)
        try:
            try:
                with self.session() as s:
                    call = self._recorded(s, sid, caller, called, speech, callflow)
                    return self.served(s, call, self._first_plan(s, call, callflow, speech))
            except UNREACHABLE:
                raise
            except Exception:  # right 6: the call is recorded; a person next
                log.exception("planning call %s failed; connecting a person", sid)
                with self.session() as s:
                    call = self._recorded(s, sid, caller, called, speech, callflow)
                    return self.served(s, call, self._fault(s, call, callflow, "incoming_failed"))
        except UNREACHABLE:
            self.journal.write("call", sid, caller=caller, called=called, speech=speech)
            raise

    def _recorded(
        self,
        s: so.Session,
        sid: str,
        caller: str,
        called: str,
        speech: str,
        callflow: Callflow | None,
    ) -> Call:
        call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
        if call is None:  # Twilio may retry a webhook; the call is recorded once
            call = Call(sid=sid, from_number=caller, to_number=called, speech=speech,
                        callflow=callflow.name if callflow else "")  # fmt: skip
            s.add(call)
            s.flush()
        add_event(s, call, "incoming", {"from": caller, "to": called, "speech": speech})
        return call

    def _first_plan(
        self, s: so.Session, call: Call, callflow: Callflow | None, speech: str
    ) -> Plan:
        if callflow is None:
            raise CallflowNotFound(f"no callflow answers {call.to_number!r}")
        if speech == "vosk" and not self.has_model(callflow.language):
            return self._decided(s, call, callflow, transfer(callflow, "model_missing"), heard="")
        if self.streams_full():  # past this process's stream cap: a person, never an error
            return self._decided(s, call, callflow, transfer(callflow, "busy"), heard="")
        plan = plans.greeting_plan(callflow, speech, self.streams_greeting(callflow))
        call.next_action = None
        return plan

    def context(self, sid: str, stage: str) -> tuple[Callflow, CallerContext]:
        """Return the call's callflow and what is known about the caller, for a turn."""
        with self.session() as s:
            call = find_call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            return callflow, caller_context(s, call, callflow, stage, self.count_simulated_calls)

    def _stored_turn(
        self, s: so.Session, sid: str, stage: str, result: TurnResult
    ) -> tuple[Call, Callflow, Turn]:
        call = find_call(s, sid)
        callflow = self.lines.by_name(call.callflow)
        turn = turn_row(call, callflow, stage, result)
        s.add(turn)
        s.flush()
        return call, callflow, turn

    def finish_turn(self, sid: str, stage: str, result: TurnResult) -> Plan | None:
        """Store what was heard and decided; return the plan the action URL will serve."""
        with self.session() as s:
            call, callflow, turn = self._stored_turn(s, sid, stage, result)
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
            with self.session() as s:
                call = find_call(s, sid)
                callflow = self._line_named(call.callflow) or callflow
                return self.served(s, call, self._fault(s, call, callflow, reason))
        except Exception as exc:  # the store may be the fault; still dial a person
            log.exception("could not record fallback for %s (%s)", sid, reason)
            if isinstance(exc, UNREACHABLE):
                self.journal.write("fault", sid, reason=reason, called=called)
            return plans.fallback_plan(callflow, self.fallback_number(callflow), reason)

    def _fault(self, s: so.Session, call: Call, callflow: Callflow | None, reason: str) -> Plan:
        call.fallback = True
        add_event(s, call, "fault", {"reason": reason})
        if callflow is None:  # no line answers this number: the service-wide number is left
            plan = plans.fallback_plan(None, self.default_fallback, reason)
            call.stage, call.next_action = "transferring", plan.to_json()
            return plan
        # a fault skips the floor (it may be the fault): dial as before issue 5
        decision = transfer(callflow, reason)
        return self._decided(s, call, callflow, decision, heard="", via_floor=False)

    def _line_named(self, name: str) -> Callflow | None:
        try:
            return self.lines.by_name(name) if name else None
        except CallflowNotFound:
            return None

    def _line_for(self, called: str) -> Callflow | None:
        try:
            return self.lines.for_number(called)
        except CallflowNotFound:  # no callflow at all: the service-wide number is left
            return None

    def take_next(self, sid: str) -> Plan:
        """Return and clear the plan decided during the stream; a person if there is none."""
        with self.session() as s:
            call = find_call(s, sid)
            stored = call.next_action
            call.next_action = None
            if stored is not None:
                return self.served(s, call, Plan.from_json(stored))
        log.warning("stream for %s ended without a decision; connecting a person", sid)
        return self.fallback(sid, "stream_dropped")

    def dial_done(self, transfer_id: int, end: DialEnd, talk_s: int | None) -> Plan:
        """Record how a dial ended; try the line's fallback number once if nobody answered."""
        with self.session() as s:
            leg = s.get_one(Transfer, transfer_id)
            call = s.get_one(Call, leg.call_id)
            leg.status, leg.ended_at, leg.talk_s = end.reported, utcnow(), talk_s
            return self.served(s, call, self._after_dial(s, leg, call, end))

    def _after_dial(self, s: so.Session, leg: Transfer, call: Call, end: DialEnd) -> Plan:
        routed = self.floor.dispatch.dial_ended(s, call, end.outcome)
        if end.outcome is DialOutcome.BRIDGED:
            leg.bridged_at = leg.bridged_at or leg.created_at
            call.outcome = "transferred"
            return Plan((Hangup(),), reason=DialOutcome.BRIDGED.value)
        if routed.kind == "ended":  # the caller hung up while the agent's phone rang
            return Plan((Hangup(),), reason=end.outcome.value)
        callflow = self.lines.by_name(call.callflow)
        if routed.kind != "unrouted":  # the next agent, or back in line
            again = Decision("transfer", leg.reason, team=leg.team,
                             priority=priority_of(leg.priority),
                             say=phrases_for(callflow).still_connecting)  # fmt: skip
            return self.waiting.routed_plan(s, call, callflow, again, routed)
        number = self.fallback_number(callflow)
        tried = set(s.scalars(sa.select(Transfer.target).where(Transfer.call_id == call.id)))
        if number and number not in tried:
            decision = Decision(
                action="transfer",
                reason=leg.reason,
                team=leg.team,
                priority=priority_of(leg.priority),
                say=phrases_for(callflow).still_connecting,
            )
            retry = self.new_transfer(s, call, decision, number, leg.whisper)
            return plans.decision_plan(callflow, decision, number, retry.id)
        add_event(s, call, "unanswered", {"status": end.reported})
        return plans.decision_plan(callflow, transfer(callflow, "unanswered"), "")

    def whisper(self, transfer_id: int) -> tuple[Callflow, str]:
        """Return the callflow and the sentence to whisper to the answering agent."""
        with self.session() as s:
            leg = s.get_one(Transfer, transfer_id)
            leg.bridged_at = utcnow()
            call = s.get_one(Call, leg.call_id)
            entry = self.floor.dispatch.active_entry(s, call.id)
            waited = int((leg.bridged_at - sent_to_people_at(s, call, entry)).total_seconds())
            self.floor.dispatch.bridged(s, call)
            return self.lines.by_name(call.callflow), f"{leg.whisper} Waited {waited} seconds."

    def status(self, sid: str, state: CallState, duration_s: int | None) -> None:
        """Close the call record from Twilio's status callback; kept for later if the store is down.

        Idempotent and ordered: the first final status closes the call, a repeat changes
        nothing, and a late progress report ("ringing") never reopens a closed call.
        """
        try:
            with self.session() as s:
                self._status(s, sid, state, duration_s, utcnow())
        except UNREACHABLE:
            log.warning("status %s for call %s kept in the journal until the store returns",
                        state.reported, sid)  # fmt: skip
            self._journal_status(sid, state, duration_s)

    def _journal_status(self, sid: str, state: CallState, duration_s: int | None) -> None:
        self.journal.write(
            "status", sid, status=state.reported, over=state.over, duration_s=duration_s
        )

    def _status(
        self, s: so.Session, sid: str, state: CallState, duration_s: int | None, at: dt.datetime
    ) -> None:
        status = state.reported
        call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
        if call is None and self.journal.holds(sid):  # its start waits in the journal: so does this
            self._journal_status(sid, state, duration_s)
            return
        if call is None:
            log.warning("status callback for unknown call %s", sid)
            return
        if call.ended_at is not None:  # already closed: a retry or a late progress report
            return
        if not state.over:
            call.status = status
            return
        call.status, call.duration_s, call.ended_at = status, duration_s, at
        call.outcome = outcome(s, call)
        add_event(s, call, "status", {"status": status, "duration_s": duration_s})
        self.floor.dispatch.call_over(s, call)

    def turn_failed(self, sid: str, stage: str, result: TurnResult, reason: str) -> Plan:
        """Store a turn that ended in a fault, with what the caller said, and a person next."""
        with self.session() as s:
            call, callflow, turn = self._stored_turn(s, sid, stage, result)
            call.fallback = True
            add_event(s, call, "fault", {"reason": reason, "stage": stage})
            # a stalled stream is Twilio's side: the floor still picks the person; other faults
            # may be the floor itself, so they dial the team's number as before issue 5
            decision = result.decision or transfer(callflow, reason)  # a failed turn has one
            return self._decided(s, call, callflow, decision, turn.transcript, turn.id,
                                 via_floor=reason == "stream_stalled")  # fmt: skip

    def replay_journal(self) -> int:
        """Write what database faults kept from the store; return how many facts were applied."""
        if self.breaker.is_open:
            return 0
        return self.journal.replay(self._apply_journaled)

    def _apply_journaled(self, entry: dict) -> None:
        at = dt.datetime.fromisoformat(entry["at"])
        with self.session() as s:
            sid, kind = entry["sid"], entry["kind"]
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is None:
                called = entry.get("called", "")
                callflow = self._line_for(called)
                call = Call(sid=sid, from_number=entry.get("caller", ""), to_number=called,
                            callflow=callflow.name if callflow else "", fallback=True,
                            speech=entry.get("speech", "vosk"), started_at=at)  # fmt: skip
                s.add(call)
                s.flush()
                add_event(s, call, "incoming", {"from": call.from_number, "to": called,
                                                "journaled": True})  # fmt: skip
            elif kind == "call" and not call.from_number:  # another process's fact came first
                callflow = self._line_for(entry.get("called", ""))
                call.from_number, call.to_number = entry["caller"], entry.get("called", "")
                call.callflow = call.callflow or (callflow.name if callflow else "")
                call.started_at = min(call.started_at, at)
            if kind == "fault" and not call.decided_at:
                callflow = self._line_named(call.callflow)
                call.fallback, call.decided_at = True, at
                add_event(s, call, "fault", {"reason": entry["reason"], "journaled": True})
                if callflow is not None:
                    s.add(decision_row(call, transfer(callflow, entry["reason"]), None))
                    s.flush()
                if call.ended_at is not None:  # its status came first: judge it again
                    call.outcome = outcome(s, call)
            elif kind == "status":
                # `over` is journaled with the status; Twilio's callback reports final ones
                state = CallState(entry["status"], entry.get("over", True))
                self._status(s, sid, state, entry.get("duration_s"), at)

    def log_event(self, sid: str, kind: str, detail: dict) -> None:
        """Append an entry to a call's timeline (e.g. the TwiML sent)."""
        with self.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is not None:
                add_event(s, call, kind, detail)

    def _decided(
        self,
        s: so.Session,
        call: Call,
        callflow: Callflow,
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
        callflow: Callflow,
        decision: Decision,
        heard: str,
        via_floor: bool,
    ) -> Plan:
        whisper = self._whisper(s, call, callflow, decision, heard)
        routed = None
        if via_floor:  # a fault skips the floor: it may be the fault
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
        return self.ledger.new_transfer(s, call, decision, target, whisper)

    def _whisper(
        self, s: so.Session, call: Call, callflow: Callflow, decision: Decision, heard: str
    ) -> str:
        name = customer_name(s, call.from_number)
        upset = sounded_upset(callflow, decision.reason)
        text = plans.whisper_text(decision, heard, name, call.from_number, upset)
        if decision.reason == "repeat_caller" and (
            before := earlier_call(s, call, self.count_simulated_calls)
        ):
            text = f"{text} {before}"
        return text
