"""Fail fast while the database is down, so a webhook spends its 15 s on one try, not five.

A blackholed database costs each attempt its full connect or statement timeout. A webhook that
fails touches the store again (fall back to a person, log the TwiML sent), so after one
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
        check_deadline()
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


_budget = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound the time this thread's block may spend starting database work (one webhook).

    Each statement is bounded by DB_STATEMENT_TIMEOUT_S, but a slow database answers every one
    of a webhook's dozen statements just in time. Past the budget, no new statement starts: the
    webhook falls back to a person without the store, and the journal keeps what it lost.
    """
    outer = getattr(_budget, "until", None)
    until = time.monotonic() + seconds
    _budget.until = until if outer is None else min(outer, until)
    try:
        yield
    finally:
        _budget.until = outer


def check_deadline() -> None:
    """Raise DatabaseDown when this thread's budget for database work is spent."""
    until = getattr(_budget, "until", None)
    if until is not None and time.monotonic() > until:
        raise DatabaseDown(0.0)
