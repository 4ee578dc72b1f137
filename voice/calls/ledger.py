"""One short transaction per call webhook, with the TwiML it answers stored inside it.

The call service, its floor webhooks (`FloorCalls`) and its rating webhooks (`CallSurveys`)
each take this ledger instead of reaching into one another: it is all they share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import sqlalchemy.orm as so

from voice.calls.actions import Plan
from voice.calls.records import add_event
from voice.flow.model import Callflow
from voice.flow.types import Decision
from voice.store.breaker import Breaker
from voice.store.db import Database
from voice.store.models import Call, Transfer

log = logging.getLogger(__name__)


@dataclass
class Served:
    """The TwiML a webhook answers with, stored in the transaction that decided its plan.

    A webhook opens this (`Ledger.serving`) around its work; the service renders the plan
    it returns and writes it to the call's timeline before that transaction commits, so one
    webhook costs one transaction. `xml_for` tells the webhook whether that happened.
    """

    path: str
    render: Callable[[Plan], str]
    _pending: tuple[Plan, str] | None = None
    _stored: tuple[Plan, str] | None = None

    def xml_for(self, plan: Plan) -> str | None:
        """Return the TwiML stored (and committed) for `plan`, or None if it wasn't."""
        return self._stored[1] if self._stored and self._stored[0] is plan else None


_serving: ContextVar[Served | None] = ContextVar("serving", default=None)


class Ledger:
    """The calls' transactions, behind a breaker, and the rows any call webhook may add."""

    def __init__(self, db: Database, breaker: Breaker, default_fallback: str = ""):
        self.db, self.breaker = db, breaker  # the breaker: fail at once while the store is down
        self.default_fallback = default_fallback  # FALLBACK_NUMBER: the service's last resort

    @contextmanager
    def session(self) -> Iterator[so.Session]:
        """Yield a transaction, failing at once while the database is known to be down."""
        served = _serving.get()
        if served is not None:
            served._pending = None  # noqa: SLF001 - only TwiML written in this transaction counts
        with self.breaker.guard(), self.db.session() as s:
            yield s
        if served is not None and served._pending is not None:  # noqa: SLF001 - committed
            served._stored, served._pending = served._pending, None  # noqa: SLF001

    @contextmanager
    def serving(self, path: str, render: Callable[[Plan], str]) -> Iterator[Served]:
        """Let this webhook's transaction store the TwiML it answers with (see `Served`)."""
        served = Served(path, render)
        token = _serving.set(served)
        try:
            yield served
        finally:
            _serving.reset(token)

    def served(self, s: so.Session, call: Call, plan: Plan) -> Plan:
        """Return `plan`; inside a webhook, first add its TwiML to the call's timeline in `s`."""
        served = _serving.get()
        if served is None:
            return plan
        try:
            xml = served.render(plan)
        except Exception:  # the webhook renders it again and reports the fault
            log.exception("could not render TwiML for %s", call.sid)
            return plan
        add_event(s, call, "twiml", {"path": served.path, "xml": xml})
        served._pending = (plan, xml)  # noqa: SLF001 - stored once the transaction commits
        return plan

    def fallback_number(self, callflow: Callflow | None) -> str:
        """Return the line's last-resort number: the callflow's, else the service's."""
        return (callflow.fallback_number if callflow else "") or self.default_fallback

    @staticmethod
    def new_transfer(
        s: so.Session, call: Call, decision: Decision, target: str, whisper: str
    ) -> Transfer:
        """Store a dial to a person (an agent, a team target or the fallback number)."""
        leg = Transfer(
            call_id=call.id,
            team=decision.team or "",
            target=target,
            priority=decision.priority,
            reason=decision.reason,
            whisper=whisper,
        )
        s.add(leg)
        s.flush()
        return leg
