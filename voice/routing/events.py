"""Live floor events (offers, presence, queue) for the console: Redis pub/sub or in-process.

With several gunicorn workers the call's webhook and the agent's Server-Sent Events stream
run in different processes, so REDIS_URL must be set; one process needs nothing.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterator
from typing import Any, Protocol

log = logging.getLogger(__name__)
PREFIX = "voice:"
FLOOR = "floor"  # every change an admin or a wallboard would show


def agent_channel(agent_id: int) -> str:
    """Return the channel one agent's console listens on."""
    return f"agent:{agent_id}"


class Bus(Protocol):
    """Publish events to channels and listen to some of them."""

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Send `event` to everyone listening on `channel`; never raises."""

    def listen(self, channels: list[str], timeout_s: float = 15.0) -> Iterator[dict | None]:
        """Yield events from `channels`; yield None after `timeout_s` of quiet (a keep-alive)."""


class LocalBus:
    """In-process bus: one queue per listener."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[set[str], queue.Queue]] = []

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Send `event` to every listener on `channel`."""
        with self._lock:
            targets = [q for chans, q in self._listeners if channel in chans]
        for q in targets:
            q.put({**event, "channel": channel})

    def listen(self, channels: list[str], timeout_s: float = 15.0) -> Iterator[dict | None]:
        """Yield events for `channels` until the consumer stops iterating."""
        entry = (set(channels), queue.Queue(maxsize=1000))
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
    """Cross-process bus on Redis pub/sub, for several workers or hosts."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Publish `event`; a Redis outage costs a console update, never a call."""
        try:
            self._redis.publish(PREFIX + channel, json.dumps({**event, "channel": channel}))
        except Exception:  # noqa: BLE001 - live updates are best effort; the DB is the truth
            log.warning("could not publish %s event to Redis", channel, exc_info=True)

    def listen(self, channels: list[str], timeout_s: float = 15.0) -> Iterator[dict | None]:
        """Yield events for `channels` until the consumer stops iterating."""
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(*(PREFIX + c for c in channels))
        try:
            while True:
                message = pubsub.get_message(timeout=timeout_s)
                yield json.loads(message["data"]) if message else None
        finally:
            pubsub.close()


def make_bus(redis_url: str) -> Bus:
    """Return a Redis bus when REDIS_URL is set, else an in-process one."""
    return RedisBus(redis_url) if redis_url else LocalBus()
