"""Whole calls through the simulator: signed webhooks, a real WebSocket, TwiML, status callbacks.

These pin the caller's rights end to end on the demo line; `--text` stands in for speech.
"""

import pytest
import sqlalchemy as sa

from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers
from voice.store.models import Call, Transfer, Turn

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE

MARIA = "+15555550100"  # demo customer with a shipped order
STRANGER = "+15555550177"


@pytest.fixture
def live(app, db):
    seed_customers(db)
    with serve(app) as base:
        yield base


def place(live, *turns, caller=STRANGER, agent=("answer",)):
    twilio = FakeTwilio(live, AUTH_TOKEN, fast=True, simulated_text=True, agent=agent)
    return twilio.call(list(turns), caller, DEMO_LINE)


def line_fallback(app):
    return app.extensions["voice"].lines.for_number(DEMO_LINE).fallback_number


def kinds(report):
    return [s.kind for s in report.steps]


def test_a_simple_question_is_answered_then_one_anything_else_then_goodbye(live, db):
    report = place(live, Utter(text="what time do you close today"), Utter())
    first, last = report.decisions()
    assert (first["action"], first["intent"]) == ("answer", "store_hours")
    assert last["action"] == "hangup"
    says = [s.text for s in report.steps if s.kind == "say"]
    assert any("anything else" in s.lower() for s in says)
    assert "dial" not in kinds(report)
    with db.session() as s:
        assert s.scalars(sa.select(Call.outcome)).one() == "self_served"


def test_saying_agent_transfers_with_a_whisper_naming_caller_and_reason(live):
    report = place(live, Utter(text="agent please"), caller=MARIA)
    assert report.decisions()[0]["reason"] == "asked_for_human"
    whisper = next(s.text for s in report.steps if s.kind == "whisper")
    assert "Maria Lopez" in whisper and "asked for a person" in whisper


def test_saying_agent_during_the_greeting_cuts_the_greeting_and_transfers(live):
    report = place(live, Utter(text="representative", at_ms=600))
    assert report.decisions()[0]["reason"] == "asked_for_human"
    greeting = next(s.text for s in report.steps if s.kind == "say")
    assert "playback cleared" in greeting


def test_pressing_any_key_reaches_a_person(live):
    report = place(live, Utter(dtmf="7", at_ms=300))
    assert report.decisions()[0]["reason"] == "asked_for_human"
    assert "dial" in kinds(report)


def test_saying_nothing_reaches_a_person_without_a_reprompt(live):
    report = place(live, Utter())
    assert [d["reason"] for d in report.decisions()] == ["silence"]
    assert "dial" in kinds(report)
    assert not any("didn't get that" in s.text.lower() for s in report.steps)


def test_low_confidence_speech_goes_to_a_person(live):
    report = place(live, Utter(text="what are your hours", confidence=0.2))
    assert report.decisions()[0]["reason"] == "low_confidence"


def test_order_status_is_answered_from_the_callers_own_order(live):
    report = place(live, Utter(text="where is my order"), Utter(text="no thanks"), caller=MARIA)
    first = report.decisions()[0]
    assert first["intent"] == "order_status" and first["action"] == "answer"
    assert "A10432" in first["say"] and "{" not in first["say"]


def test_order_status_without_an_order_goes_to_a_person(live):
    report = place(live, Utter(text="where is my order"), caller="+15555550104")
    first = report.decisions()[0]
    assert (first["action"], first["reason"]) == ("transfer", "lookup_failed")


def test_a_second_request_after_an_answer_goes_to_a_person_not_a_second_bot_turn(live):
    report = place(live, Utter(text="what are your hours"), Utter(text="and can i return boots"))
    assert [d["action"] for d in report.decisions()] == ["answer", "transfer"]
    assert report.decisions()[1]["reason"] == "followup"


def test_a_sensitive_topic_skips_the_bot_with_priority_and_its_team(live, db):
    report = place(live, Utter(text="someone used my card for a charge i never made"))
    first = report.decisions()[0]
    assert first["reason"].startswith("escalation:")
    assert first["priority"] in ("urgent", "high")
    with db.session() as s:
        transfer = s.scalars(sa.select(Transfer)).one()
    assert transfer.team == first["team"] != "general"


def test_unanswered_agent_line_falls_back_to_the_line_number(app, live, db):
    report = place(live, Utter(text="agent"), agent=("no-answer", "answer"))
    dials = [s.data["target"] for s in report.steps if s.kind == "dial"]
    assert len(dials) == 2 and dials[1] == line_fallback(app) != dials[0]
    with db.session() as s:
        statuses = s.scalars(sa.select(Transfer.status).order_by(Transfer.id)).all()
        assert statuses == ["no-answer", "completed"]
        assert s.scalars(sa.select(Call.outcome)).one() == "transferred"


def test_stored_transcripts_are_redacted(live, db):
    place(live, Utter(text="my card number is 4111 1111 1111 1111 and it was charged twice"))
    with db.session() as s:
        transcript = s.scalars(sa.select(Turn.transcript)).first()
    assert "4111" not in transcript and "[redacted]" in transcript


# Right 6: every fault still ends with the caller connected to a person.


def test_exception_in_decide_still_connects_a_person(live, monkeypatch):
    def broken(*_args):
        raise RuntimeError("decide blew up")

    monkeypatch.setattr("voice.calls.live.decide", broken)
    report = place(live, Utter(text="what are your hours"))
    assert report.decisions()[0]["reason"] == "internal_error"
    assert "dial" in kinds(report)


def test_database_down_mid_call_still_connects_a_person(app, live, monkeypatch):
    from voice.store.db import Database

    service = app.extensions["voice"].service
    real_finish = service.finish_turn

    def db_down(*args):
        service.ledger.db = Database("postgresql+psycopg://x@127.0.0.1:1/none")
        return real_finish(*args)

    monkeypatch.setattr(service, "finish_turn", db_down)
    report = place(live, Utter(text="what are your hours"))
    dial = next(s for s in report.steps if s.kind == "dial")
    assert dial.data["target"] == line_fallback(app)


def test_model_missing_connects_a_person_at_once(live):
    twilio = FakeTwilio(live, AUTH_TOKEN, fast=True, simulated_text=False)
    report = twilio.call([Utter(text="what are your hours")], STRANGER, DEMO_LINE)
    assert report.decisions()[0]["reason"] == "model_missing"
    assert "caller" not in kinds(report)  # no stream was opened: straight to a person


def test_socket_dropped_mid_utterance_connects_a_person(live):
    said = "where is my order and also i need to change the delivery address"
    # starts talking at 0.5 s; 13 words take 3.25 s; the socket dies 1 s in
    report = place(live, Utter(text=said, at_ms=500, drop_at_ms=1500))
    assert report.decisions()[0]["reason"] == "stream_dropped"
    assert "dial" in kinds(report)


def test_a_stream_token_for_another_call_is_refused_and_the_caller_still_reaches_a_person(
    app, live, monkeypatch
):
    tokens = app.extensions["voice"].tokens
    real_issue = tokens.issue
    monkeypatch.setattr(
        tokens, "issue", lambda sid, stage, speech: real_issue("CAother", stage, speech)
    )
    report = place(live, Utter(text="what are your hours"))
    assert report.decisions()[0]["reason"] == "stream_dropped"
    assert "dial" in kinds(report)


def test_a_repeat_caller_goes_to_a_person_who_hears_how_the_earlier_call_ended(live):
    place(live, Utter(text="what time do you close today"), Utter(text="no thanks"), caller=MARIA)
    report = place(live, Utter(text="what time do you close today"), caller=MARIA)
    assert report.decisions()[0]["reason"] == "repeat_caller"
    whisper = next(s.text for s in report.steps if s.kind == "whisper")
    assert "has already called in the last day" in whisper
    assert "They called 0 minutes ago about store hours, answered by the assistant." in whisper


def test_a_stream_that_stalls_mid_call_still_connects_a_person_with_the_words_heard(make_app, db):
    app = make_app(stream_idle_timeout_s=1.0)
    with serve(app) as base:
        # starts talking at 0.2 s, and the audio stops 0.6 s in: two of four words heard
        report = place(base, Utter(text="what are your hours", at_ms=200, stall_at_ms=600))
    assert report.decisions()[0]["reason"] == "stream_stalled"
    assert "dial" in kinds(report)
    with db.session() as s:
        call = s.scalars(sa.select(Call)).one()
        assert call.fallback and call.ended_at is not None
        heard = s.scalars(sa.select(Turn.transcript)).one()
    assert heard.startswith("what") and "hours" not in heard  # the words before the stall
