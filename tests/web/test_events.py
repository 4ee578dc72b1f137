"""The console's Server-Sent Events: an agent hears their own events, live, and nothing else."""

import json

import pytest

from voice.routing.events import FLOOR, LocalBus, agent_channel
from voice.web.sse import relay


@pytest.fixture
def stream(app, agent_client):
    """Open Ali's event stream (quick keep-alives); return (next message, Ali's agent id)."""
    app.config["SSE_KEEPALIVE_S"] = 0.05
    response = agent_client.get("/console/events", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    chunks = iter(response.response)
    agent_id = app.extensions["voice"].floor.agent("ali")["id"]
    yield (lambda: next(chunks).decode()), agent_id
    response.close()


def parse(message):
    lines = dict(line.split(": ", 1) for line in message.strip().splitlines() if ": " in line)
    return lines["event"], json.loads(lines["data"])


def test_the_stream_says_hello_then_relays_an_event_published_for_the_agent(app, stream):
    read, agent_id = stream
    hello = read()
    assert hello.startswith("retry: ") and "event: hello" in hello
    assert read() == ": keep-alive\n\n"  # listening now
    app.extensions["voice"].bus.publish(agent_channel(agent_id), {"type": "offer", "call_id": 7})
    name, data = parse(read())
    assert (name, data["call_id"], data["channel"]) == ("offer", 7, f"agent:{agent_id}")


def test_the_stream_carries_floor_events_but_not_other_agents_events(app, stream):
    read, agent_id = stream
    read(), read()
    bus = app.extensions["voice"].bus
    bus.publish(agent_channel(agent_id + 100), {"type": "offer", "call_id": 1})
    bus.publish(FLOOR, {"type": "callback", "callback": {"id": 3}})
    name, data = parse(read())
    assert (name, data["channel"]) == ("callback", "floor")


def test_a_quiet_stream_sends_keep_alive_comments(stream):
    read, _ = stream
    read()
    assert [read(), read()] == [": keep-alive\n\n"] * 2


def test_a_stream_ends_after_its_maximum_life_so_no_thread_is_held_forever():
    messages = list(relay(LocalBus(), ["agent:1"], keepalive_s=0.01, max_s=0))
    assert len(messages) == 2 and messages[1] == ": keep-alive\n\n"
