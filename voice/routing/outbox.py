"""Work that must wait until the floor's change is committed: bus events and REST requests.

A console that hears "offer" must find the offer in the database, and Twilio must not be told
to bridge a caller whose assignment could still roll back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

log = logging.getLogger(__name__)
_KEY = "floor_after_commit"
_COMMITTED = "floor_committed"


def after_commit(s: so.Session, work: Callable[[], None]) -> None:
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
        except Exception:  # noqa: BLE001 - the call's plan is committed; a lost update must not undo it
            log.exception("floor follow-up %r failed after commit", item)


class Outbox:
    """Publish floor events once the change they describe is committed."""

    def __init__(self, bus: object):
        self.bus = bus

    def publish(self, s: so.Session, channel: str, event: dict) -> None:
        """Send `event` on `channel` after `s` commits."""
        after_commit(s, lambda: self.bus.publish(channel, event))

    def later(self, s: so.Session, work: Callable[[], None]) -> None:
        """Run `work` after `s` commits (REST requests, dispatching a freed agent)."""
        after_commit(s, work)
