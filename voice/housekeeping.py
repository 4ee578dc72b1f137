"""Background upkeep inside each service process: heal stale floor state, purge old records.

Every job is idempotent and safe to run in several processes at once (the floor's claims are
race-free, the purge only ever moves rows past their retention), so each gunicorn worker runs
its own schedule and no leader election is needed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
WRAP_UP_TICK_S = 1.0  # a wrap-up that ran out ends, and its agent takes a waiting caller, this soon
BACKOFF_MAX_S = 60.0  # a job that keeps failing (the database is down) is tried at most this often


@dataclass
class Job:
    """One periodic task: `run()` every `every_s` seconds, its first run one interval in."""

    name: str
    every_s: float
    run: Callable[[], object]
    due: float = field(default=0.0)
    failures: int = 0  # in a row: each doubles the wait, up to BACKOFF_MAX_S (never below every_s)

    def retry_in(self) -> float:
        """Return the seconds until the next run: the interval, backed off while failing."""
        if not self.failures:
            return self.every_s
        return max(self.every_s, min(self.every_s * 2 ** (self.failures - 1), BACKOFF_MAX_S))


class Housekeeping:
    """Run jobs on a daemon thread; a failing job is logged once and tried again, backing off."""

    def __init__(self, jobs: list[Job], clock: Callable[[], float] = time.monotonic):
        self.jobs, self.clock = jobs, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        now = clock()
        for job in jobs:
            job.due = now + job.every_s

    def run_due(self) -> list[str]:
        """Run every job whose time has come; return their names."""
        ran = []
        for job in self.jobs:
            if self.clock() < job.due:
                continue
            try:
                job.run()
            except Exception as exc:  # upkeep must never take the process down
                job.failures += 1
                if job.failures == 1:
                    log.exception(
                        "housekeeping job %s failed; retrying in %ss", job.name, job.retry_in()
                    )
                else:  # the traceback was logged once: one line per retry from now on
                    log.warning(
                        "housekeeping job %s failed %d times in a row (%s); retrying in %ss",
                        job.name,
                        job.failures,
                        exc,
                        job.retry_in(),
                    )
            else:
                if job.failures:
                    log.info("housekeeping job %s works again", job.name)
                job.failures = 0
            job.due = self.clock() + job.retry_in()
            ran.append(job.name)
        return ran

    def start(self) -> None:
        """Start the schedule on a daemon thread (once)."""
        if self._thread is None and self.jobs:
            self._thread = threading.Thread(target=self._loop, name="housekeeping", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the schedule; the current job finishes first."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(min(1.0, *(j.every_s for j in self.jobs))):
            self.run_due()


def jobs_for(rt: object) -> list[Job]:
    """Return the service's periodic jobs for a runtime."""
    from voice.calls.retention import purge
    from voice.routing.reconcile import reconcile

    settings = rt.settings
    return [
        # the floor's clock: reads (pages, lists) never change who is free
        Job("wrap_ups", WRAP_UP_TICK_S, lambda: _unless_store_down(rt, rt.floor.expire_wrap_ups)),
        # what a database fault kept from the store, written back once it answers
        Job("journal", settings.reconcile_interval_s, rt.service.replay_journal),
        Job("reconcile", settings.reconcile_interval_s, lambda: reconcile(rt)),
        Job("purge", settings.purge_interval_s, lambda: purge(rt)),
    ]


def _unless_store_down(rt: object, work: Callable[[], object]) -> None:
    """Run `work`, unless the calls have just found the database down (the breaker is open).

    A tick every second must not tie this thread up in connect timeouts while the journal
    waits to be written back.
    """
    if not rt.service.breaker.is_open:
        work()
