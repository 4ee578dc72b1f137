"""The media stream has clocks and limits of its own: a quiet or flooding peer holds no thread."""

import json
import time
import xml.etree.ElementTree as ET

import pytest
import requests
import websocket
from twilio.request_validator import RequestValidator

from voice.sim.server import serve

from conftest import AUTH_TOKEN
from tests_support import incoming_params

SIGNER = RequestValidator(AUTH_TOKEN)


def post(base, path, params):
    url = base + path
    headers = {"X-Twilio-Signature": SIGNER.compute_signature(url, params)}
    return requests.post(url, data=params, headers=headers, timeout=15)


def open_stream(base, params, twiml=None):
    """Answer the call (unless answered), open its media stream, send Twilio's start message."""
    twiml = ET.fromstring(twiml or post(base, "/twilio/voice", params).text)
    stream = twiml.find("Connect/Stream")
    url = stream.get("url")
    custom = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    headers = {"X-Twilio-Signature": SIGNER.compute_signature(url, {})}
    ws = websocket.create_connection(url, header=headers, timeout=10)
    sid = params["CallSid"]
    ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
    start = {"streamSid": "MZ" + sid[2:], "callSid": sid, "customParameters": custom}
    ws.send(json.dumps({"event": "start", "streamSid": start["streamSid"], "start": start}))
    return ws


def closed_within(ws, seconds):
    """Return how long the service took to close the socket (draining what it plays)."""
    started = time.monotonic()
    ws.settimeout(seconds)
    try:
        while ws.recv():
            pass
    except websocket.WebSocketConnectionClosedException:
        pass
    return time.monotonic() - started


def decision_after(base, params):
    response = post(base, "/twilio/voice/next?stage=greeting", params)
    assert ET.fromstring(response.text).find("Dial") is not None
    return json.loads(response.headers["X-Voice-Decision"])


@pytest.fixture
def live(make_app):
    app = make_app(stream_idle_timeout_s=1.0, max_streams=1)
    with serve(app) as base:
        yield app, base


def test_a_stream_that_goes_quiet_is_hung_up_and_the_caller_dialled_to_a_person(live):
    app, base = live
    params = incoming_params(simulated=True)
    ws = open_stream(base, params)
    assert closed_within(ws, 10) < 5  # one second of quiet, not forever
    assert decision_after(base, params)["reason"] == "stream_stalled"
    assert app.extensions["voice"].streams.in_use == 0  # the thread and its slot are free


def test_past_the_stream_cap_a_new_call_is_dialled_to_a_person_not_refused(live):
    app, base = live
    first = incoming_params(simulated=True)
    ws = open_stream(base, first)  # holds the only slot
    time.sleep(0.2)
    second = incoming_params(simulated=True)
    response = post(base, "/twilio/voice", second)
    assert response.status_code == 200
    assert ET.fromstring(response.text).find("Dial") is not None
    assert json.loads(response.headers["X-Voice-Decision"])["reason"] == "busy"
    ws.close()


def test_a_stream_opened_past_the_cap_closes_at_once_toward_a_person(live):
    app, base = live
    first, second = incoming_params(simulated=True), incoming_params(simulated=True)
    twiml = post(base, "/twilio/voice", second)  # answered while a slot was still free
    assert ET.fromstring(twiml.text).find("Connect/Stream") is not None
    held = open_stream(base, first)
    time.sleep(0.2)
    late = open_stream(base, second, twiml.text)
    assert closed_within(late, 5) < 1
    assert decision_after(base, second)["reason"] == "busy"
    held.close()


def test_an_oversized_stream_message_closes_the_stream_toward_a_person(live):
    _app, base = live
    params = incoming_params(simulated=True)
    ws = open_stream(base, params)
    ws.send(json.dumps({"event": "media", "media": {"payload": "A" * 200_000}}))
    assert closed_within(ws, 10) < 0.9  # at once, not after a second of quiet
    assert decision_after(base, params)["reason"] == "stream_dropped"
