"""Rows and queries behind the call service: caller context, turns, outcomes, timeline."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.calls.lookups import lookup
from voice.calls.outcomes import AFTERWARDS
from voice.calls.turn import TurnResult
from voice.flow.model import Callflow
from voice.flow.types import CallerContext, Decision
from voice.privacy import redact
from voice.store.models import Call, CallEvent, Customer, QueueEntry, Transfer, Turn
from voice.store.models import Decision as DecisionRow

log = logging.getLogger(__name__)


def find_call(s: so.Session, sid: str) -> Call:
    """Return the call with Twilio's CallSid, or raise LookupError."""
    call = s.scalars(sa.select(Call).where(Call.sid == sid)).first()
    if call is None:
        raise LookupError(f"no call with sid {sid}")
    return call


def customer_name(s: so.Session, number: str) -> str:
    """Return the known customer's name for a phone number, or ''."""
    return s.scalars(sa.select(Customer.name).where(Customer.phone == number)).first() or ""


def _earlier_calls(call: Call, simulated: bool = True) -> sa.ColumnElement[bool]:
    """Return the filter for this caller's real calls in the day before this one.

    Seeded demo calls never count; simulated ones (`voice call --text`) count unless
    `simulated` is False (`voice serve --demo`, so the walkthrough can be run again).
    """
    return sa.and_(
        Call.from_number == call.from_number,
        Call.id != call.id,
        Call.started_at >= call.started_at - dt.timedelta(hours=24),
        Call.started_at < call.started_at,
        Call.demo.is_(False),
        sa.true() if simulated else Call.speech != "text",
    )


def caller_context(
    s: so.Session, call: Call, callflow: Callflow, stage: str, simulated: bool = True
) -> CallerContext:
    """Gather the caller's name, earlier calls in the last day, and local time."""
    earlier = s.scalar(sa.select(sa.func.count(Call.id)).where(_earlier_calls(call, simulated)))
    return CallerContext(
        number=call.from_number,
        now=dt.datetime.now(callflow.business.tz),
        customer_name=customer_name(s, call.from_number),
        calls_today=earlier or 0,
        turn="first" if stage == "greeting" else "followup",
    )


def earlier_call(s: so.Session, call: Call, simulated: bool = True) -> str:
    """Describe this caller's latest earlier call in the last day, for the agent's whisper."""
    earlier = s.scalars(
        sa.select(Call)
        .where(_earlier_calls(call, simulated))
        .order_by(Call.started_at.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return ""
    last = s.scalars(
        sa.select(DecisionRow)
        .where(DecisionRow.call_id == earlier.id, DecisionRow.action != "hangup")
        .order_by(DecisionRow.id.desc())
        .limit(1)
    ).first()
    minutes = int((call.started_at - earlier.started_at).total_seconds() // 60)
    when = f"{minutes} minutes ago" if minutes < 120 else f"{minutes // 60} hours ago"
    about = f" about {last.intent.replace('_', ' ')}" if last and last.intent else ""
    how = AFTERWARDS.get(earlier.outcome or "", "and the call did not finish")
    return f"They called {when}{about}, {how}."


def sent_to_people_at(s: so.Session, call: Call, entry: QueueEntry | None) -> dt.datetime:
    """Return when the caller was handed to people: joined the line, else the first dial.

    The whisper's "Waited N seconds" counts from here on every route, so the greeting and the
    caller's own words never count as waiting.
    """
    if entry is not None:
        return entry.enqueued_at
    first = s.scalar(sa.select(sa.func.min(Transfer.created_at)).where(Transfer.call_id == call.id))
    return first or call.started_at


def safe_lookup(s: so.Session, call: Call, decision: Decision) -> dict | None:
    """Run the decision's data lookup; None (so a person answers) if it fails."""
    try:
        with s.begin_nested():
            return lookup(s, decision.lookup or "", call.from_number)
    except Exception:  # a failed lookup sends the caller to a person (right 4)
        log.exception("lookup %s failed for call %s", decision.lookup, call.sid)
        return None


def turn_row(call: Call, callflow: Callflow, stage: str, result: TurnResult) -> Turn:
    """Return the stored, redacted record of one listening turn."""
    heard = result.utterance
    return Turn(
        call_id=call.id,
        stage=stage,
        transcript=redact(heard.text, callflow.privacy_keep),
        confidence=heard.confidence if heard.text else None,
        dtmf=heard.dtmf,
        source=result.source,
        speech_end_ms=result.speech_end_ms,
        decided_ms=result.decided_ms,
    )


def decision_row(call: Call, decision: Decision, turn_id: int | None) -> DecisionRow:
    """Return the stored record of a decision."""
    return DecisionRow(
        call_id=call.id,
        turn_id=turn_id,
        action=decision.action,
        reason=decision.reason,
        intent=decision.intent,
        team=decision.team,
        priority=decision.priority,
        say=decision.say,
    )


def add_event(s: so.Session, call: Call, kind: str, detail: dict) -> None:
    """Append an entry to the call's timeline."""
    s.add(CallEvent(call_id=call.id, kind=kind, detail=detail))
