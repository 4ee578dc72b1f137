"""Twilio-facing endpoints: signatures, the opening TwiML, and a person on every error path."""

import logging
import xml.etree.ElementTree as ET

import pytest

from conftest import AUTH_TOKEN, READY
from tests_support import FALLBACK_RE, incoming_params

ENDPOINTS = [
    "/twilio/voice",
    "/twilio/voice/next?stage=greeting",
    "/twilio/dial?transfer=1",
    "/twilio/whisper?transfer=1",
    "/twilio/status",
]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_unsigned_webhooks_get_403_and_a_log_line(client, path, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post(path, data=incoming_params())
    assert response.status_code == 403
    assert "rejected unsigned or mis-signed Twilio request" in caplog.text


@pytest.mark.parametrize("path", ENDPOINTS)
def test_webhooks_signed_for_other_params_get_403(client, path):
    from conftest import sign

    params = incoming_params()
    forged = sign(f"http://localhost{path}", {**params, "From": "+19999999999"})
    response = client.post(path, data=params, headers={"X-Twilio-Signature": forged})
    assert response.status_code == 403


def test_webhooks_signed_with_another_auth_token_get_403(client):
    from twilio.request_validator import RequestValidator

    params = incoming_params()
    other = RequestValidator("not-our-token").compute_signature(
        "http://localhost/twilio/voice", params
    )
    response = client.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": other})
    assert response.status_code == 403


def test_signatures_are_checked_against_public_base_url_behind_a_proxy(make_app):
    from conftest import sign

    app = make_app(public_base_url="https://voice.example.com")
    client, params = app.test_client(), incoming_params()
    public = sign("https://voice.example.com/twilio/voice", params)
    assert (
        client.post(
            "/twilio/voice", data=params, headers={"X-Twilio-Signature": public}
        ).status_code
        == 200
    )
    local = sign("http://localhost/twilio/voice", params)
    assert (
        client.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": local}).status_code
        == 403
    )


def test_media_stream_handshake_without_signature_is_refused(client):
    response = client.get(
        "/twilio/stream", headers={"Upgrade": "websocket", "Connection": "Upgrade"}
    )
    assert response.status_code == 403


def test_incoming_call_opens_a_stream_at_once_with_no_menu(twilio_post):
    root = ET.fromstring(twilio_post("/twilio/voice", incoming_params(simulated=True)).data)
    assert root.find("Gather") is None  # right 1: no "press 1 for…"
    stream = root.find("Connect/Stream")
    assert stream is not None and stream.find("Parameter").get("name") == "token"


def test_greeting_is_honest_when_spoken_with_say(app, twilio_post, monkeypatch):
    monkeypatch.setattr(app.extensions["voice"].prompts, "greeting", lambda _cf: None)
    root = ET.fromstring(twilio_post("/twilio/voice", incoming_params(simulated=True)).data)
    greeting = root.find("Say").text.lower()
    assert "automated" in greeting or "assistant" in greeting  # right 2
    assert "agent" in greeting or "person" in greeting
    assert "press" not in greeting  # right 1
    assert [c.tag for c in root] == ["Say", "Connect"]


def test_without_a_speech_model_every_call_goes_to_a_person_at_once(twilio_post):
    response = twilio_post("/twilio/voice", incoming_params())
    root = ET.fromstring(response.data)
    assert root.find("Connect") is None
    assert root.find("Dial") is not None
    assert '"reason": "model_missing"' in response.headers["X-Voice-Decision"]


def test_continuation_without_a_decision_connects_a_person(twilio_post):
    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    root = ET.fromstring(twilio_post("/twilio/voice/next?stage=greeting", params).data)
    assert FALLBACK_RE.match(root.find("Dial/Number").text)


def test_database_unreachable_still_dials_the_fallback_number(app, twilio_post):
    from voice.store.db import Database

    app.extensions["voice"].service.ledger.db = Database("postgresql+psycopg://x@127.0.0.1:1/none")
    for path in ("/twilio/voice", "/twilio/voice/next?stage=greeting"):
        root = ET.fromstring(twilio_post(path, incoming_params()).data)
        assert root.find("Dial") is not None, path


def test_status_callback_closes_an_unanswered_call_as_abandoned(twilio_post, db):
    import sqlalchemy as sa

    from voice.store.models import Call

    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    done = {**params, "CallStatus": "completed", "CallDuration": "4"}
    assert twilio_post("/twilio/status", done).status_code == 204
    with db.session() as s:
        call = s.scalars(sa.select(Call)).one()
    assert (call.status, call.duration_s, call.outcome) == ("completed", 4, "abandoned")
    assert call.ended_at is not None


def test_readiness_says_what_is_missing(client):
    ready = client.get("/health/ready", headers=READY)
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["database"] == "ok"
    assert "acme-outfitters" in body["callflows"]
    assert body["status"] == "degraded"
    assert any("no speech model for en-US" in p for p in body["problems"])


def test_the_stream_handshake_is_signed_for_the_public_wss_url(make_app):
    from conftest import sign

    app = make_app(public_base_url="https://voice.example.com")
    headers = {"Upgrade": "websocket", "Connection": "Upgrade"}
    wrong = sign("https://voice.example.com/twilio/stream", {})
    with app.test_request_context("/twilio/stream", headers=headers):
        from flask import request

        from voice.telephony.signature import is_signed, public_url

        assert public_url(request, "https://voice.example.com") == (
            "wss://voice.example.com/twilio/stream"
        )
    for signature, ok in (
        (sign("wss://voice.example.com/twilio/stream", {}), True),
        (wrong, False),
    ):
        with app.test_request_context(
            "/twilio/stream", headers={**headers, "X-Twilio-Signature": signature}
        ):
            from flask import request

            assert is_signed(request, AUTH_TOKEN, "https://voice.example.com") is ok


@pytest.mark.parametrize(
    ("path", "odd"),
    [
        ("/twilio/voice", {"CallSid": ""}),
        ("/twilio/voice", {"CallSid": "CA1\x00"}),
        ("/twilio/voice", {"From": "sip:" + "x" * 5000}),
        ("/twilio/voice/next?stage=greeting", {"CallSid": "' OR 1=1 --"}),
        ("/twilio/dial?transfer=abc", {}),
        ("/twilio/dial?transfer=99999999999999999999", {}),
        ("/twilio/dial?transfer=1", {"DialCallDuration": "-5"}),
        ("/twilio/dial?transfer=1", {"DialCallStatus": "ringing\x00"}),
    ],
)
def test_odd_input_on_a_live_call_route_still_dials_a_person(twilio_post, path, odd):
    response = twilio_post(path, {**incoming_params(), **odd})
    assert response.status_code == 200
    assert FALLBACK_RE.match(ET.fromstring(response.data).find("Dial/Number").text)


def test_a_caller_on_a_long_sip_uri_is_greeted_and_recorded(twilio_post, db):
    import sqlalchemy as sa

    from voice.store.models import Call

    caller = "sip:" + "someone.with.a.long.name" * 8 + "@example.com;transport=tls"
    assert 200 < len(caller) <= 256
    root = ET.fromstring(twilio_post("/twilio/voice", incoming_params(caller, True)).data)
    assert root.find("Connect/Stream") is not None
    with db.session() as s:
        assert s.scalars(sa.select(Call.from_number)).one() == caller


@pytest.mark.parametrize(
    ("path", "odd", "code"),
    [
        ("/twilio/status", {"CallSid": "CA" + "f" * 32, "CallStatus": "completed"}, 204),
        ("/twilio/status", {"CallStatus": "exploded"}, 400),
        ("/twilio/status", {"CallStatus": "completed", "CallDuration": "9" * 40}, 400),
        ("/twilio/status", {"CallSid": "CA\x00" + "f" * 31, "CallStatus": "completed"}, 400),
        ("/twilio/callback/status?callback=999999", {"CallStatus": "completed"}, 204),
        ("/twilio/callback/status", {"CallStatus": "completed"}, 400),
        ("/twilio/callback/status?callback=-1", {"CallStatus": "completed"}, 400),
        ("/twilio/voicemail?event=transcript", {"TranscriptionText": "hi"}, 204),
        ("/twilio/voicemail?event=recording", {"RecordingUrl": "javascript:alert(1)"}, 400),
        ("/twilio/voicemail?event=surprise", {}, 400),
        ("/twilio/survey/sms", {"From": "", "Body": "5"}, 400),
        ("/twilio/survey/sms", {"From": "+15555550100", "Body": "5\x00" * 3000}, 200),
    ],
)
def test_callbacks_with_unknown_sids_or_odd_values_answer_without_a_5xx(
    twilio_post, path, odd, code
):
    assert twilio_post(path, {**incoming_params(), **odd}).status_code == code


def test_a_late_status_for_a_known_call_with_an_odd_duration_changes_nothing(twilio_post, db):
    import sqlalchemy as sa

    from voice.store.models import Call

    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    bad = {**params, "CallStatus": "completed", "CallDuration": "-4"}
    assert twilio_post("/twilio/status", bad).status_code == 400
    with db.session() as s:
        assert s.scalars(sa.select(Call.ended_at)).one() is None


def test_characters_xml_forbids_never_reach_twilio(app):
    from voice.telephony.webhooks import xml_response

    with app.test_request_context():
        body = xml_response("<Response><Say>a\x00b\x1bc\td</Say></Response>").data
    assert ET.fromstring(body).find("Say").text == "abc\td"


def _transactions(app):
    """Count the commits and savepoints the app's engine sees, from now on."""
    import sqlalchemy as sa

    engine = app.extensions["voice"].service.ledger.db.engine
    seen = {"commit": 0, "savepoint": 0}

    def on(kind):
        return lambda *_args: seen.__setitem__(kind, seen[kind] + 1)

    sa.event.listen(engine, "commit", on("commit"))
    sa.event.listen(engine, "savepoint", on("savepoint"))
    return seen


def _timeline(db, sid):
    import sqlalchemy as sa

    from voice.store.models import Call, CallEvent

    with db.session() as s:
        call = s.scalars(sa.select(Call).where(Call.sid == sid)).one()
        rows = s.scalars(sa.select(CallEvent).where(CallEvent.call_id == call.id))
        return [(e.kind, e.detail) for e in rows.all()]


def test_an_incoming_call_is_one_transaction_that_also_stores_the_twiml_sent(app, twilio_post, db):
    params = incoming_params(simulated=True)
    seen = _transactions(app)
    response = twilio_post("/twilio/voice", params)
    assert seen == {"commit": 1, "savepoint": 0}
    events = _timeline(db, params["CallSid"])
    assert [kind for kind, _ in events] == ["incoming", "twiml"]
    assert events[1][1] == {"path": "/twilio/voice", "xml": response.data.decode()}


def _decided_in_stream(app, sid):
    from voice.calls.records import find_call

    service = app.extensions["voice"].service
    with service.session() as s:  # as the stream would have decided: a person at once
        call = find_call(s, sid)
        service._fault(s, call, service.lines.by_name(call.callflow), "test_decided")


def test_the_continuation_serves_the_stored_plan_in_one_transaction(app, twilio_post, db):
    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    _decided_in_stream(app, params["CallSid"])
    seen = _transactions(app)
    response = twilio_post("/twilio/voice/next?stage=greeting", params)
    assert seen == {"commit": 1, "savepoint": 0}
    assert ET.fromstring(response.data).find("Dial") is not None
    twiml = [detail for kind, detail in _timeline(db, params["CallSid"]) if kind == "twiml"]
    assert twiml[-1] == {"path": "/twilio/voice/next", "xml": response.data.decode()}


def test_twiml_whose_transactions_failed_is_logged_on_its_own(app, twilio_post, db, monkeypatch):
    from voice.calls.service import CallService

    params = incoming_params(simulated=True)
    twilio_post("/twilio/voice", params)
    _decided_in_stream(app, params["CallSid"])
    original, failures = CallService.session, []

    def two_commits_fail(self):  # the plan's and the fallback's, each after adding its TwiML
        manager = original(self)

        class Failing:
            def __enter__(self):
                return manager.__enter__()

            def __exit__(self, *exc):
                if exc[0] is None and len(failures) < 2:
                    failures.append(RuntimeError("commit lost"))
                    manager.__exit__(RuntimeError, failures[-1], None)  # rolled back
                    raise failures[-1]
                return manager.__exit__(*exc)

        return Failing()

    monkeypatch.setattr(CallService, "session", two_commits_fail)
    response = twilio_post("/twilio/voice/next?stage=greeting", params)
    assert len(failures) == 2
    assert ET.fromstring(response.data).find("Dial") is not None  # still a person
    twiml = [detail for kind, detail in _timeline(db, params["CallSid"]) if kind == "twiml"]
    assert [t["path"] for t in twiml] == ["/twilio/voice", "/twilio/voice/next"]
    assert twiml[-1]["xml"] == response.data.decode()  # what was sent, stored once
