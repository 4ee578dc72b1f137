"""Upkeep inside each process: the wrap-up tick, and a failing job that backs off quietly."""

import logging

import pytest
import sqlalchemy as sa

from voice.housekeeping import BACKOFF_MAX_S, WRAP_UP_TICK_S, Housekeeping, Job, jobs_for


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_wrap_ups_end_on_the_timer_every_tick_unless_the_database_is_known_down(app):
    rt = app.extensions["voice"]
    (wrap_ups,) = [job for job in jobs_for(rt) if job.name == "wrap_ups"]
    assert wrap_ups.every_s == WRAP_UP_TICK_S <= 1.0
    ended = []
    rt.floor.expire_wrap_ups = lambda: ended.append(1)
    wrap_ups.run()
    assert ended == [1]
    with pytest.raises(sa.exc.OperationalError), rt.service.breaker.guard():  # a call found it down
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionError("down"))
    wrap_ups.run()
    assert ended == [1]  # no tick waits on a database the calls know is down


def test_a_job_that_keeps_failing_logs_its_traceback_once_and_backs_off(caplog):
    clock, runs, broken = Clock(), [], [True]

    def upkeep():
        runs.append(clock.now)
        if broken[0]:
            raise ConnectionError("database unreachable")

    keeping = Housekeeping([Job("wrap_ups", 1.0, upkeep)], clock)
    with caplog.at_level(logging.INFO, logger="voice.housekeeping"):
        while clock.now < 200:
            clock.now += 0.5
            keeping.run_due()
        waits = [b - a for a, b in zip(runs, runs[1:], strict=False)]
        assert waits[:7] == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, BACKOFF_MAX_S]
        assert set(waits[6:]) == {BACKOFF_MAX_S}
        tracebacks = [r for r in caplog.records if r.exc_info]
        assert len(tracebacks) == 1
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) >= 6 and all("in a row (database unreachable)" in w for w in warnings)
        broken[0] = False
        clock.now += BACKOFF_MAX_S
        keeping.run_due()
        assert "works again" in caplog.records[-1].getMessage()
    tried = len(runs)
    clock.now += 1.0
    keeping.run_due()
    assert len(runs) == tried + 1  # back to every second once it works


def test_a_slow_job_is_never_tried_more_often_than_its_interval_when_failing():
    clock, runs = Clock(), []

    def purge():
        runs.append(clock.now)
        raise ConnectionError("down")

    keeping = Housekeeping([Job("purge", 3600.0, purge)], clock)
    for _ in range(4):
        clock.now += 3600.0
        keeping.run_due()
    assert [b - a for a, b in zip(runs, runs[1:], strict=False)] == [3600.0, 3600.0, 3600.0]
