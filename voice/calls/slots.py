"""How many live media streams this process serves at once, with a hard cap.

Each stream holds a worker thread for the whole listening turn. Past the cap a new stream is
refused at once and its caller dialled to a person, so a flood of calls (or of streams Twilio
abandoned) can never take the threads that serve webhooks and health checks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class StreamSlots:
    """A counter of live streams that refuses past `limit`."""

    def __init__(self, limit: int):
        self.limit = limit
        self._lock = threading.Lock()
        self._used = 0

    @property
    def in_use(self) -> int:
        """Return how many streams are live now."""
        return self._used

    def full(self) -> bool:
        """Return True when no new stream would be accepted."""
        return self._used >= self.limit

    @contextmanager
    def take(self) -> Iterator[bool]:
        """Hold a slot for the block; yield False (holding nothing) when all are taken."""
        with self._lock:
            taken = self._used < self.limit
            self._used += taken
        try:
            yield taken
        finally:
            if taken:
                with self._lock:
                    self._used -= 1
