"""`voice serve` runs gunicorn with threaded workers that carry Twilio's media WebSockets."""

import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from voice.sim.caller import Utter
from voice.sim.twilio import FakeTwilio

from conftest import AUTH_TOKEN, ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'voice.db'}",
        "CALLFLOWS_DIR": str(ROOT / "callflows"),
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SECRET_KEY": "serve-test",
    }
    env.pop("PUBLIC_BASE_URL", None)
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks the
    # server's logging, and with it the server's shutdown.
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice", "serve", "--port", str(port), "--demo"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute on a busy machine (demo seeding, worker boot)
            try:
                if requests.get(f"{base}/health", timeout=1).ok:
                    break
            except requests.RequestException:  # refused, or a worker still booting
                time.sleep(0.1)
        else:
            pytest.fail("voice serve did not come up:\n" + (tmp_path / "serve.log").read_text())
        yield base
    finally:
        proc.terminate()
        log.close()
        try:  # gunicorn gives in-flight requests up to graceful_timeout (30 s) to finish
            proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("voice serve did not stop:\n" + (tmp_path / "serve.log").read_text())


def test_voice_serve_migrates_seeds_and_handles_a_whole_call(served):
    twilio = FakeTwilio(served, AUTH_TOKEN, fast=True, simulated_text=True)
    report = twilio.call(
        [Utter(text="where is my order"), Utter(text="no thanks")], "+15555550100", "+15005550100"
    )
    first, last = report.decisions()
    assert first["intent"] == "order_status" and "A10432" in first["say"]
    assert last["action"] == "hangup"


def test_voice_serve_refuses_unsigned_webhooks(served):
    assert requests.post(f"{served}/twilio/voice", data={"CallSid": "CA1"}).status_code == 403
