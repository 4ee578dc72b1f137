"""Soak: many concurrent simulated calls on PostgreSQL through gunicorn, with faults mid-run.

Starts `voice serve` (gunicorn, N workers) on a fresh PostgreSQL database reached through a
fault proxy, places CALLS concurrent calls (`--text` speech, the demo line), makes some of
their media streams stall (audio stops, socket left open), and blackholes the database for a
few seconds in the middle. Then it waits for the service's journal to be replayed and prints:
calls placed vs recorded vs closed, callers who reached a person or an answer, webhook latency
p50/p95/max, and the most threads the workers used.

Run: python bench/soak.py [--calls 200] [--workers 2] [--threads 32] [--stall 0.1] [--blip 4]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "faults"))
sys.path.insert(0, str(ROOT / "bench"))

import scratch_pg  # noqa: E402 - beside this script
from proxy import FaultProxy  # noqa: E402

from voice.sim.caller import Utter  # noqa: E402
from voice.sim.twilio import FakeTwilio  # noqa: E402
from voice.store.db import Database  # noqa: E402
from voice.store.models import Call  # noqa: E402

PG = os.environ.get("VOICE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("VOICE_BENCH_REDIS", "redis://127.0.0.1:6379/15")
TOKEN = "soak-auth-token-0123456789abcdef"
LINE = "+15555550000"  # the demo line
SAYINGS = ["what time do you close today", "agent please", "where is your store",
           "i want to talk to someone about my bill", "what are your hours"]  # fmt: skip


class TimedTwilio(FakeTwilio):
    """FakeTwilio that records each webhook's latency."""

    latencies: list[float] = []
    lock = threading.Lock()

    def post(self, url: str, params: dict, report: object, expect_xml: bool = True) -> str:
        started = time.monotonic()
        try:
            return super().post(url, params, report, expect_xml)
        finally:
            with self.lock:
                self.latencies.append(time.monotonic() - started)


def fresh_database(name: str) -> str:
    url = sa.engine.make_url(PG).set(database=name).render_as_string(hide_password=False)
    if not scratch_pg.fresh_database(url):
        raise SystemExit(f"no PostgreSQL answers at {PG}")
    Database(url).upgrade()
    return url


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def threads_of(pid: int) -> int:
    """Return the threads of `pid`'s gunicorn workers (its children) together."""
    total = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        total += int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("Threads")))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument(
        "--stall", type=float, default=0.1, help="share of calls whose stream stalls"
    )
    parser.add_argument("--blip", type=float, default=4.0, help="seconds the database blackholes")
    args = parser.parse_args()

    name = f"voice_soak_{os.getpid()}"
    url = fresh_database(name)
    target = sa.engine.make_url(url)
    proxy = FaultProxy(target.host or "127.0.0.1", target.port or 5432)
    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="voice-soak-"))
    env = {
        **os.environ,
        "DATABASE_URL": proxy.url_for(url),
        "REDIS_URL": REDIS,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "soak-secret",
        "TWILIO_REST": "fake",
        "SIMULATED_SPEECH": "true",
        "VAR_DIR": str(var),
        "CALLFLOWS_DIR": str(ROOT / "callflows"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "STREAM_IDLE_TIMEOUT_S": "3",
        "RECONCILE_INTERVAL_S": "2",
        "DB_CONNECT_TIMEOUT_S": "2",
        "DB_STATEMENT_TIMEOUT_S": "3",
        "LOG_LEVEL": "WARNING",
    }
    voice = str(Path(sys.executable).parent / "voice")
    server = subprocess.Popen(
        [
            voice,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],  # fmt: skip
        env=env,
        cwd=var,
        stdout=subprocess.DEVNULL,
        stderr=open(var / "serve.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(base + "/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], threads_of(server.pid))

        threading.Thread(target=sample, daemon=True).start()
        rng = random.Random(11)
        plan = [(i, rng.random() < args.stall, rng.choice(SAYINGS)) for i in range(args.calls)]

        def one(item: tuple[int, bool, str]) -> tuple[str, list[str]]:
            index, stalls, said = item
            time.sleep(rng.random() * 2)  # arrivals spread over two seconds
            utter = Utter(text=said, at_ms=300, stall_at_ms=500 if stalls else None)
            twilio = TimedTwilio(base, TOKEN, fast=True, simulated_text=True)
            report = twilio.call([utter, Utter(text="no thanks")], f"+1555{index:07d}", LINE)
            return report.call_sid, [s.kind for s in report.steps]

        def blip() -> None:
            time.sleep(3)
            proxy.mode = "blackhole"
            time.sleep(args.blip)
            proxy.mode = "pass"

        threading.Thread(target=blip, daemon=True).start()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.calls) as pool:
            results = list(pool.map(one, plan))
        elapsed = time.monotonic() - started
        stop.set()
        sids = {sid for sid, _ in results}
        served = sum(1 for _, kinds in results if "dial" in kinds or "say" in kinds)
        errors = sum(1 for _, kinds in results if "error" in kinds)

        direct = Database(url)
        deadline = time.monotonic() + 60
        while True:  # the journal is replayed every RECONCILE_INTERVAL_S
            with direct.session() as s:
                rows = s.execute(sa.select(Call.sid, Call.ended_at)).all()
            recorded = {sid for sid, _ in rows if sid in sids}
            closed = {sid for sid, ended in rows if sid in sids and ended is not None}
            if len(closed) == len(sids) or time.monotonic() > deadline:
                break
            time.sleep(1)
        with direct.session() as s:
            dupes = s.scalar(sa.select(sa.func.count(Call.id))) - len({r[0] for r in rows})
        direct.dispose()
        lat = sorted(TimedTwilio.latencies)
        pct = lambda q: lat[min(len(lat) - 1, round(q * (len(lat) - 1)))] * 1000  # noqa: E731
        stalled = sum(p[1] for p in plan)
        print(f"soak: {args.calls} calls, {args.workers} workers x {args.threads} threads, "
              f"{stalled} stalled streams, database blackholed {args.blip:.0f} s")  # fmt: skip
        print(f"  placed {len(sids)}  recorded {len(recorded)}  closed {len(closed)}  "
              f"duplicates {dupes}  lost {len(sids - recorded)}")  # fmt: skip
        print(f"  callers answered or dialled {served}/{len(sids)}  webhook errors {errors}")
        print(f"  webhooks {len(lat)}: p50 {pct(0.5):.0f} ms  p95 {pct(0.95):.0f} ms  "
              f"max {lat[-1] * 1000:.0f} ms  (over 15 s: {sum(x > 15 for x in lat)})")  # fmt: skip
        print(f"  peak worker threads {peak[0]}  wall {elapsed:.1f} s  "
              f"mean webhook {statistics.mean(lat) * 1000:.0f} ms")  # fmt: skip
        return 0 if len(sids - recorded) == 0 and errors == 0 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        proxy.close()
        scratch_pg.drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
