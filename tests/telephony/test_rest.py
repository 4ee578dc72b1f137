"""Twilio's REST API never holds us longer than TWILIO_REST_TIMEOUT_S, and its answers are read."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from voice.routing.ports import CallControlError, CallState
from voice.telephony.rest import PublicBase, make_call_control
from voice.telephony.survey import make_survey_sender

ACCOUNT = "AC" + "0" * 32
CALL = "CA" + "1" * 32


@pytest.fixture
def blackhole():
    """Return the base URL of a host that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


@pytest.fixture
def twilio_api():
    """Return (base URL, replies): a local stand-in for api.twilio.com answering from `replies`."""
    replies = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's name
            code, body = replies.get(self.path.split("?")[0], (404, {"status": 404}))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", replies
    server.shutdown()
    server.server_close()


def control_at(base_url, timeout_s=5.0):
    control = make_call_control(
        "twilio", ACCOUNT, "token", PublicBase("https://voice.example.com"), timeout_s=timeout_s
    )
    control.client.api.base_url = base_url  # where api.twilio.com would be
    return control


def test_every_request_to_a_blackholed_twilio_gives_up_within_the_timeout(blackhole):
    control = control_at(blackhole, timeout_s=0.5)
    for request in (
        lambda: control.call_status(CALL),
        lambda: control.bridge_waiting(CALL, 7),
        lambda: control.call_agent("+15125550100", "+15555550000", 3),
    ):
        started = time.monotonic()
        with pytest.raises(CallControlError, match="timed out"):
            request()
        assert time.monotonic() - started < 1.5


def test_a_survey_to_a_blackholed_twilio_gives_up_within_the_timeout(blackhole):
    sender = make_survey_sender(
        "twilio", ACCOUNT, "token", PublicBase("https://voice.example.com"), timeout_s=0.5
    )
    sender.client.api.base_url = blackhole
    started = time.monotonic()
    with pytest.raises(CallControlError, match="timed out"):
        sender.sms("+15555550100", "+15555550000", "How did we do?")
    assert time.monotonic() - started < 1.5


def test_the_timeout_comes_from_settings(settings_for):
    settings = settings_for(TWILIO_REST_TIMEOUT_S="2.5")
    control = control_at("http://127.0.0.1:9", timeout_s=settings.rest_timeout_s)
    assert control.client.http_client.timeout == 2.5
    with pytest.raises(ValueError, match="TWILIO_REST_TIMEOUT_S"):
        control_at("http://127.0.0.1:9", timeout_s=0)


def test_a_calls_status_is_read_from_twilio(twilio_api):
    base, replies = twilio_api
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}.json"
    control = control_at(base)
    replies[path] = (200, {"sid": CALL, "account_sid": ACCOUNT, "status": "in-progress"})
    assert control.call_status(CALL) == CallState("in-progress", over=False)
    replies[path] = (200, {"sid": CALL, "account_sid": ACCOUNT, "status": "completed"})
    assert control.call_status(CALL) == CallState("completed", over=True)
    replies[path] = (500, {"status": 500, "message": "try later"})
    with pytest.raises(CallControlError, match="status of"):
        control.call_status(CALL)
    del replies[path]  # Twilio has no such call: it cannot be live
    assert control.call_status(CALL) is None
