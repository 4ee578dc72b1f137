"""A call's life in the store: start, each turn's decision, transfers, whisper, final status."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.calls import plans
from voice.calls.actions import Hangup, Plan
from voice.calls.lines import Lines
from voice.calls.lookups import lookup
from voice.calls.turn import TurnResult
from voice.flow import render_answer
from voice.flow.types import CallerContext, Decision
from voice.privacy import redact
from voice.store.db import Database
from voice.store.models import Call, CallEvent, Customer, Transfer, Turn, utcnow
from voice.store.models import Decision as DecisionRow

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
    ):
        self.db, self.lines = db, lines
        self.default_fallback = fallback_number
        self.has_model, self.streams_greeting = has_model, streams_greeting

    def fallback_number(self, callflow: object | None) -> str:
        """Return the line's last-resort number: the callflow's, else the service's."""
        return (getattr(callflow, "fallback_number", "") or "") or self.default_fallback

    def start(self, sid: str, caller: str, called: str, speech: str = "vosk") -> Plan:
        """Record an incoming call and return its first plan (greeting, or a person at once)."""
        callflow = self.lines.for_number(called)
        with self.db.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is None:  # Twilio may retry a webhook; the call is recorded once
                call = Call(sid=sid, from_number=caller, to_number=called, callflow=callflow.name)
                s.add(call)
                s.flush()
            _event(s, call, "incoming", {"from": caller, "to": called, "speech": speech})
            if speech == "vosk" and not self.has_model(callflow.language):
                missing = _transfer_decision(callflow, "model_missing")
                return self._decided(s, call, callflow, missing, heard="")
            plan = plans.greeting_plan(callflow, speech, self.streams_greeting(callflow))
            call.next_action = None
            return plan

    def context(self, sid: str, stage: str) -> tuple[object, CallerContext]:
        """Return the call's callflow and what is known about the caller, for a turn."""
        with self.db.session() as s:
            call = _call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            return callflow, caller_context(s, call, callflow, stage)

    def finish_turn(self, sid: str, stage: str, result: TurnResult) -> Plan | None:
        """Store what was heard and decided; return the plan the action URL will serve."""
        with self.db.session() as s:
            call = _call(s, sid)
            callflow = self.lines.by_name(call.callflow)
            turn = _turn_row(call, stage, result)
            s.add(turn)
            s.flush()
            if result.decision is None:
                _event(s, call, "hung_up", {"stage": stage, "heard": turn.transcript})
                return None
            decision = result.decision
            if decision.lookup:
                ctx = caller_context(s, call, callflow, stage)
                decision = render_answer(callflow, decision, _safe_lookup(s, call, decision), ctx)
            return self._decided(s, call, callflow, decision, turn.transcript, turn.id)

    def fallback(self, sid: str, reason: str, called: str = "") -> Plan:
        """Store and return the plan that connects the caller to a person after a fault."""
        callflow = self._line_for(called)
        try:
            with self.db.session() as s:
                call = _call(s, sid)
                callflow = self.lines.by_name(call.callflow)
                decision = _transfer_decision(callflow, reason)
                call.fallback = True
                _event(s, call, "fault", {"reason": reason})
                return self._decided(s, call, callflow, decision, heard="")
        except Exception:  # noqa: BLE001 - the store itself may be the fault; still dial a person
            log.exception("could not record fallback for %s (%s)", sid, reason)
            return plans.fallback_plan(callflow, self.fallback_number(callflow), reason)

    def _line_for(self, called: str) -> object | None:
        try:
            return self.lines.for_number(called)
        except Exception:  # noqa: BLE001 - no callflow at all: the service-wide number is left
            return None

    def take_next(self, sid: str) -> Plan:
        """Return and clear the plan decided during the stream; a person if there is none."""
        with self.db.session() as s:
            call = _call(s, sid)
            stored = call.next_action
            call.next_action = None
        if stored is None:
            log.warning("stream for %s ended without a decision; connecting a person", sid)
            return self.fallback(sid, "stream_dropped")
        return Plan.from_json(stored)

    def dial_done(self, transfer_id: int, status: str, talk_s: int | None) -> Plan:
        """Record how a dial ended; try the line's fallback number once if nobody answered."""
        with self.db.session() as s:
            transfer = s.get_one(Transfer, transfer_id)
            call = s.get_one(Call, transfer.call_id)
            transfer.status, transfer.ended_at, transfer.talk_s = status, utcnow(), talk_s
            if status in BRIDGED:
                transfer.bridged_at = transfer.bridged_at or transfer.created_at
                call.outcome = "transferred"
                return Plan((Hangup(),), reason="bridged")
            callflow = self.lines.by_name(call.callflow)
            number = self.fallback_number(callflow)
            tried = set(s.scalars(sa.select(Transfer.target).where(Transfer.call_id == call.id)))
            if number and number not in tried:
                decision = Decision(
                    action="transfer",
                    reason=transfer.reason,
                    team=transfer.team,
                    priority=transfer.priority,
                    say=plans.STILL_CONNECTING,
                )
                retry = self._new_transfer(s, call, decision, number, transfer.whisper)
                return plans.decision_plan(callflow, decision, number, retry.id)
            _event(s, call, "unanswered", {"status": status})
            return plans.decision_plan(callflow, _transfer_decision(callflow, "unanswered"), "")

    def whisper(self, transfer_id: int) -> tuple[object, str]:
        """Return the callflow and the sentence to whisper to the answering agent."""
        with self.db.session() as s:
            transfer = s.get_one(Transfer, transfer_id)
            transfer.bridged_at = utcnow()
            call = s.get_one(Call, transfer.call_id)
            waited = int((transfer.bridged_at - call.started_at).total_seconds())
            return self.lines.by_name(call.callflow), f"{transfer.whisper} Waited {waited} seconds."

    def status(self, sid: str, status: str, duration_s: int | None) -> None:
        """Close the call record from Twilio's final status callback."""
        with self.db.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is None:
                log.warning("status callback for unknown call %s", sid)
                return
            call.status, call.duration_s, call.ended_at = status, duration_s, utcnow()
            call.outcome = _outcome(s, call)
            _event(s, call, "status", {"status": status, "duration_s": duration_s})

    def log_event(self, sid: str, kind: str, detail: dict) -> None:
        """Append an entry to a call's timeline (e.g. the TwiML sent)."""
        with self.db.session() as s:
            call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
            if call is not None:
                _event(s, call, kind, detail)

    def _decided(
        self,
        s: so.Session,
        call: Call,
        callflow: object,
        decision: Decision,
        heard: str,
        turn_id: int | None = None,
    ) -> Plan:
        s.add(
            DecisionRow(
                call_id=call.id,
                turn_id=turn_id,
                action=decision.action,
                reason=decision.reason,
                intent=decision.intent,
                team=decision.team,
                priority=decision.priority,
                say=decision.say,
            )
        )
        call.decided_at = call.decided_at or utcnow()
        if decision.action == "transfer":
            target = team_target(callflow, decision.team) or self.fallback_number(callflow)
            whisper = self._whisper(s, call, callflow, decision, heard)
            transfer = self._new_transfer(s, call, decision, target, whisper) if target else None
            plan = plans.decision_plan(
                callflow, decision, target, transfer.id if transfer else None, caller_id=""
            )
        else:
            plan = plans.decision_plan(callflow, decision, speech=_speech_mode(s, call))
        call.stage = {"answer": "followup", "transfer": "transferring"}.get(decision.action, "done")
        plan = Plan(plan.steps, plan.reason, {"decision": decision.as_json()})
        call.next_action = plan.to_json()
        _event(s, call, "decision", {**decision.as_json(), "plan": plan.reason})
        return plan

    def _new_transfer(
        self, s: so.Session, call: Call, decision: Decision, target: str, whisper: str
    ) -> Transfer:
        transfer = Transfer(
            call_id=call.id,
            team=decision.team or "",
            target=target,
            priority=decision.priority,
            reason=decision.reason,
            whisper=whisper,
        )
        s.add(transfer)
        s.flush()
        return transfer

    def _whisper(
        self, s: so.Session, call: Call, callflow: object, decision: Decision, heard: str
    ) -> str:
        name = s.scalars(sa.select(Customer.name).where(Customer.phone == call.from_number)).first()
        return plans.whisper_text(decision, heard, name or "", call.from_number)


def caller_context(s: so.Session, call: Call, callflow: object, stage: str) -> CallerContext:
    """Gather the caller's name, earlier calls in the last day, and local time."""
    name = s.scalars(sa.select(Customer.name).where(Customer.phone == call.from_number)).first()
    since = call.started_at - dt.timedelta(hours=24)
    earlier = s.scalar(
        sa.select(sa.func.count(Call.id)).where(
            Call.from_number == call.from_number,
            Call.id != call.id,
            Call.started_at >= since,
            Call.started_at < call.started_at,
            Call.demo.is_(False),
        )
    )
    tz = ZoneInfo(callflow.business.timezone)
    return CallerContext(
        number=call.from_number,
        now=dt.datetime.now(tz),
        customer_name=name or "",
        calls_today=earlier or 0,
        turn="first" if stage == "greeting" else "followup",
    )


def team_target(callflow: object, team: str | None) -> str:
    """Return where a team is reached, or '' when it has no target of its own."""
    found = callflow.teams.get(team or "") if team else None
    return (getattr(found, "target", "") or "") if found else ""


def _transfer_decision(callflow: object, reason: str) -> Decision:
    team = callflow.default_team
    return Decision(action="transfer", reason=reason, team=team, say=callflow.handoff_line(team))


def _safe_lookup(s: so.Session, call: Call, decision: Decision) -> dict | None:
    try:
        with s.begin_nested():
            return lookup(s, decision.lookup or "", call.from_number)
    except Exception:  # noqa: BLE001 - a failed lookup sends the caller to a person (right 4)
        log.exception("lookup %s failed for call %s", decision.lookup, call.sid)
        return None


def _turn_row(call: Call, stage: str, result: TurnResult) -> Turn:
    heard = result.utterance
    return Turn(
        call_id=call.id,
        stage=stage,
        transcript=redact(heard.text),
        confidence=heard.confidence if heard.text else None,
        dtmf=heard.dtmf,
        source=result.source,
        speech_end_ms=result.speech_end_ms,
        decided_ms=result.decided_ms,
    )


def _speech_mode(s: so.Session, call: Call) -> str:
    first = s.scalars(
        sa.select(CallEvent.detail)
        .where(CallEvent.call_id == call.id, CallEvent.kind == "incoming")
        .limit(1)
    ).first()
    return (first or {}).get("speech", "vosk")


def _outcome(s: so.Session, call: Call) -> str:
    transfers = s.scalars(sa.select(Transfer).where(Transfer.call_id == call.id)).all()
    if any(t.bridged_at for t in transfers):
        return "transferred"
    if transfers:
        return "unanswered" if all(t.status not in ("dialing",) for t in transfers) else "abandoned"
    answered = s.scalar(
        sa.select(sa.func.count(DecisionRow.id)).where(
            DecisionRow.call_id == call.id, DecisionRow.action == "answer"
        )
    )
    return "self_served" if answered else "abandoned"


def _call(s: so.Session, sid: str) -> Call:
    call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
    if call is None:
        raise LookupError(f"no call with sid {sid}")
    return call


def _event(s: so.Session, call: Call, kind: str, detail: dict) -> None:
    s.add(CallEvent(call_id=call.id, kind=kind, detail=detail))
