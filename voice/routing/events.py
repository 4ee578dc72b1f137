"""Live floor events (offers, presence, queue) for the console: Redis pub/sub or in-process.

With several gunicorn workers the call's webhook and the agent's Server-Sent Events stream
run in different processes, so REDIS_URL must be set; one process needs nothing.
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any, Protocol

from voice.routing.outbox import Sender

log = logging.getLogger(__name__)
PREFIX = "voice:"
FLOOR = "floor"  # every change an admin or a wallboard would show


def agent_channel(agent_id: int) -> str:
    """Return the channel one agent's console listens on."""
    return f"agent:{agent_id}"


class Bus(Protocol):
    """Publish events to channels and listen to some of them."""

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Send `event` to everyone listening on `channel`; never raises, never waits."""

    def listen(self, channels: list[str], timeout_s: float = 15.0) -> Iterator[dict | None]:
        """Yield events from `channels`; yield None after `timeout_s` of quiet (a keep-alive)."""

    def problem(self) -> str | None:
        """Return why events cannot reach other workers now, or None when they can."""


class LocalBus:
    """In-process bus: one bounded queue per listener."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[set[str], queue.Queue]] = []

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Send `event` to every listener on `channel`; a listener too far behind misses it."""
        with self._lock:
            targets = [q for chans, q in self._listeners if channel in chans]
        for q in targets:
            try:
                q.put_nowait({**event, "channel": channel})
            except queue.Full:  # a stalled browser must never stall the call that published
                log.warning("a console listener is %d events behind; dropping one", q.maxsize)

    def problem(self) -> str | None:
        """Return what is wrong with the bus (nothing: it lives in this process)."""
        return None

    def listen(self, channels: list[str], timeout_s: float = 15.0) -> Iterator[dict | None]:
        """Yield events for `channels` until the consumer stops iterating."""
        entry: tuple[set[str], queue.Queue[dict | None]] = (
            set(channels),
            queue.Queue(maxsize=1000),
        )
        with self._lock:
            self._listeners.append(entry)
        try:
            while True:
                try:
                    yield entry[1].get(timeout=timeout_s)
                except queue.Empty:
                    yield None
        finally:
            with self._lock:
                self._listeners.remove(entry)


class RedisBus:
    """Cross-process bus on Redis pub/sub, for several workers or hosts.

    Publishing only queues the event: a background sender (see `outbox.Sender`) talks to Redis,
    so a slow, refused or blackholed Redis costs a webhook nothing. Every Redis command has a
    socket timeout of `timeout_s`, and listeners reconnect when Redis goes away and comes back.
    """

    def __init__(self, url: str, timeout_s: float = 0.5, outbox_max: int = 1000) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.timeout_s = timeout_s
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            retry=Retry(NoBackoff(), 0),  # the sender and the listeners retry on their own clock
        )
        self.outbox = Sender(self._send, outbox_max, name="redis-outbox")
        # a short-lived process (`voice agents set`) publishes, then exits: send what is queued
        atexit.register(self.outbox.flush, min(2.0, 4 * timeout_s))

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Queue `event` for Redis and return at once; a Redis outage costs a console update."""
        self.outbox.put((channel, event))

    def problem(self) -> str | None:
        """Return why Redis cannot carry events now (a ping within the timeout), or None."""
        import redis

        try:
            self._redis.ping()
        except (redis.RedisError, OSError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def _send(self, item: tuple[str, dict[str, Any]]) -> None:
        channel, event = item
        self._redis.publish(PREFIX + channel, json.dumps({**event, "channel": channel}))

    def listen(self, channels: list[str], timeout_s: float = 15.0) -> Iterator[dict | None]:
        """Yield events for `channels`, a None on each quiet `timeout_s`, through Redis outages.

        A quiet tick also pings Redis; a subscription that hears nothing, not even the pong,
        for two ticks is dead (a blackholed Redis) and is opened again.
        """
        import redis

        pubsub, heard, pinged = None, 0.0, False
        try:
            while True:
                try:
                    if pubsub is None:
                        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                        pubsub.subscribe(*(PREFIX + c for c in channels))
                        heard, pinged = time.monotonic(), False
                    message = pubsub.get_message(timeout=timeout_s)
                    if message is not None:
                        heard = time.monotonic()
                        if message["type"] in ("message", "pmessage"):
                            yield json.loads(message["data"])
                        continue
                    if pinged and time.monotonic() - heard > timeout_s + self.timeout_s:
                        raise redis.ConnectionError("no answer to a ping")
                    pubsub.ping()
                    pinged = True
                except (redis.RedisError, OSError) as exc:
                    log.warning("console listener lost Redis (%s); reconnecting", exc)
                    _close_quietly(pubsub)
                    pubsub = None
                    time.sleep(min(1.0, timeout_s))
                yield None
        finally:
            _close_quietly(pubsub)


def _close_quietly(pubsub: Any) -> None:
    if pubsub is None:
        return
    try:
        pubsub.close()
    except Exception:  # a dead connection may fail to close; it is gone anyway
        log.debug("closing a Redis subscription failed", exc_info=True)


def make_bus(redis_url: str, timeout_s: float = 0.5, outbox_max: int = 1000) -> Bus:
    """Return a Redis bus when REDIS_URL is set, else an in-process one."""
    return RedisBus(redis_url, timeout_s, outbox_max) if redis_url else LocalBus()
