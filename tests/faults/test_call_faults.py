"""Whole simulated calls through a real `voice serve` while PostgreSQL or Redis misbehaves.

For each fault, switched on before the call or between its webhooks: every webhook answers
within Twilio's 15 s, the caller reaches a `<Dial>` (DESIGN right 6), and once the fault heals
the call's record exists and is closed.
"""

from __future__ import annotations

import statistics

import pytest
from faults.conftest import (
    TWILIO_LIMIT_S,
    call_record,
    describe,
    place_call,
    wait_for_closed_record,
)

# fault name → (which proxy, its mode)
FAULTS = {
    "database_refused": ("pg", "refuse"),
    "database_blackholed": ("pg", "blackhole"),
    "database_slow": ("pg", "slow"),
    "redis_refused": ("redis", "refuse"),
    "redis_blackholed": ("redis", "blackhole"),
}
FIRST_WEBHOOK = 1  # mid-call faults start once /twilio/voice has been answered


@pytest.mark.parametrize("when", ["before_the_call", "mid_call"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_fault_ends_at_a_person_within_twilios_limit_and_leaves_a_closed_record(
    fault, when, service, direct_db, pg_proxy, redis_proxy, healthy
):
    which, mode = FAULTS[fault]
    proxy = pg_proxy if which == "pg" else redis_proxy

    def switch(n: int) -> None:
        if when == "mid_call" and n == FIRST_WEBHOOK:
            proxy.mode = mode

    if when == "before_the_call":
        proxy.mode = mode
    call = place_call(service, after_webhook=switch)
    proxy.mode = "pass"
    seconds = [w.seconds for w in call.webhooks]
    print(
        f"\nFIGURE {fault} {when}: {len(seconds)} webhooks, "
        f"p50 {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s"
    )
    assert call.webhooks[0].path == "/twilio/voice"
    assert max(seconds) < TWILIO_LIMIT_S, describe(call)
    assert call.reached_a_person(), describe(call)
    record = wait_for_closed_record(direct_db, call.sid)
    assert record is not None, f"no record of {call.sid} after the fault healed\n{describe(call)}"
    assert (record.status, record.ended_at is not None) == ("completed", True), (
        f"record left open: status={record.status} ended_at={record.ended_at}\n{describe(call)}"
    )


def test_a_healthy_call_through_the_proxies_is_fast_and_recorded(service, direct_db, healthy):
    call = place_call(service)
    print("\n" + describe(call))
    assert call.reached_a_person(), describe(call)
    assert call.slowest().seconds < 5.0, describe(call)
    record = call_record(direct_db, call.sid)
    assert record is not None and record.status == "completed" and record.ended_at
