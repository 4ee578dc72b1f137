"""Time the dashboard's queries on a seeded month of demo calls (SQLite, and PostgreSQL if up).

Run: python bench/analytics_bench.py [--pg URL|off]
Seeds `voice demo seed`'s month into a scratch database, then times each analytics function
the admin pages call (median of 5 runs) and the seeding itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from scratch_pg import fresh_database  # beside this script

from voice import analytics
from voice.analytics.demo import seed_demo
from voice.flow import load_callflow
from voice.store.db import Database

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/voice_bench_analytics"


def timed(work) -> float:  # any zero-argument callable
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def bench(url: str) -> None:
    db = Database(url)
    db.upgrade()
    callflow = load_callflow(ROOT / "callflows" / "acme-outfitters.yaml")
    started = time.perf_counter()
    seed_demo(db, callflow)
    seeded = time.perf_counter() - started
    period = analytics.Period.last_days(35)
    with db.session() as s:
        calls = analytics.summary(s, period, include_demo=True)["calls"]
        figures = {
            name: timed(lambda f=fn: f(s, period, include_demo=True))
            for name, fn in (
                ("summary", analytics.summary),
                ("daily", analytics.daily),
                ("by_reason", analytics.by_reason),
                ("funnel", analytics.funnel),
                ("per_intent", analytics.per_intent),
            )
        }
        figures["calls page"] = timed(lambda: analytics.calls(s, {"include_demo": True}, 50, 0))
    db.dispose()
    name = url.split(":")[0].split("+")[0]
    print(f"{name}: seeded {calls} calls in {seeded:.1f} s; median of 5 runs:")
    for label, ms in figures.items():
        print(f"  {label:12} {ms:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=PG, help="PostgreSQL URL ('off' to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{tmp}/bench.db")
    if args.pg != "off" and fresh_database(args.pg):
        bench(args.pg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
