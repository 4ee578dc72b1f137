"""Console events never cost a call anything: a bounded outbox, Redis timeouts, listeners that
survive Redis going away and coming back."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time

import pytest
from faults.proxy import FaultProxy

from voice.routing.events import LocalBus, RedisBus
from voice.routing.outbox import Sender

REDIS_URL = os.environ.get("VOICE_FAULTS_REDIS", "redis://127.0.0.1:6379/0")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_reachable(), reason=f"needs Redis at {REDIS_URL}")


@pytest.fixture
def proxy():
    fault = FaultProxy("127.0.0.1", 6379)
    yield fault
    fault.close()


def channel() -> str:
    return "test:" + secrets.token_hex(6)


class Listener:
    """Collect what `bus.listen` yields on a background thread."""

    def __init__(self, bus, channels, timeout_s=0.2):
        self.events, self.ticks = [], 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(bus, channels, timeout_s))
        self._thread.daemon = True
        self._thread.start()

    def _run(self, bus, channels, timeout_s):
        stream = bus.listen(channels, timeout_s=timeout_s)
        for item in stream:
            if item is None:
                self.ticks += 1
            else:
                self.events.append(item)
            if self._stop.is_set():
                stream.close()
                return

    def wait_for(self, count: int, within_s: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + within_s
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.events

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


def publish_ms(bus, chan: str, count: int) -> list[float]:
    took = []
    for n in range(count):
        started = time.perf_counter()
        bus.publish(chan, {"type": "tick", "n": n})
        took.append(1000 * (time.perf_counter() - started))
    return took


# --- the bounded outbox ----------------------------------------------------------------------


def test_the_outbox_sends_in_order_on_its_own_thread():
    sent, callers = [], set()

    def send(item):
        sent.append(item)
        callers.add(threading.current_thread().name)

    outbox = Sender(send, max_items=100, name="test-outbox")
    for n in range(50):
        outbox.put(n)
    assert outbox.flush(5)
    assert sent == list(range(50)) and callers == {"test-outbox"}


def test_a_full_outbox_drops_the_oldest_and_counts_them():
    gate, sent = threading.Event(), []

    def send(item):
        gate.wait(5)
        sent.append(item)

    outbox = Sender(send, max_items=3)
    outbox.put(0)  # taken by the sender, which now waits at the gate
    time.sleep(0.1)
    for n in range(1, 8):
        outbox.put(n)
    gate.set()
    assert outbox.flush(5)
    # the item on its way is kept; of the rest, the newest fit
    assert sent == [0, 6, 7] and outbox.dropped == 5


def test_a_failed_send_is_retried_in_order():
    attempts, sent = [], []

    def send(item):
        attempts.append(item)
        if len(attempts) < 3:
            raise ConnectionError("down")
        sent.append(item)

    outbox = Sender(send, max_items=10, retry_max_s=0.05)
    outbox.put("a")
    outbox.put("b")
    assert outbox.flush(5)
    assert attempts == ["a", "a", "a", "b"] and sent == ["a", "b"]


def test_events_older_than_their_use_are_dropped_not_sent_late():
    now = [0.0]
    gate, sent = threading.Event(), []

    def send(item):
        gate.wait(5)
        sent.append(item)

    outbox = Sender(send, max_items=10, max_age_s=30, clock=lambda: now[0])
    outbox.put("first")
    time.sleep(0.1)
    outbox.put("stale")
    now[0] = 31.0
    outbox.put("fresh")
    gate.set()
    assert outbox.flush(5)
    assert sent == ["first", "fresh"] and outbox.dropped == 1


def test_a_local_listener_that_stopped_reading_never_blocks_a_publisher():
    bus = LocalBus()
    stream = bus.listen(["c"], timeout_s=0.01)
    next(stream)  # registered, then never read again
    started = time.monotonic()
    for n in range(1500):
        bus.publish("c", {"n": n})
    assert time.monotonic() - started < 1.0
    stream.close()


# --- Redis -----------------------------------------------------------------------------------


@needs_redis
def test_events_reach_a_listener_in_order_through_a_healthy_redis():
    bus, chan = RedisBus(REDIS_URL), channel()
    listener = Listener(bus, [chan])
    time.sleep(0.3)  # subscribed
    publish_ms(bus, chan, 20)
    events = listener.wait_for(20)
    listener.stop()
    assert [e["n"] for e in events] == list(range(20))
    assert {e["channel"] for e in events} == {chan}


@needs_redis
def test_publishing_to_a_blackholed_redis_never_waits_for_it(proxy):
    proxy.mode = "blackhole"
    bus = RedisBus(proxy.url_for(REDIS_URL), timeout_s=0.5, outbox_max=50)
    took = publish_ms(bus, channel(), 200)
    # Waiting on Redis even once would take its whole timeout: all 200 take less than one.
    assert sum(took) < 500
    assert bus.outbox.pending() <= 50 and bus.outbox.dropped >= 150  # queued, the rest dropped


@needs_redis
def test_events_queued_while_redis_refused_arrive_in_order_once_it_is_back(proxy):
    chan = channel()
    watcher = RedisBus(REDIS_URL)
    listener = Listener(watcher, [chan])
    time.sleep(0.3)
    proxy.mode = "refuse"
    bus = RedisBus(proxy.url_for(REDIS_URL), timeout_s=0.3)
    assert sum(publish_ms(bus, chan, 5)) < 300  # less than one Redis timeout: none waited
    time.sleep(0.5)
    assert listener.events == []  # nothing got through
    proxy.mode = "pass"
    events = listener.wait_for(5, within_s=10)
    listener.stop()
    assert [e["n"] for e in events] == list(range(5))


@needs_redis
@pytest.mark.parametrize("fault", ["refuse", "blackhole"])
def test_a_console_listener_survives_redis_going_away_and_coming_back(proxy, fault):
    chan = channel()
    bus = RedisBus(proxy.url_for(REDIS_URL), timeout_s=0.3)
    publisher = RedisBus(REDIS_URL)
    listener = Listener(bus, [chan], timeout_s=0.2)
    time.sleep(0.3)
    publisher.publish(chan, {"type": "tick", "n": 0})
    assert len(listener.wait_for(1)) == 1
    proxy.mode = fault
    ticks = listener.ticks
    time.sleep(1.5)
    assert listener.ticks > ticks  # keep-alives go on while Redis is away
    proxy.mode = "pass"
    deadline = time.monotonic() + 10
    while len(listener.events) < 2 and time.monotonic() < deadline:
        publisher.publish(chan, {"type": "tick", "n": 1})  # until the listener is back
        time.sleep(0.2)
    listener.stop()
    assert [e["n"] for e in listener.events][:2] == [0, 1]
