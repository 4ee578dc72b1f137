"""A real `voice serve` (gunicorn) whose PostgreSQL and Redis sit behind fault proxies.

The service's own database is `voice_test_faults_<pid>`, created and migrated directly; the tests
check records directly too, never through the proxy. Calls are placed by the Twilio
simulator, which times every webhook.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from faults.proxy import FaultProxy

from voice.sim.caller import Utter
from voice.sim.twilio import CallReport, FakeTwilio, WebhookFailed
from voice.store.db import Database
from voice.store.models import Call

from conftest import AUTH_TOKEN, ROOT
from tests_support import DEMO_LINE

PG_ADMIN = os.environ.get("VOICE_FAULTS_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("VOICE_FAULTS_REDIS", "redis://127.0.0.1:6379/0")
# a database of this process's own: two runs (or two test workers) never drop each other's
DB_NAME = os.environ.get("VOICE_FAULTS_DB", f"voice_test_faults_{os.getpid()}")
# To measure another version of the service (say, `git archive` of an older commit), point this
# at its source tree; the simulator and the checks stay this tree's.
CODE_UNDER_TEST = os.environ.get("VOICE_FAULTS_CODE", "")
AGENTS = 12  # one free agent for each call, whatever an earlier fault left behind
TWILIO_LIMIT_S = 15.0  # Twilio waits this long for a webhook, then plays an error and hangs up
# The budgets the service runs with in these tests: short, so a fault costs seconds, not minutes.
SERVICE_ENV = {
    "DB_CONNECT_TIMEOUT_S": "2",
    "DB_STATEMENT_TIMEOUT_S": "1",
    "DB_POOL_TIMEOUT_S": "1",
    "REDIS_TIMEOUT_S": "0.3",
    "RECONCILE_INTERVAL_S": "1",
    "STREAM_IDLE_TIMEOUT_S": "3",
    "HOUSEKEEPING": "1",
    "TWILIO_REST": "fake",
    "SIMULATED_SPEECH": "1",
    "LOG_LEVEL": "INFO",
}


def _code_env() -> dict[str, str]:
    """Return the environment that runs the code under test (this tree, or CODE_UNDER_TEST)."""
    env = dict(os.environ)
    if CODE_UNDER_TEST:
        env["PYTHONPATH"] = CODE_UNDER_TEST
    return env


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parsed = sa.engine.make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or default_port


@pytest.fixture(scope="session")
def backends() -> tuple[str, str]:
    """Return the direct PostgreSQL and Redis URLs, or skip when either is absent."""
    pg_host, pg_port = _host_port(PG_ADMIN + "/postgres", 5432)
    redis_host, redis_port = _host_port(REDIS, 6379)
    if not _reachable(pg_host, pg_port):
        pytest.skip(f"fault tests need PostgreSQL at {pg_host}:{pg_port}")
    if not _reachable(redis_host, redis_port):
        pytest.skip(f"fault tests need Redis at {redis_host}:{redis_port}")
    return f"{PG_ADMIN}/{DB_NAME}", REDIS


@pytest.fixture(scope="session")
def direct_db(backends: tuple[str, str]) -> Iterator[Database]:
    """Create and migrate the service's database directly; yield a handle that skips the proxy."""
    url = backends[0]
    admin = sa.create_engine(PG_ADMIN + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    # migrated by the service's own code (see CODE_UNDER_TEST), directly, not through a proxy
    migrate = "import sys; from voice.store.db import Database; Database(sys.argv[1]).upgrade()"
    subprocess.run([sys.executable, "-c", migrate, url], env=_code_env(), check=True, cwd="/")
    database = Database(url)
    yield database
    database.dispose()
    admin = sa.create_engine(PG_ADMIN + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_proxy(backends: tuple[str, str]) -> Iterator[FaultProxy]:
    """A proxy in front of PostgreSQL."""
    proxy = FaultProxy(*_host_port(backends[0], 5432), delay_ms=400)
    yield proxy
    proxy.close()


@pytest.fixture(scope="session")
def redis_proxy(backends: tuple[str, str]) -> Iterator[FaultProxy]:
    """A proxy in front of Redis."""
    proxy = FaultProxy(*_host_port(backends[1], 6379), delay_ms=400)
    yield proxy
    proxy.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def service(
    backends: tuple[str, str],
    direct_db: Database,
    pg_proxy: FaultProxy,
    redis_proxy: FaultProxy,
) -> Iterator[str]:
    """Run `voice serve` (one gunicorn worker) with its database and Redis behind the proxies."""
    # not under pytest's temp root, which parallel runs prune: the log must outlive the run
    home = Path(tempfile.mkdtemp(prefix="voice-faults-"))
    port = _free_port()
    env = {
        **_code_env(),
        **SERVICE_ENV,
        "HOME": str(home),
        "VAR_DIR": str(home / "var"),
        "DATABASE_URL": pg_proxy.url_for(backends[0]),
        "REDIS_URL": redis_proxy.url_for(backends[1]),
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SECRET_KEY": "faults-test",
    }
    env.pop("PUBLIC_BASE_URL", None)
    env["CALLFLOWS_DIR"] = str(_open_all_day(home / "callflows"))
    _staff(direct_db, Path(env["CALLFLOWS_DIR"]))
    log_path = home / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voice",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            "16",
        ],  # fmt: skip
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/health", timeout=3).status_code < 500:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("voice serve did not come up:\n" + log_path.read_text())
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # threads stuck on a blackholed socket: not our test
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        print(f"\nvoice serve log: {log_path}")


def _open_all_day(folder: Path) -> Path:
    """Copy the demo line with people answering around the clock, so every call is offered."""
    folder.mkdir()
    for source in (ROOT / "callflows").iterdir():
        text = source.read_text()
        if source.suffix == ".yaml":
            text = re.sub(r"^  hours: .*$", '  hours: {mon-sun: "00:00-24:00"}', text, flags=re.M)
        (folder / source.name).write_text(text)
    return folder


def _staff(database: Database, callflows: Path) -> None:
    """Put available agents on the floor (no wrap-up), so calls go through offers and events."""
    from voice.calls.lines import Lines
    from voice.routing.events import LocalBus
    from voice.routing.floor import Floor
    from voice.telephony.rest import PublicBase, make_call_control

    lines = Lines(callflows, "")
    lines.load()
    control = make_call_control("fake", "", AUTH_TOKEN, PublicBase(""))
    floor = Floor(database, lines, LocalBus(), control)
    for n in range(AGENTS):
        agent = floor.add_agent(
            f"agent{n}", f"Agent {n}", f"+1512555{1000 + n:04d}", ["general"], ["en"], wrap_up_s=0
        )
        floor.set_presence(agent["id"], "available")


@pytest.fixture
def healthy(pg_proxy: FaultProxy, redis_proxy: FaultProxy) -> Iterator[None]:
    """Start each test with both proxies passing, and heal them afterwards."""
    pg_proxy.mode = redis_proxy.mode = "pass"
    yield
    pg_proxy.mode = redis_proxy.mode = "pass"


@dataclass
class Webhook:
    """One webhook the simulated Twilio sent, and how long the service took to answer it."""

    path: str
    seconds: float
    ok: bool


@dataclass
class TimedCall:
    """A finished simulated call with the timing of each of its webhooks."""

    report: CallReport
    webhooks: list[Webhook] = field(default_factory=list)

    @property
    def sid(self) -> str:
        """Return the call's CallSid."""
        return self.report.call_sid

    def reached_a_person(self) -> bool:
        """Return True when some answered TwiML dialled a person."""
        return any("<Dial" in doc for doc in self.report.twiml)

    def slowest(self) -> Webhook:
        """Return the slowest webhook."""
        return max(self.webhooks, key=lambda w: w.seconds)


class TimedTwilio(FakeTwilio):
    """The simulator, timing each webhook and calling `after_webhook(n)` once the n-th is in."""

    def __init__(self, *args, after_webhook: Callable[[int], None] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.webhooks: list[Webhook] = []
        self.after_webhook = after_webhook

    def post(self, url: str, params: dict, report: CallReport, expect_xml: bool = True) -> str:
        """Send the webhook as Twilio would, and time it; a timeout is Twilio giving up."""
        started, ok = time.monotonic(), False
        try:
            body = super().post(url, params, report, expect_xml)
            ok = True
            return body
        except requests.RequestException as exc:
            raise WebhookFailed(f"{url}: {type(exc).__name__}") from exc
        finally:
            path = url.split("://", 1)[-1].partition("/")[2].partition("?")[0]
            self.webhooks.append(Webhook("/" + path, time.monotonic() - started, ok))
            if self.after_webhook:
                self.after_webhook(len(self.webhooks))


def place_call(
    base: str,
    text: str = "agent please",
    caller: str = "+15555550142",
    after_webhook: Callable[[int], None] | None = None,
) -> TimedCall:
    """Place one simulated call that asks for a person; return it with its webhook timings."""
    twilio = TimedTwilio(
        base, AUTH_TOKEN, fast=True, simulated_text=True, after_webhook=after_webhook
    )
    report = twilio.call([Utter(text=text)], caller, DEMO_LINE)
    return TimedCall(report, twilio.webhooks)


def call_record(db: Database, sid: str) -> Call | None:
    """Return the stored call for `sid`, read directly from PostgreSQL."""
    with db.session() as s:
        return s.scalar(sa.select(Call).where(Call.sid == sid))


def wait_for_closed_record(db: Database, sid: str, within_s: float = 6.0) -> Call | None:
    """Return the call's record once it is closed, or whatever is stored after `within_s`."""
    deadline = time.monotonic() + within_s
    while True:
        record = call_record(db, sid)
        if record is not None and record.status == "completed" and record.ended_at:
            return record
        if time.monotonic() > deadline:
            return record
        time.sleep(0.25)


def describe(call: TimedCall) -> str:
    """Return the call's webhooks and what the caller heard, for an assertion message."""
    hooks = ", ".join(
        f"{w.path} {w.seconds:.2f}s{'' if w.ok else ' FAILED'}" for w in call.webhooks
    )
    steps = "; ".join(f"{s.kind}: {s.text}" for s in call.report.steps)
    return f"webhooks: {hooks}\nsteps: {steps}"


ROOT_DIR = Path(__file__).resolve().parent
