"""Work that must wait until the floor's change is committed: bus events and REST requests.

A console that hears "offer" must find the offer in the database, and Twilio must not be told
to bridge a caller whose assignment could still roll back.

`Sender` is the other half: a bounded queue drained by one background thread, so sending a
console event never costs a webhook anything, whatever state Redis is in.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

if TYPE_CHECKING:  # annotations only
    from voice.routing.events import Bus

log = logging.getLogger(__name__)
_KEY = "floor_after_commit"
_COMMITTED = "floor_committed"


def after_commit(s: so.Session, work: Callable[[], object]) -> None:
    """Run `work` once `s` has committed and handed back its connection; drop it on rollback."""
    if not sa.event.contains(s, "after_commit", _committed):
        sa.event.listen(s, "after_commit", _committed)
        sa.event.listen(s, "after_transaction_end", _ended)
    s.info.setdefault(_KEY, []).append(work)


def _committed(s: so.Session) -> None:
    s.info[_COMMITTED] = True


def _ended(s: so.Session, transaction: so.SessionTransaction) -> None:
    # runs once the connection is back in the pool, so follow-up work cannot starve it
    if transaction.parent is not None or transaction.nested:
        return
    committed, work = s.info.pop(_COMMITTED, False), s.info.pop(_KEY, [])
    for item in work if committed else ():
        try:
            item()
        except Exception:  # the call's plan is committed; a lost update must not undo it
            log.exception("floor follow-up %r failed after commit", item)


class Outbox:
    """Publish floor events once the change they describe is committed."""

    def __init__(self, bus: Bus):
        self.bus = bus

    def publish(self, s: so.Session, channel: str, event: dict) -> None:
        """Send `event` on `channel` after `s` commits."""
        after_commit(s, lambda: self.bus.publish(channel, event))

    def later(self, s: so.Session, work: Callable[[], object]) -> None:
        """Run `work` after `s` commits (REST requests, dispatching a freed agent)."""
        after_commit(s, work)


class Sender:
    """A bounded queue of items that one background thread sends in order, retrying failures.

    `put()` never waits. When the queue is full the oldest item is dropped and counted, and a
    burst of drops is logged once. An item that waited longer than `max_age_s` is dropped too:
    a console event a minute late only misleads (the console reloads its state on reconnect).
    """

    def __init__(
        self,
        send: Callable[[Any], None],
        max_items: int,
        name: str = "outbox",
        max_age_s: float = 60.0,
        retry_max_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.send, self.max_items, self.name = send, max(1, max_items), name
        self.max_age_s, self.retry_max_s, self.clock = max_age_s, retry_max_s, clock
        self.dropped = 0  # since start: overflow and stale items
        self._items: deque[tuple[float, Any]] = deque()
        self._cond = threading.Condition()
        self._busy = False
        self._burst = 0
        self._failing = False
        self._thread: threading.Thread | None = None
        self._pid = 0

    def put(self, item: Any) -> None:
        """Queue `item` for sending; drop the oldest when full. Never blocks on the network."""
        with self._cond:
            if len(self._items) >= self.max_items:
                # the oldest not already on its way (the head may be in the sender's hands)
                sending = self._busy and len(self._items) > 1
                del self._items[1 if sending else 0]
                self._dropped_one("full")
            self._items.append((self.clock(), item))
            self._ensure_thread()
            self._cond.notify()

    def pending(self) -> int:
        """Return how many items wait to be sent."""
        with self._cond:
            return len(self._items)

    def flush(self, timeout_s: float) -> bool:
        """Wait until everything queued is sent (or dropped); return False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._items or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _dropped_one(self, why: str) -> None:
        self.dropped += 1
        self._burst += 1
        if self._burst == 1:  # once per burst; the total is logged when the burst ends
            log.warning("%s: dropping console events (%s); at most %d wait",
                        self.name, why, self.max_items)  # fmt: skip

    def _ensure_thread(self) -> None:
        # a forked worker (gunicorn --preload) inherits the queue but not the thread
        if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def _next(self) -> tuple[float, Any]:
        with self._cond:
            while True:
                while self._items and self.clock() - self._items[0][0] > self.max_age_s:
                    self._items.popleft()
                    self._dropped_one("stale")
                if self._items:
                    self._busy = True
                    return self._items[0]
                if self._burst:
                    log.warning("%s: %d console events dropped in that burst", self.name,
                                self._burst)  # fmt: skip
                    self._burst = 0
                self._cond.notify_all()  # flush() waiters
                self._cond.wait()

    def _run(self) -> None:
        backoff = 0.0
        while True:
            entry = self._next()
            try:
                self.send(entry[1])
            except Exception:  # keep the item and try again, in order
                if not self._failing:
                    log.warning("%s: sending failed; retrying", self.name, exc_info=True)
                    self._failing = True
                backoff = min(max(2 * backoff, 0.05), self.retry_max_s)
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
                time.sleep(backoff)
                continue
            if self._failing:
                log.warning("%s: sending works again", self.name)
                self._failing = False
            backoff = 0.0
            with self._cond:
                if self._items and self._items[0] is entry:  # not dropped while it was sent
                    self._items.popleft()
                self._busy = False
