"""Build calls by hand, with known times, for the analytics tests."""

import datetime as dt
import secrets

from voice.store.models import Call, Callback, QueueEntry, SurveyResponse, Transfer, Turn, WrapUp
from voice.store.models import Decision as DecisionRow

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # a Monday


def add_call(
    s,
    at=T0,
    outcome="self_served",
    decisions=(("answer", "intent", "store_hours"),),
    said="what are your hours",
    number="+15125550001",
    callflow="acme-outfitters",
    demo=False,
    bridged_after_s=None,
):
    """Add a call with a turn, its decisions and, if given, a transfer bridged after N seconds."""
    call = Call(
        sid="CA" + secrets.token_hex(8),
        from_number=number,
        to_number="+15005550100",
        callflow=callflow,
        outcome=outcome,
        demo=demo,
        started_at=at,
        status="completed",
    )
    s.add(call)
    s.flush()
    s.add(Turn(call_id=call.id, stage="greeting", transcript=said, source="text", created_at=at))
    for action, reason, intent in decisions:
        s.add(DecisionRow(call_id=call.id, action=action, reason=reason, intent=intent,
                          team="general", created_at=at))  # fmt: skip
        s.flush()
    if bridged_after_s is not None:
        s.add(Transfer(call_id=call.id, team="general", target="+15005550101", reason="x",
                       status="completed", created_at=at,
                       bridged_at=at + dt.timedelta(seconds=bridged_after_s)))  # fmt: skip
    s.flush()
    return call


def add_queue(s, call, waited_s, status="bridged"):
    end = call.started_at + dt.timedelta(seconds=waited_s)
    s.add(QueueEntry(call_id=call.id, callflow=call.callflow, team="general", language="en",
                     reason="asked_for_human", status=status, enqueued_at=call.started_at,
                     bridged_at=end if status == "bridged" else None, ended_at=end))  # fmt: skip


def add_callback(s, call, status="requested", kind="callback"):
    s.add(Callback(call_id=call.id, callflow=call.callflow, number=call.from_number,
                   reason="asked_for_human", team="general", kind=kind, status=status,
                   demo=call.demo))  # fmt: skip


def add_wrap_up(s, call, routing_right=True, right_target=None):
    s.add(WrapUp(call_id=call.id, disposition="resolved", routing_right=routing_right,
                 right_target=right_target, demo=call.demo))  # fmt: skip


def add_score(s, call, score, path="automated", channel="dtmf"):
    s.add(SurveyResponse(call_id=call.id, channel=channel, path=path, score=score,
                         raw=str(score), demo=call.demo))  # fmt: skip
