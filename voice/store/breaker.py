"""Fail fast while the database is down, so a webhook spends its 15 s on one try, not five.

A blackholed database costs each attempt its full connect or statement timeout. One webhook
touches the store several times (record the call, fall back, log the TwiML), so after one
attempt fails for a connection reason the breaker stays open for a few seconds, and every
attempt in that window fails at once. The caller still reaches a person through the fallback
plan, and the journal keeps what could not be written.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

log = logging.getLogger(__name__)
# Errors that say the database is unreachable or too slow, not that the statement was wrong.
UNREACHABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


class DatabaseDown(sa.exc.OperationalError):
    """The breaker is open: the database failed moments ago and is not tried again yet."""

    def __init__(self, retry_in_s: float):
        super().__init__("database breaker open", None, Exception(f"retry in {retry_in_s:.1f}s"))
        self.retry_in_s = retry_in_s


class Breaker:
    """Open for `open_s` seconds after an unreachable-database error; then try again."""

    def __init__(self, open_s: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.open_s, self.clock = open_s, clock
        self._lock = threading.Lock()
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        """Return True while attempts are refused without trying."""
        return self.clock() < self._open_until

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Refuse at once while open; open on an unreachable-database error from the block."""
        if (left := self._open_until - self.clock()) > 0:
            raise DatabaseDown(left)
        try:
            yield
        except DatabaseDown:
            raise
        except UNREACHABLE as exc:
            with self._lock:
                self._open_until = self.clock() + self.open_s
            log.warning("database unreachable (%s); failing fast for %ss", exc, self.open_s)
            raise

    def reset(self) -> None:
        """Close the breaker (the database answered)."""
        self._open_until = 0.0
