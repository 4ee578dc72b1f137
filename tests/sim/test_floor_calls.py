"""Whole calls on a staffed line through the simulator: queue, REST redirect, callbacks."""

import threading

import pytest
import sqlalchemy as sa
from floor_support import add_agents, set_open

from voice.sim.caller import Utter
from voice.sim.floor import CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers
from voice.store.models import Agent

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE


@pytest.fixture
def line(app, db, monkeypatch):
    set_open(monkeypatch)
    seed_customers(db)
    rt = app.extensions["voice"]
    with serve(app) as base:
        yield base, rt


def place(base, text, caller="+15555550177", **plan):
    twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, caller=CallerPlan(**plan))
    return twilio.call([Utter(text=text)], caller, DEMO_LINE)


def texts(report, kind):
    return [s.text for s in report.steps if s.kind == kind]


def test_a_queued_caller_hears_a_position_and_is_bridged_when_an_agent_frees_up(line):
    base, rt = line
    (agent_id,) = add_agents(rt.floor, 1)
    place(base, "agent please", caller="+15555550103")  # the agent is now busy with Tom

    def free_the_agent():
        with rt.db.session() as s:
            s.get(Agent, agent_id).presence = "wrap_up"
        rt.floor.set_presence(agent_id, "available")

    timer = threading.Timer(1.0, free_the_agent)
    timer.start()
    report = place(base, "i need a person", caller="+15555550100", queue_wait_s=15)
    timer.join()
    assert any("next in line" in s for s in texts(report, "say"))
    assert texts(report, "rest")  # the service's REST redirect, followed like Twilio would
    whisper = texts(report, "whisper")[0]
    assert whisper.startswith("Maria Lopez") and "Waited" in whisper
    assert texts(report, "dial_result") == ["answered"]


def test_a_queued_caller_who_says_call_me_back_is_confirmed_and_the_callback_is_listed(line):
    base, rt = line
    add_agents(rt.floor, 1)
    place(base, "agent please", caller="+15555550103")
    report = place(base, "agent please", caller="+15555550101", callback=True)
    assert any("call you back" in s for s in texts(report, "say"))
    (callback,) = rt.floor.callbacks()
    assert (callback["number"], callback["name"]) == ("+15555550101", "James Carter")
    assert callback["words"] == "agent please"


def test_after_hours_the_caller_can_leave_a_voicemail_with_its_transcript(line, monkeypatch):
    base, rt = line
    add_agents(rt.floor, 1)
    set_open(monkeypatch, False)
    report = place(base, "agent please", voicemail="please call me about my tent return")
    assert any("We're open" in s for s in texts(report, "say"))
    (vm,) = rt.floor.callbacks()
    assert vm["kind"] == "voicemail" and "tent return" in vm["words"] and vm["recording_url"]


def test_a_busy_agent_sends_the_caller_to_the_next_agent(line, db):
    base, rt = line
    first, second = add_agents(rt.floor, 2)
    twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, agent=("busy", "answer"))
    report = twilio.call([Utter(text="agent please")], "+15555550177", DEMO_LINE)
    dials = [s.data["target"] for s in report.steps if s.kind == "dial"]
    assert dials == [rt.floor.agent(first)["address"], rt.floor.agent(second)["address"]]
    with db.session() as s:
        assert s.scalars(sa.select(Agent.presence).where(Agent.id == second)).one() == "wrap_up"
