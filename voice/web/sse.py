"""Server-Sent Events: relay bus events to a browser, with keep-alives and a bounded life."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import closing

from flask import Response

from voice.routing.events import Bus

RETRY_MS = 3000  # how soon the browser reconnects after the stream ends
KEEPALIVE_S = 15.0  # below every proxy's idle timeout; also how a gone browser is noticed
# A stream holds one worker thread: end it now and then, and the browser reconnects at once,
# so a client that vanished without a FIN never holds a thread for long.
MAX_STREAM_S = 600.0


def format_event(name: str, data: dict) -> str:
    """Return one SSE message: a named event carrying `data` as JSON."""
    return f"event: {name}\ndata: {json.dumps(data, default=str)}\n\n"


def relay(
    bus: Bus,
    channels: list[str],
    keepalive_s: float = KEEPALIVE_S,
    max_s: float = MAX_STREAM_S,
) -> Iterator[str]:
    """Yield a hello, then every event on `channels`, with a comment line on quiet ticks."""
    yield f"retry: {RETRY_MS}\n" + format_event("hello", {"channels": channels})
    deadline = time.monotonic() + max_s
    with closing(bus.listen(channels, timeout_s=keepalive_s)) as events:
        for event in events:
            if event is None:
                yield ": keep-alive\n\n"
            else:
                yield format_event(str(event.get("type", "message")), event)
            if time.monotonic() > deadline:
                return


def stream(messages: Iterator[str]) -> Response:
    """Return a streaming text/event-stream response that no proxy buffers or caches."""
    response = Response(messages, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    return response
