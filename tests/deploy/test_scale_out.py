"""Scale-out, proven: two instances behind haproxy, calls whose requests land on both.

Twilio signs every request for the public URL (the balancer's). Here the simulator sends some
of a call's requests straight to instance A or B, still signed for the balancer, and the rest
through the balancer's round-robin; any instance must answer any request of any call.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa

from voice.sim.caller import Utter
from voice.sim.twilio import CallReport, FakeTwilio
from voice.store.models import Agent, Call, Decision, Turn

from conftest import AUTH_TOKEN, ROOT
from tests_support import DEMO_LINE

DEPLOY = ROOT / "deploy"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Route:
    """Send each request to the instance named for its path; Twilio signed the public URL."""

    public: str
    targets: dict[str, str]  # path prefix -> base URL; the longest prefix wins
    sent: list[tuple[str, str]] = field(default_factory=list)  # (URL Twilio signed, sent to)

    def __call__(self, url: str) -> str:
        parts = urlsplit(url)
        prefixes = sorted(self.targets, key=len, reverse=True)
        base = next((self.targets[p] for p in prefixes if parts.path.startswith(p)), self.public)
        sent = urlunsplit(parts._replace(netloc=urlsplit(base).netloc))
        self.sent.append((url, sent))
        return sent


def place(cluster, words: list[str], caller: str, route: Route | None = None) -> CallReport:
    twilio = FakeTwilio(cluster.public, AUTH_TOKEN, fast=True, simulated_text=True, route=route)
    report = twilio.call([Utter(text=w) for w in words], caller, DEMO_LINE)
    errors = [s.text for s in report.steps if s.kind == "error"]
    assert not errors, f"{errors}\n{cluster.logs()}"
    return report


def record_of(cluster, sid: str) -> dict:
    """Return the call's rows: how many `calls` rows carry the sid, its turns and decisions."""
    with cluster.db.session() as s:
        calls = s.scalars(sa.select(Call).where(Call.sid == sid)).all()
        assert len(calls) == 1, f"{len(calls)} call rows for {sid}"
        call = calls[0]
        turns = s.scalars(sa.select(Turn).where(Turn.call_id == call.id).order_by(Turn.id)).all()
        decisions = s.scalars(
            sa.select(Decision).where(Decision.call_id == call.id).order_by(Decision.id)
        ).all()
        return {
            "call": {
                "id": call.id,
                "status": call.status,
                "outcome": call.outcome,
                "ended": call.ended_at is not None,
                "fallback": call.fallback,
            },
            "turns": [(t.stage, t.transcript) for t in turns],
            "decisions": [(d.turn_id, d.action, d.intent) for d in decisions],
            "turn_ids": [t.id for t in turns],
        }


def test_every_instance_signs_and_names_the_balancers_url_and_a_call_crosses_them(cluster):
    route = Route(
        cluster.public,
        {
            "/twilio/voice": cluster.a.url,  # the incoming call: instance A
            "/twilio/stream": cluster.b.url,  # both media streams: instance B
            "/twilio/voice/next": cluster.public,  # the action URLs: the balancer's pick
            "/twilio/status": cluster.b.url,
        },
    )
    report = place(cluster, ["where is my order", "no thanks"], "+15555550100", route)

    first, last = report.decisions()
    assert first["intent"] == "order_status" and "A10432" in first["say"]
    assert last["action"] == "hangup"
    # every URL in every TwiML, from either instance, is the balancer's (what Twilio signs)
    public = urlsplit(cluster.public).netloc
    assert {urlsplit(url).netloc for url, _ in route.sent} == {public}
    landed = {urlsplit(url).path: urlsplit(sent).netloc for url, sent in route.sent}
    a, b = urlsplit(cluster.a.url).netloc, urlsplit(cluster.b.url).netloc
    assert (landed["/twilio/voice"], landed["/twilio/stream"]) == (a, b)
    record = record_of(cluster, report.call_sid)
    closed = {"status": "completed", "outcome": "self_served", "ended": True, "fallback": False}
    assert record["call"] == {"id": record["call"]["id"], **closed}
    assert [stage for stage, _ in record["turns"]] == ["greeting", "followup"]
    assert record["turns"][0][1] == "where is my order"
    # one decision per turn, each once
    assert [(t, action) for t, action, _ in record["decisions"]] == [
        (record["turn_ids"][0], "answer"),
        (record["turn_ids"][1], "hangup"),
    ]


class EventStream:
    """An agent's console event stream (Server-Sent Events), read on a thread."""

    def __init__(self, session: requests.Session, url: str):
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        parts = urlsplit(url)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        # a connection of our own, so that closing it ends the reading thread at once
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Accept": "text/event-stream", "Cookie": cookie}
        self.conn.request("GET", parts.path, headers=headers)
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        name = ""
        with contextlib.suppress(OSError, ValueError, http.client.HTTPException):  # closed
            while line := self.response.readline().decode():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ").strip()
                elif line.startswith("data: "):
                    self.events.put((name, json.loads(line.removeprefix("data: "))))

    def wait_for(self, name: str, matches, seconds: float = 15) -> dict:
        """Return the first event called `name` whose data `matches`; fail after `seconds`."""
        seen = []
        try:
            while True:
                got, data = self.events.get(timeout=seconds)
                seen.append(got)
                if got == name and matches(data):
                    return data
        except queue.Empty:
            pytest.fail(f"no matching {name!r} event within {seconds} s; saw {seen}")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.sock.shutdown(socket.SHUT_RDWR)  # the reader sees the end and stops
        self.reader.join(timeout=5)
        self.conn.close()


def log_in(session: requests.Session, base: str, login: str, password: str) -> None:
    """Log in through the real form, with its CSRF token, as a browser would."""
    token = CSRF.search(session.get(f"{base}/login", timeout=5).text).group(1)
    data = {"login": login, "password": password, "next": "", "csrf_token": token}
    response = session.post(f"{base}/login", data=data, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text


def test_an_agent_on_instance_b_is_offered_a_call_that_instance_a_routed(cluster):
    browser = requests.Session()
    log_in(browser, cluster.a.url, *cluster.agent)
    stream = EventStream(browser, f"{cluster.b.url}/console/events")
    try:
        hello = stream.wait_for("hello", lambda data: True)
        assert "floor" in hello["channels"]
        # she goes available through the console form on A; B's stream carries it to her
        page = browser.get(f"{cluster.a.url}/console/", timeout=5).text
        token = CSRF.search(page).group(1)
        form = {"presence": "available", "csrf_token": token}
        assert browser.post(f"{cluster.a.url}/console/presence", data=form, timeout=5).ok
        stream.wait_for("presence", lambda data: data["presence"] == "available")

        route = Route(
            cluster.public,
            {
                "/twilio/voice": cluster.a.url,  # the incoming call and
                "/twilio/stream": cluster.a.url,  # the stream (it decides and routes): A
                "/twilio/voice/next": cluster.b.url,  # the action URL: B
                "/twilio/whisper": cluster.public,
                "/twilio/dial": cluster.b.url,
                "/twilio/status": cluster.public,
            },
        )
        report = place(cluster, ["i need a person"], "+15555550101", route)
        offer = stream.wait_for("offer", lambda data: data["screen"]["call_sid"] == report.call_sid)
        bridged = stream.wait_for("bridged", lambda data: data["call_id"] == offer["call_id"])
    finally:
        stream.close()

    assert offer["screen"]["transcript"][0]["text"] == "i need a person"
    assert offer["screen"]["customer"]["name"] == "James Carter"
    assert bridged["entry_id"] == offer["entry_id"]
    assert [s.data["target"] for s in report.steps if s.kind == "dial"] == ["ali"]
    assert [s.text for s in report.steps if s.kind == "dial_result"] == ["answered"]
    assert report.steps[[s.kind for s in report.steps].index("whisper")].text
    record = record_of(cluster, report.call_sid)
    assert record["call"]["id"] == offer["call_id"]
    assert (record["call"]["status"], record["call"]["outcome"]) == ("completed", "transferred")
    assert record["turns"] == [("greeting", "i need a person")]
    assert [(t, action) for t, action, _ in record["decisions"]] == [
        (record["turn_ids"][0], "transfer")
    ]
    with cluster.db.session() as s:  # no wrap-up for her: free again once the call ended
        ali = s.scalars(sa.select(Agent).where(Agent.address == "client:ali")).one()
        assert (ali.presence, ali.call_id) == ("available", None)


def test_calls_through_the_round_robin_use_both_instances_and_each_is_recorded_once(cluster):
    offsets = {i.name: i.offset() for i in (cluster.a, cluster.b)}
    callers = [f"+1555555{n:04d}" for n in range(300, 306)]
    with ThreadPoolExecutor(len(callers)) as pool:
        reports = list(pool.map(lambda c: place(cluster, ["what are your hours"], c), callers))

    for report in reports:
        (decision, *_) = report.decisions()
        assert decision["intent"] == "store_hours"
        record = record_of(cluster, report.call_sid)
        assert (record["call"]["status"], record["call"]["outcome"]) == ("completed", "self_served")
        assert record["decisions"][0][:2] == (record["turn_ids"][0], "answer")
        assert len(record["decisions"]) == len(record["turns"])
    webhooks = {
        i.name: [r for r in i.requests_since(offsets[i.name]) if r[2].startswith("/twilio/")]
        for i in (cluster.a, cluster.b)
    }
    posts = [r for served in webhooks.values() for r in served if r[1] == "POST"]
    voice_posts = [r for r in posts if r[2] == "/twilio/voice"]
    assert len(voice_posts) == len(callers)  # each incoming call reached exactly one instance
    assert all(webhooks.values()), {k: len(v) for k, v in webhooks.items()}


def test_the_instances_see_the_callers_address_not_the_balancers(cluster):
    """haproxy's PROXY line carries the client's address, so per-address limits count clients."""
    offsets = {i.name: i.offset() for i in (cluster.a, cluster.b)}
    public = urlsplit(cluster.public)
    for n in range(4):  # round-robin: two each
        conn = http.client.HTTPConnection(
            public.hostname, public.port, timeout=5, source_address=("127.0.0.7", 0)
        )
        conn.request("GET", "/health", headers={"User-Agent": f"scale-probe-{n}"})
        assert conn.getresponse().status == 200
        conn.close()
    deadline = time.monotonic() + 10
    while True:  # an access log line is written after its response: give the logs a moment
        probes = {
            i.name: [
                r for r in i.requests_since(offsets[i.name]) if r[3].startswith("scale-probe-")
            ]
            for i in (cluster.a, cluster.b)
        }
        if sum(map(len, probes.values())) == 4 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert sum(map(len, probes.values())) == 4 and all(probes.values()), probes
    assert {r[0] for p in probes.values() for r in p} == {"127.0.0.7"}


def test_compose_runs_the_tested_balancer_config_in_front_of_every_instance(monkeypatch):
    """compose.yaml wires deploy/haproxy.cfg as the test does: same variables, same trust."""
    import runpy

    import yaml

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    config = (DEPLOY / "haproxy.cfg").read_text()
    balancer = compose["balancer"]
    assert "./haproxy.cfg:/etc/voice/haproxy.cfg:ro" in balancer["volumes"]
    assert set(re.findall(r"\$\{(\w+)\}", config)) == set(balancer["environment"])
    servers = dict(re.findall(r'(?m)^\s*server (\S+) "\$\{(\w+)\}"', config))
    assert sorted(servers) == ["voice-a", "voice-b"]
    for name, variable in servers.items():
        assert balancer["environment"][variable] == f"{name}:5000"
        assert compose[name]["command"] == ["gunicorn", "-c", "gunicorn.conf.py"]
    address = balancer["networks"]["default"]["ipv4_address"]
    instances = [compose[name] for name in servers]
    for instance in instances:  # one env file: one PUBLIC_BASE_URL, token and key for all
        env = instance["environment"]
        assert instance["env_file"] == ["voice.env"]
        assert env["PROXY_PROTOCOL"] == "true"
        assert env["PROXY_ALLOW_IPS"] == env["FORWARDED_ALLOW_IPS"] == address
        assert instance["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert instances[0]["environment"] == instances[1]["environment"]
    gunicorn_conf = str(DEPLOY / "gunicorn.conf.py")
    monkeypatch.delenv("PROXY_PROTOCOL", raising=False)
    assert runpy.run_path(gunicorn_conf)["proxy_protocol"] is False  # alone: no PROXY lines
    monkeypatch.setenv("PROXY_PROTOCOL", "true")
    assert runpy.run_path(gunicorn_conf)["proxy_protocol"] is True
