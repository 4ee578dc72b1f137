"""The floor's Twilio webhooks: the honest wait loop, callbacks, after hours, voicemail, right 6."""

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from floor_support import add_agents, ask, set_open

from voice.store.models import QueueEntry

from tests_support import FALLBACK_RE, incoming_params


@pytest.fixture
def rt(app, monkeypatch):
    set_open(monkeypatch)
    return app.extensions["voice"]


def xml(response):
    assert response.status_code == 200, response.data
    return ET.fromstring(response.data)


def form(sid, **extra):
    return {**incoming_params(sid=sid), **extra}


def path_of(url):
    """Return the path and query of a callback URL (the test client is the host)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def queued(rt, caller="+15555550188", text="agent please"):
    """Return (sid, entry id) of a caller put in line behind a busy agent."""
    sid, plan = ask(rt, text, caller=caller)
    return sid, plan.steps[-1].entry_id


@pytest.fixture
def busy(rt):
    """One agent, already on a call."""
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please", caller="+15555550100")
    return agent_id


def test_the_queue_announcement_speaks_a_position_and_offers_a_callback(rt, busy, twilio_post):
    queued(rt, caller="+15555550181")
    sid, entry = queued(rt, caller="+15555550182")
    root = xml(twilio_post(f"/twilio/queue/wait?entry={entry}", form(sid)))
    said = root.find("Gather/Say").text
    assert "number 2 in line" in said
    assert "a few minutes" in said  # no answered callers yet: no made-up number
    assert "call me back" in said and "press 1" in said
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    assert root.find("Redirect").text.endswith(f"/twilio/queue/wait?entry={entry}")


def test_the_wait_estimate_comes_from_recent_real_answer_times(rt, busy, twilio_post, db):
    import datetime as dt

    from voice.store.models import Call, utcnow

    sid, entry = queued(rt)
    with db.session() as s:
        call_id = s.scalars(sa.select(Call.id)).first()
        for minutes in (2, 3, 3, 4, 9):
            now = utcnow()
            started = now - dt.timedelta(minutes=minutes)
            s.add(
                QueueEntry(
                    call_id=call_id,
                    callflow="acme-outfitters",
                    team="general",
                    language="en-US",
                    reason="x",
                    status="bridged",
                    tried_agents={},
                    enqueued_at=started,
                    bridged_at=now,
                )
            )
    said = xml(twilio_post(f"/twilio/queue/wait?entry={entry}", form(sid))).find("Gather/Say").text
    assert "callers have waited about 3 minutes" in said


def test_saying_call_me_back_stores_a_callback_with_words_and_reason(rt, busy, twilio_post):
    sid, entry = queued(rt, text="a person about my jacket order please", caller="+15555550189")
    root = xml(
        twilio_post(
            f"/twilio/queue/choice?entry={entry}", form(sid, SpeechResult="Call me back please.")
        )
    )
    assert root.find("Leave") is not None
    done = xml(twilio_post(f"/twilio/queue/done?entry={entry}", form(sid, QueueResult="leave")))
    assert "call you back" in done.find("Say").text and done.find("Hangup") is not None
    (callback,) = [c for c in rt.floor.callbacks() if c["number"] == "+15555550189"]
    assert callback["words"] == "a person about my jacket order please"
    assert (
        callback["reason"] and callback["status"] == "requested" and callback["kind"] == "callback"
    )
    with rt.db.session() as s:
        assert s.get(QueueEntry, entry).status == "callback"


def test_pressing_1_in_line_asks_for_a_callback_and_other_keys_keep_the_place(
    rt, busy, twilio_post
):
    sid, entry = queued(rt)
    root = xml(twilio_post(f"/twilio/queue/choice?entry={entry}", form(sid, Digits="5")))
    assert root.find("Leave") is None and root.find("Redirect") is not None
    root = xml(twilio_post(f"/twilio/queue/choice?entry={entry}", form(sid, Digits="1")))
    assert root.find("Leave") is not None
    assert len(rt.floor.callbacks("requested")) == 1


def test_a_dequeued_caller_is_dialled_to_their_agent_with_the_whisper(rt, busy, twilio_post, db):
    from voice.store.demo import seed_customers
    from voice.store.models import Agent

    seed_customers(db)
    rt.floor.set_agent(busy, teams=["general", "care"])
    sid, entry = queued(rt, caller="+15555550101", text="i want to make a complaint")
    with db.session() as s:
        s.get(Agent, busy).presence = "wrap_up"
    rt.floor.set_presence(busy, "available")
    (redirect,) = rt.control.take(sid)
    path = path_of(redirect.url)
    root = xml(twilio_post(path, form(sid)))
    number = root.find("Dial/Number")
    assert number.text == rt.floor.agent(busy)["address"]
    whisper_path = path_of(number.get("url"))
    said = xml(twilio_post(whisper_path, form("CAagentleg"))).find("Say").text
    assert said.startswith("James Carter needs help with complaint")
    assert "sounded upset" in said and "Waited" in said
    assert rt.floor.current(busy)["state"] == "bridged"


def test_no_answer_goes_to_the_next_agent_never_back_to_the_first(rt, twilio_post):
    first, second = add_agents(rt.floor, 2)
    sid, plan = ask(rt, "agent please")
    dial = plan.steps[-1]
    assert dial.target == rt.floor.agent(first)["address"]
    root = xml(
        twilio_post(
            f"/twilio/dial?transfer={dial.transfer_id}", form(sid, DialCallStatus="no-answer")
        )
    )
    assert root.find("Dial/Number").text == rt.floor.agent(second)["address"]
    assert rt.floor.agent(first)["presence"] == "offline"  # missed: not rung again
    rt.floor.set_presence(first, "available")  # back, but this caller already tried them
    again = path_of(root.find("Dial").get("action"))
    root = xml(twilio_post(again, form(sid, DialCallStatus="busy")))
    assert FALLBACK_RE.match(root.find("Dial/Number").text)  # nobody untried and present: the line
    assert root.find("Dial/Number").text not in (rt.floor.agent(first)["address"],)


def test_a_bridged_call_puts_the_agent_in_wrap_up(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    sid, plan = ask(rt, "agent please")
    dial = plan.steps[-1]
    twilio_post(
        f"/twilio/dial?transfer={dial.transfer_id}",
        form(sid, DialCallStatus="completed", DialCallDuration="40"),
    )
    now = rt.floor.current(agent_id)
    assert now["state"] == "wrap_up" and now["call"]["call_sid"] == sid


def test_hanging_up_in_line_marks_the_caller_abandoned(rt, busy, twilio_post):
    sid, entry = queued(rt)
    twilio_post("/twilio/status", form(sid, CallStatus="completed", CallDuration="30"))
    with rt.db.session() as s:
        assert s.get(QueueEntry, entry).status == "abandoned"


def test_out_of_hours_a_person_request_hears_the_hours_and_a_callback_or_voicemail(
    rt, monkeypatch, twilio_post
):
    add_agents(rt.floor, 1)
    set_open(monkeypatch, False)
    _sid, plan = ask(rt, "agent please")
    from voice.telephony.twiml import Urls, render

    root = ET.fromstring(render(plan, Urls("https://x", lambda *_: "t")))
    offer = root.find("Gather/Say").text
    assert "open" in offer and "8 AM" in offer
    assert "call me back" in offer and "press 1" in offer and "message" in offer
    assert root.find("Record").get("transcribe") == "true"  # staying on the line: voicemail


def test_out_of_hours_callback_is_stored_and_confirmed(rt, monkeypatch, twilio_post):
    add_agents(rt.floor, 1)
    set_open(monkeypatch, False)
    sid, _ = ask(rt, "agent please")
    root = xml(twilio_post("/twilio/closed/choice", form(sid, Digits="1")))
    assert "call you back" in root.find("Say").text and root.find("Hangup") is not None
    assert [c["kind"] for c in rt.floor.callbacks()] == ["callback"]


def test_a_voicemail_is_stored_with_its_recording_and_redacted_transcript(
    rt, monkeypatch, twilio_post
):
    add_agents(rt.floor, 1)
    set_open(monkeypatch, False)
    sid, _ = ask(rt, "agent please")
    root = xml(twilio_post("/twilio/closed/choice", form(sid, Digits="2")))
    assert root.find("Record") is not None
    url = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1"
    root = xml(twilio_post("/twilio/voicemail?event=done", form(sid, RecordingUrl=url)))
    assert root.find("Hangup") is not None
    said = "my card 4111 1111 1111 1111 was charged twice"
    transcript = form(sid, TranscriptionText=said, TranscriptionStatus="completed")
    response = twilio_post("/twilio/voicemail?event=transcript", transcript)
    assert response.status_code == 204
    (vm,) = rt.floor.callbacks()
    assert vm["kind"] == "voicemail" and vm["recording_url"] == url
    assert "charged twice" in vm["words"] and "4111" not in vm["words"]


def test_starting_a_callback_rings_the_agent_first_then_dials_the_customer(rt, busy, twilio_post):
    sid, entry = queued(rt, caller="+15555550189")
    twilio_post(f"/twilio/queue/choice?entry={entry}", form(sid, Digits="1"))
    (callback,) = rt.floor.callbacks()
    (other,) = add_agents(rt.floor, 1, prefix="caller")
    started = rt.floor.start_callback(callback["id"], other)
    assert started["status"] == "dialing"
    (create,) = rt.control.take(kind="create")
    assert create.to == rt.floor.agent(other)["address"] and create.from_ == "+15005550100"
    path = path_of(create.url)
    root = xml(twilio_post(path, form(create.call_sid)))
    assert "Calling back" in root.find("Say").text
    assert root.find("Dial/Number").text == "+15555550189"
    assert root.find("Dial").get("callerId") == "+15005550100"
    dialed = path_of(root.find("Dial").get("action"))
    twilio_post(dialed, form(create.call_sid, DialCallStatus="completed"))
    assert rt.floor.callbacks()[0]["status"] == "completed"
    assert rt.floor.agent(other)["presence"] == "wrap_up"


def test_a_callback_cannot_be_started_twice(rt, busy, twilio_post):
    from voice.routing.agents import FloorError

    sid, entry = queued(rt)
    twilio_post(f"/twilio/queue/choice?entry={entry}", form(sid, Digits="1"))
    (callback,) = rt.floor.callbacks()
    one, two = add_agents(rt.floor, 2, prefix="cb")
    rt.floor.start_callback(callback["id"], one)
    with pytest.raises(FloorError, match="already"):
        rt.floor.start_callback(callback["id"], two)


def test_the_simulators_rest_endpoint_exists_only_with_the_fake(make_app):
    from conftest import sign

    client = make_app(twilio_rest="twilio", twilio_account_sid="AC" + "1" * 32).test_client()
    params = {"CallSid": "CA1"}
    headers = {"X-Twilio-Signature": sign("http://localhost/twilio/sim/rest", params)}
    assert client.post("/twilio/sim/rest", data=params, headers=headers).status_code == 404


# Right 6: a fault on any new endpoint still ends with the caller dialled to a person.


def _boom(*_args, **_kwargs):
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("left", "/twilio/queue/done?entry={entry}", {"QueueResult": "leave"}),
        ("connect", "/twilio/queue/connect?entry={entry}", {}),
        ("closed_choice", "/twilio/closed/choice", {"Digits": "1"}),
        ("voicemail", "/twilio/voicemail?event=done", {"RecordingUrl": "https://r"}),
    ],
)
def test_a_fault_on_a_floor_endpoint_still_dials_a_person(
    rt, busy, twilio_post, monkeypatch, method, path, extra
):
    sid, entry = queued(rt)
    monkeypatch.setattr(rt.service.waiting, method, _boom)
    root = xml(twilio_post(path.format(entry=entry), form(sid, **extra)))
    assert FALLBACK_RE.match(root.find("Dial/Number").text)


@pytest.mark.parametrize("method", ["wait", "choice"])
def test_a_fault_in_the_wait_loop_leaves_the_line_and_the_queue_action_dials_a_person(
    rt, busy, twilio_post, monkeypatch, method
):
    sid, entry = queued(rt)
    monkeypatch.setattr(rt.service.waiting, method, _boom)
    root = xml(twilio_post(f"/twilio/queue/{method}?entry={entry}", form(sid, Digits="1")))
    assert root.find("Leave") is not None  # no <Dial> is allowed inside a wait loop
    monkeypatch.undo()
    set_open(monkeypatch)
    root = xml(twilio_post(f"/twilio/queue/done?entry={entry}", form(sid, QueueResult="leave")))
    assert FALLBACK_RE.match(root.find("Dial/Number").text)


SIGNED_ONLY = (
    "/twilio/queue/wait?entry=1",
    "/twilio/closed/choice",
    "/twilio/callback/agent?callback=1",
)


@pytest.mark.parametrize("path", SIGNED_ONLY)
def test_the_queue_endpoints_answer_only_what_twilio_signed(client, twilio_post, path):
    assert client.post(path, data=incoming_params()).status_code == 403
    signed = twilio_post(path, incoming_params())  # the same request, signed: served as TwiML
    assert signed.status_code == 200 and ET.fromstring(signed.data).tag == "Response"
