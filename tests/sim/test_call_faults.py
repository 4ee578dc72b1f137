"""Faults inside the service, over whole simulated calls: a person within Twilio's 15 s, and a
complete, closed record of the call (issue 11's targets; tests/faults/ covers PostgreSQL and
Redis going wrong underneath a real server)."""

import time

import pytest
import sqlalchemy as sa

from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.models import Call, CallEvent, Turn

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE

SAID = "i want to talk about my bill please"


def broken(*_args, **_kwargs):
    raise RuntimeError("injected fault")


def decide_fails(app, monkeypatch):
    monkeypatch.setattr("voice.calls.live.decide", broken)


def routing_fails(app, monkeypatch):
    monkeypatch.setattr(app.extensions["voice"].floor.dispatch, "route", broken)


def model_missing(app, monkeypatch):
    monkeypatch.setattr(app.extensions["voice"].service, "has_model", lambda _language: False)


FAULTS = {
    # fault: (how to inject it, what the caller does, whether the caller's words are kept)
    "decide_raises": (decide_fails, Utter(text=SAID), True),
    "routing_raises": (routing_fails, Utter(text=SAID), True),
    "model_missing": (model_missing, Utter(text=SAID), False),
    "socket_dropped": (None, Utter(text=SAID, at_ms=200, drop_at_ms=700), False),
    "stream_stalled": (None, Utter(text=SAID, at_ms=200, stall_at_ms=700), True),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_inside_the_service_still_ends_at_a_person_with_a_complete_record(
    fault, make_app, db, monkeypatch
):
    inject, utter, words_kept = FAULTS[fault]
    app = make_app(stream_idle_timeout_s=1.0)
    if inject:
        inject(app, monkeypatch)
    twilio = FakeTwilio("", AUTH_TOKEN, fast=True, simulated_text=fault != "model_missing")
    timings = []
    real_post = FakeTwilio.post

    def timed(self, url, params, report, expect_xml=True):
        started = time.monotonic()
        try:
            return real_post(self, url, params, report, expect_xml)
        finally:
            timings.append(time.monotonic() - started)

    monkeypatch.setattr(FakeTwilio, "post", timed)
    with serve(app) as base:
        twilio.base = base
        report = twilio.call([utter], "+15555550188", DEMO_LINE)
    assert max(timings) < 15
    assert "dial" in [s.kind for s in report.steps], report.steps
    assert "error" not in [s.kind for s in report.steps]
    with db.session() as s:
        call = s.scalars(sa.select(Call).where(Call.sid == report.call_sid)).one()
        events = set(s.scalars(sa.select(CallEvent.kind).where(CallEvent.call_id == call.id)))
        heard = s.scalars(sa.select(Turn.transcript).where(Turn.call_id == call.id)).first()
    assert (call.status, call.ended_at is not None) == ("completed", True)
    assert call.outcome == "transferred" and call.decided_at is not None
    assert {"incoming", "decision", "status"} <= events
    if words_kept:
        assert heard and heard.split()[0] == "i"
