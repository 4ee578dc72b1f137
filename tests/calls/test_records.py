"""Every call leaves a complete record whatever fails: rows first, faults kept, statuses ordered."""

import xml.etree.ElementTree as ET

import sqlalchemy as sa

from voice.store.models import Call, CallEvent, Decision, Turn

from tests_support import incoming_params

UNREACHABLE = "postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=1"


def the_call(db, sid):
    with db.session() as s:
        call = s.scalars(sa.select(Call).where(Call.sid == sid)).one()
        events = [
            e.kind for e in s.scalars(sa.select(CallEvent).where(CallEvent.call_id == call.id))
        ]
        reasons = list(s.scalars(sa.select(Decision.reason).where(Decision.call_id == call.id)))
        return call, events, reasons


def dials(response):
    root = ET.fromstring(response.data)
    return root.find("Dial") is not None


def test_an_exception_in_routing_still_records_the_call_and_dials_a_person(
    app, twilio_post, db, monkeypatch
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("routing blew up")

    monkeypatch.setattr(app.extensions["voice"].service, "_first_plan", broken)
    params = incoming_params()
    assert dials(twilio_post("/twilio/voice", params))
    call, events, reasons = the_call(db, params["CallSid"])
    assert call.fallback and call.stage == "transferring"
    assert events == ["incoming", "fault", "decision", "twiml"]
    assert reasons == ["incoming_failed"]


def test_a_call_to_a_number_no_line_answers_is_recorded_and_dialled_to_the_fallback(
    make_app, db, tmp_path
):
    app = make_app(callflows_dir=tmp_path / "no-lines")
    client = app.test_client()
    from conftest import sign

    params = incoming_params()
    url = "http://localhost/twilio/voice"
    response = client.post("/twilio/voice", data=params,
                           headers={"X-Twilio-Signature": sign(url, params)})  # fmt: skip
    assert dials(response)
    call, events, _reasons = the_call(db, params["CallSid"])
    assert call.callflow == "" and call.fallback
    assert events[:2] == ["incoming", "fault"]


def test_a_long_sip_caller_address_is_recorded(twilio_post, db):
    sip = "sip:" + "someone.with.a.long.name" * 3 + "@pbx.example.com;transport=tls"
    assert len(sip) > 64
    params = incoming_params(caller=sip, simulated=True)
    twilio_post("/twilio/voice", params)
    call, _events, _reasons = the_call(db, params["CallSid"])
    assert call.from_number == sip


def test_a_late_progress_report_never_reopens_a_completed_call(twilio_post, db):
    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    done = {**params, "CallStatus": "completed", "CallDuration": "7"}
    twilio_post("/twilio/status", done)
    twilio_post("/twilio/status", {**params, "CallStatus": "ringing"})
    twilio_post("/twilio/status", {**params, "CallStatus": "completed", "CallDuration": "9"})
    call, events, _reasons = the_call(db, params["CallSid"])
    assert (call.status, call.duration_s) == ("completed", 7)
    assert events.count("status") == 1


def test_a_progress_report_before_the_end_does_not_close_the_call(twilio_post, db):
    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    twilio_post("/twilio/status", {**params, "CallStatus": "in-progress"})
    call, _events, _reasons = the_call(db, params["CallSid"])
    assert call.status == "in-progress" and call.ended_at is None


def test_calls_during_a_database_outage_are_recorded_and_closed_when_it_returns(
    app, twilio_post, db
):
    from voice.store.db import Database

    service = app.extensions["voice"].service
    real = service.ledger.db
    service.ledger.db = Database(UNREACHABLE)
    params = incoming_params(caller="+15555550142")
    assert dials(twilio_post("/twilio/voice", params))  # the caller reaches a person
    done = {**params, "CallStatus": "completed", "CallDuration": "31"}
    assert twilio_post("/twilio/status", done).status_code == 204
    assert service.journal.pending() >= 3  # the call, its fault and its final status

    service.ledger.db = real
    assert service.replay_journal() == 0  # the breaker is still open: no hammering
    service.breaker.reset()
    assert service.replay_journal() >= 3
    call, events, reasons = the_call(db, params["CallSid"])
    assert (call.from_number, call.status, call.duration_s) == ("+15555550142", "completed", 31)
    assert call.ended_at is not None and call.fallback
    assert "fault" in events and reasons == ["incoming_failed"]
    assert service.journal.pending() == 0
    assert service.replay_journal() == 0  # replaying again changes nothing


def test_the_breaker_stops_trying_a_database_that_just_failed(app, twilio_post):
    import sqlalchemy as sa

    from voice.store.db import Database

    service = app.extensions["voice"].service
    service.ledger.db = Database(UNREACHABLE)
    attempts = []
    sa.event.listen(service.ledger.db.engine, "do_connect", lambda *_args: attempts.append(1))
    assert dials(twilio_post("/twilio/voice", incoming_params()))
    assert attempts and service.breaker.is_open  # one try, then the breaker opens
    tried = len(attempts)
    assert dials(twilio_post("/twilio/voice", incoming_params()))
    assert len(attempts) == tried  # a blackholed database would cost each try its timeout


def test_the_callers_words_are_kept_when_deciding_fails(app, db, monkeypatch):
    from voice.calls.events import SimulatedSpeech
    from voice.calls.live import run_turn

    from tests_support import incoming_params as params_for

    rt = app.extensions["voice"]
    params = params_for(simulated=True)
    rt.service.start(params["CallSid"], params["From"], params["To"], "text")

    def broken(*_args):
        raise RuntimeError("decide blew up")

    monkeypatch.setattr("voice.calls.live.decide", broken)

    class Says:
        def __init__(self):
            self.sent = False

        def receive(self, timeout):
            if not self.sent:
                self.sent = True
                return SimulatedSpeech("where is my order")
            from voice.calls.events import Audio

            self.at = getattr(self, "at", 0) + 20
            return Audio(b"\x00" * 320, self.at)

        def play(self, ulaw, mark):
            pass

        def clear(self):
            pass

    run_turn(Says(), rt.turn, params["CallSid"], "greeting", "text")
    with db.session() as s:
        turn = s.scalars(sa.select(Turn)).one()
    assert turn.transcript == "where is my order"
    call, events, reasons = the_call(db, params["CallSid"])
    assert reasons == ["internal_error"] and call.fallback


def test_a_webhook_past_its_store_budget_answers_without_the_store_and_loses_nothing(make_app, db):
    from conftest import sign

    app = make_app(webhook_store_budget_s=0.0)  # as if a slow database had spent it all
    service = app.extensions["voice"].service
    params = incoming_params()
    headers = {"X-Twilio-Signature": sign("http://localhost/twilio/voice", params)}
    response = app.test_client().post("/twilio/voice", data=params, headers=headers)
    assert dials(response)
    assert not service.breaker.is_open  # one slow webhook doesn't fail the others fast
    assert service.replay_journal() >= 2  # outside any webhook: no budget applies
    call, events, reasons = the_call(db, params["CallSid"])
    assert call.fallback and reasons == ["incoming_failed"]


def test_a_status_that_arrives_before_the_journal_is_replayed_still_closes_the_call(
    app, twilio_post, db
):
    from voice.store.db import Database

    service = app.extensions["voice"].service
    real = service.ledger.db
    service.ledger.db = Database(UNREACHABLE)
    params = incoming_params(caller="+15555550143")
    assert dials(twilio_post("/twilio/voice", params))
    service.ledger.db = real
    service.breaker.reset()  # the database is back, the journal not yet replayed
    done = {**params, "CallStatus": "completed", "CallDuration": "12"}
    assert twilio_post("/twilio/status", done).status_code == 204
    service.replay_journal()
    call, _events, reasons = the_call(db, params["CallSid"])
    assert (call.from_number, call.status, call.duration_s) == ("+15555550143", "completed", 12)
    assert reasons == ["incoming_failed"]
