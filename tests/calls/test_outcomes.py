"""How a call ended, judged when it ends: callbacks and voicemails are outcomes of their own."""

import pytest
import sqlalchemy as sa
from floor_support import add_agents, ask, set_open

from voice.calls.outcomes import OUTCOMES, code_for, words
from voice.sim.caller import Utter
from voice.sim.floor import RECORDING_S, CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.models import Call
from voice.telephony.inputs import call_state

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE


@pytest.fixture
def line(app, db, monkeypatch):
    set_open(monkeypatch)
    rt = app.extensions["voice"]
    with serve(app) as base:
        yield base, rt


def place(base, *said, caller="+15555550177", **plan):
    twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, caller=CallerPlan(**plan))
    report = twilio.call(
        [Utter(text=text) if text else Utter() for text in said], caller, DEMO_LINE
    )
    return report.call_sid


def ended(rt, sid) -> Call:
    with rt.db.session() as s:
        return s.scalars(sa.select(Call).where(Call.sid == sid)).one()


def test_a_caller_who_asks_for_a_callback_in_line_is_not_counted_as_hung_up(line):
    base, rt = line
    add_agents(rt.floor, 1)
    place(base, "agent please", caller="+15555550103")  # the only agent is now busy
    sid = place(base, "agent please", caller="+15555550101", callback=True)
    assert ended(rt, sid).outcome == "callback_requested"


def test_after_hours_a_callback_and_a_voicemail_are_outcomes_of_their_own(line, monkeypatch):
    base, rt = line
    add_agents(rt.floor, 1)  # a staffed line: out of hours, callers hear the hours and choose
    set_open(monkeypatch, False)
    asked = place(base, "agent please", callback=True)
    left = place(base, "agent please", caller="+15555550188", voicemail="call me about my tent")
    assert ended(rt, asked).outcome == "callback_requested"
    voicemail = ended(rt, left)
    assert voicemail.outcome == "voicemail"
    assert voicemail.duration_s >= RECORDING_S  # the message is part of the call's length


def test_a_voicemail_reported_after_the_hangup_still_makes_the_call_a_voicemail(app, db):
    rt = app.extensions["voice"]
    sid, _ = ask(rt, "agent please")
    rt.service.status(sid, call_state("completed"), 41)
    assert ended(rt, sid).outcome == "abandoned"
    rt.service.waiting.voicemail(sid, "recording", "https://api.twilio.com/RE1", "")
    assert ended(rt, sid).outcome == "voicemail"


def test_a_caller_who_wants_more_after_an_answer_and_hangs_up_was_not_self_served(line):
    base, rt = line
    add_agents(rt.floor, 1)
    place(base, "agent please", caller="+15555550103")  # the only agent is now busy
    sid = place(base, "what are your hours", "i need a person", queue_wait_s=0.5)
    assert ended(rt, sid).outcome == "abandoned"
    served = place(base, "what are your hours", "", caller="+15555550166")
    assert ended(rt, served).outcome == "self_served"


def test_every_outcome_has_words_and_filters_take_the_words_back():
    assert (
        words("callback_requested") == "Callback requested" and words(None) == "Still on the line"
    )
    for code, label in OUTCOMES.items():
        assert code_for(label) == code and code_for(label.upper()) == code
        assert code_for(code) == code and code_for(code.replace("_", " ")) == code
    assert code_for("left  a VOICEMAIL") == "voicemail" and code_for("nonsense") is None
