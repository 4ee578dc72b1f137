"""`voice serve --demo --open-hours`: the walkthrough works at any hour, and again."""

import datetime as dt
from zoneinfo import ZoneInfo

from voice.cli.serve import _demo_switches
from voice.routing.opening import line_hours
from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers
from voice.web.opening import say_hours

from conftest import AUTH_TOKEN, ROOT
from tests_support import DEMO_LINE

MARIA = "+15555550100"  # a demo customer with a shipped order
SUNDAY_3AM = dt.datetime(2026, 3, 1, 3, 0, tzinfo=ZoneInfo("America/Chicago"))


def test_open_hours_lets_people_answer_at_any_hour_and_leaves_the_file_as_it_is(make_app):
    demo_file = ROOT / "callflows" / "acme-outfitters.yaml"
    before = demo_file.read_bytes()
    closed = make_app().extensions["voice"].lines.for_number(DEMO_LINE)
    line = make_app(open_hours=True).extensions["voice"].lines.for_number(DEMO_LINE)
    assert not closed.is_open(SUNDAY_3AM)
    assert line.is_open(SUNDAY_3AM)
    assert say_hours(line_hours(line, SUNDAY_3AM), SUNDAY_3AM) == (
        "Open: people answer around the clock."
    )
    assert demo_file.read_bytes() == before


def test_serve_passes_demo_and_open_hours_to_its_workers(monkeypatch):
    monkeypatch.setenv("DEMO_MODE", "false")  # and put back as it was after the test
    monkeypatch.setenv("OPEN_HOURS", "false")
    _demo_switches(demo=True, open_hours=True)
    from voice.settings import Settings

    settings = Settings(_env_file=None)
    assert (settings.demo_mode, settings.open_hours) == (True, True)


def place(base, text, caller=MARIA):
    twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True)
    return twilio.call([Utter(text=text), Utter()], caller, DEMO_LINE).decisions()[0]


def test_a_demo_service_answers_the_headline_call_again_not_as_a_repeat_caller(make_app, db):
    seed_customers(db)
    with serve(make_app(demo_mode=True)) as base:
        first = place(base, "where is my order")
        again = place(base, "where is my order")
    assert first["reason"] == again["reason"] == "intent"
    assert again["intent"] == "order_status"


def test_outside_a_demo_service_a_simulated_caller_who_calls_again_is_a_repeat_caller(make_app, db):
    seed_customers(db)
    with serve(make_app()) as base:
        place(base, "where is my order")
        again = place(base, "where is my order")
    assert again["reason"] == "repeat_caller"
