"""Two service instances behind deploy/haproxy.cfg, on one PostgreSQL database and one Redis.

The instances run gunicorn with deploy/gunicorn.conf.py, exactly as deploy/compose.yaml does;
only the addresses differ (loopback ports the kernel picked).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from voice.calls.lines import Lines
from voice.routing.events import LocalBus
from voice.routing.floor import Floor
from voice.store.db import Database
from voice.store.demo import seed_customers
from voice.telephony.rest import PublicBase, make_call_control

from conftest import AUTH_TOKEN, FALLBACK, ROOT, drop_postgres_database, fresh_postgres_database
from tests_support import write_open_callflows

DEPLOY = ROOT / "deploy"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
# a database of this run's own, so two runs on one server never drop each other's
PG_URL = os.environ.get(
    "VOICE_TEST_SCALE_DATABASE_URL",
    f"postgresql+psycopg://postgres@127.0.0.1:5432/voice_test_scale_{os.getpid()}",
)
REDIS_URL = os.environ.get("VOICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AGENT_PASSWORD = "scale-out proof 7f3a9c"
SECRET_KEY = "scale-out-secret-0123456789abcdef"


def free_port() -> int:
    """Return a loopback port the kernel just handed out (and took back)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing() -> str:
    """Say what this machine lacks for the scale-out test, or '' when it has it all."""
    if not Path(HAPROXY).is_file():
        return "needs haproxy (Debian: apt-get install haproxy; `scripts/setup test` as root)"
    try:
        engine = sa.create_engine(sa.engine.make_url(PG_URL).set(database="postgres"))
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.SQLAlchemyError as exc:
        return f"needs PostgreSQL at {PG_URL} ({type(exc).__name__})"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis at {REDIS_URL} ({type(exc).__name__})"
    return ""


@dataclass
class Process:
    """A server the fixture started, with its log file."""

    name: str
    proc: subprocess.Popen
    log: Path

    def text(self) -> str:
        """Return everything it logged so far."""
        return self.log.read_text(errors="replace")


@dataclass
class Instance(Process):
    """One voice instance (gunicorn), reachable directly at `url`."""

    url: str = ""

    def requests_since(self, offset: int) -> list[tuple[str, str, str, str]]:
        """Return (address, method, path, user agent) of each request logged after `offset`."""
        text = self.log.read_bytes()[offset:].decode(errors="replace")
        return [m.groups() for m in ACCESS.finditer(text)]

    def offset(self) -> int:
        """Return the log's size now, to read only what comes after."""
        return self.log.stat().st_size


# gunicorn's default access log line: h l u [t] "r" s b "f" "a"
ACCESS = re.compile(r'^(\S+) \S+ \S+ \[[^]]+\] "(\w+) (\S+) [^"]*" \d+ \S+ "[^"]*" "([^"]*)"', re.M)


@dataclass
class Cluster:
    """Instances A and B behind the balancer; `public` is everyone's PUBLIC_BASE_URL."""

    public: str
    a: Instance
    b: Instance
    balancer: Process
    db: Database
    agent: tuple[str, str] = ("ali", AGENT_PASSWORD)  # on every team the test calls reach

    def logs(self) -> str:
        """Return every server's log, for a failure message."""
        servers = (self.a, self.b, self.balancer)
        return "\n".join(f"--- {p.name}\n{p.text()[-6000:]}" for p in servers)


def _start(name: str, args: list[str], env: dict[str, str], cwd: Path) -> Process:
    log = cwd / f"{name}.log"
    # a file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks
    with log.open("w") as out:
        proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(name, proc, log)


def _wait_healthy(url: str, process: Process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            pytest.fail(f"{process.name} exited:\n{process.text()}")
        try:
            if requests.get(f"{url}/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading
            pass
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not answer /health within {seconds} s:\n{process.text()}")


def _stop(process: Process) -> None:
    # SIGINT: gunicorn's quick shutdown; a worker still holding an event stream (it notices a
    # gone browser only at its next keep-alive, 15 s) is then killed with its process group
    process.proc.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.proc.wait(timeout=3)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.proc.pid, signal.SIGKILL)
    process.proc.wait()


def _add_agent(db: Database, callflows: Path) -> None:
    """Add Ali, offline, with no wrap-up: `voice agents add --login ali … --wrap-up 0`."""
    lines = Lines(callflows, "")
    lines.load()
    control = make_call_control("fake", "", AUTH_TOKEN, PublicBase(""))
    floor = Floor(db, lines, LocalBus(), control)
    teams = ["general", "care", "orders"]
    floor.add_agent("ali", "Ali Agent", "client:ali", teams, ["en"], AGENT_PASSWORD, wrap_up_s=0)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Start voice-a and voice-b (gunicorn) and haproxy in front; stop them afterwards."""
    if missing := _missing():
        pytest.skip(missing)
    home = tmp_path_factory.mktemp("scale")
    ports = {"a": free_port(), "b": free_port(), "lb": free_port()}
    public = f"http://127.0.0.1:{ports['lb']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOSK_MODEL", "PUBLIC_"))}
    env.update(
        HOME=str(home),
        DATABASE_URL=PG_URL,
        REDIS_URL=REDIS_URL,
        PUBLIC_BASE_URL=public,  # Twilio signs the balancer's URL, whichever instance answers
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        SECRET_KEY=SECRET_KEY,
        TWILIO_REST="fake",
        SIMULATED_SPEECH="true",
        HOUSEKEEPING="false",
        CALLFLOWS_DIR=str(write_open_callflows(home / "callflows")),
        MODELS_DIR=str(home / "models"),
        FALLBACK_NUMBER=FALLBACK,
        VAR_DIR=str(home / "var"),
        LOG_LEVEL="WARNING",
    )
    fresh_postgres_database(PG_URL)
    db = Database(PG_URL)
    db.upgrade()  # `voice db upgrade`, once, before any instance starts
    seed_customers(db)
    _add_agent(db, Path(env["CALLFLOWS_DIR"]))
    started: list[Process] = []
    try:
        instances = {}
        for name in ("a", "b"):
            served = {
                **env,
                "BIND": f"127.0.0.1:{ports[name]}",
                "WEB_CONCURRENCY": "1",
                "THREADS": "16",
                "PROXY_PROTOCOL": "true",  # haproxy's send-proxy names each caller's address
                "VAR_DIR": str(home / f"var-{name}"),
            }
            args = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
            process = _start(f"voice-{name}", args, served, home)
            started.append(process)
            instances[name] = Instance(**vars(process), url=f"http://127.0.0.1:{ports[name]}")
        for instance in instances.values():
            _wait_healthy(instance.url, instance)
        balanced = {
            **env,
            "VOICE_LISTEN": f"127.0.0.1:{ports['lb']}",
            "VOICE_A": f"127.0.0.1:{ports['a']}",
            "VOICE_B": f"127.0.0.1:{ports['b']}",
        }
        balancer = _start("haproxy", [HAPROXY, "-db", "-f", str(DEPLOY / "haproxy.cfg")],
                          balanced, home)  # fmt: skip
        started.append(balancer)
        _wait_healthy(public, balancer)
        yield Cluster(public, instances["a"], instances["b"], balancer, db)
    finally:
        for process in reversed(started):
            _stop(process)
        db.dispose()
        drop_postgres_database(PG_URL)
