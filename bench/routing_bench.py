"""Time race-free agent routing: many callers asking for a person at the same moment.

Run: python bench/routing_bench.py [--calls 60] [--agents 10] [--threads 8] [--pg URL]
Each caller's incoming webhook (record the call, decide, claim an agent or queue) runs on a
thread pool against SQLite and, when it answers, PostgreSQL. It prints the time per transfer
(p50/p99), transfers per second, and checks that no agent was offered two calls and no caller
was dropped. The line is forced open, and no speech model is loaded, so every call transfers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from scratch_pg import fresh_database  # beside this script

from voice.flow.model import Callflow
from voice.runtime import Runtime
from voice.settings import Settings
from voice.store.db import Database
from voice.store.models import Agent, Base, QueueEntry

ROOT = Path(__file__).resolve().parents[1]
LINE = "+15005550100"  # the demo line's number
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/voice_bench"


def runtime(url: str, var: Path) -> Runtime:
    db = Database(url)
    db.upgrade()
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    settings = Settings(
        _env_file=None, VAR_DIR=var, DATABASE_URL=url, CALLFLOWS_DIR=ROOT / "callflows",
        MODELS_DIR=var / "models", VOSK_MODEL_PATH="", TWILIO_REST="fake",
    )  # fmt: skip
    return Runtime.build(settings)


def run(rt: Runtime, calls: int, agents: int, threads: int) -> dict:
    for i in range(agents):
        added = rt.floor.add_agent(f"b{i}", f"Bench {i}", f"+1512555{i:04d}", ["general"], ["en"])
        rt.floor.set_presence(added["id"], "available")

    def one(i: int) -> float:
        started = time.perf_counter()
        rt.service.start(f"CAbench{i:05d}", f"+1555557{i:04d}", LINE)
        return (time.perf_counter() - started) * 1000

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        times = sorted(pool.map(one, range(calls)))
    wall = time.perf_counter() - began
    with rt.db.session() as s:
        entries = s.scalars(sa.select(QueueEntry)).all()
        busy = [a.call_id for a in s.scalars(sa.select(Agent)) if a.call_id is not None]
    offered = [e for e in entries if e.status == "offered"]
    return {
        "p50": statistics.median(times),
        "p99": times[min(len(times) - 1, int(0.99 * len(times)))],
        "per_s": calls / wall,
        "offered": len(offered),
        "queued": sum(e.status == "waiting" for e in entries),
        "double": len(busy) != len(set(busy)) or len({e.agent_id for e in offered}) != len(offered),
        "dropped": calls - len(entries),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pg", default=PG, help="PostgreSQL URL ('off' to skip)")
    args = parser.parse_args()
    Callflow.is_open = lambda self, now: True  # people answer at any hour in this bench
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        urls = {"sqlite": f"sqlite:///{tmp}/bench.db"}
        if args.pg != "off" and fresh_database(args.pg):
            urls["postgresql"] = args.pg
        for name, url in urls.items():
            rt = runtime(url, Path(tmp) / name)
            r = run(rt, args.calls, args.agents, args.threads)
            rt.db.dispose()
            ok &= not r["double"] and not r["dropped"] and r["offered"] == args.agents
            print(
                f"{name:10} {args.calls} calls, {args.agents} agents, {args.threads} threads: "
                f"per transfer p50 {r['p50']:.1f} ms p99 {r['p99']:.1f} ms, "
                f"{r['per_s']:.0f} transfers/s; offered {r['offered']}, queued {r['queued']}, "
                f"double offers {'YES' if r['double'] else 'none'}, dropped {r['dropped']}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
