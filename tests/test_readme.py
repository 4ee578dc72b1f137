"""The README's shell blocks, run as a newcomer pastes them, so a broken command fails the suite.

Every ```sh block runs in order, each command on its own, in a copy of the callflows with a
fresh VAR_DIR and the virtualenv on the PATH (as after `source .venv/bin/activate`). A command
that starts the service (`scripts/serve …`, `voice serve …`) runs in the background, on a free
port that stands in for the README's 5000, until the next one starts or the test ends; the
commands after it reach it with their `--url`. `scripts/serve` is `scripts/setup` (the
installer, which the suite itself was installed by) and then `voice serve --demo`: the test runs
the second part. Prompts get a long password on standard input.

A block after `<!-- readme-test: skip (why) -->` is not run; keep that list short.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?:<!-- readme-test: (?P<mark>[a-z]+)[^>]*-->\n)?```sh\n(?P<body>.*?)```", re.S
)
SERVER = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:scripts/serve|(?:\.venv/bin/)?voice serve)\b")
PASSWORD = "tent pegs and paddle boards\n"
STARTED_WITHIN_S = 90  # a cold start on a busy machine: migrations, the demo month, the app


def free_port() -> int:
    """Return a loopback port the kernel just handed out (and took back)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def blocks(text: str) -> list[tuple[str, str]]:
    """Return each ```sh block's skip mark ('' or 'skip') and body, in order."""
    return [(m["mark"] or "", m["body"]) for m in BLOCK.finditer(text)]


def commands(body: str) -> list[str]:
    """Return a block's commands: continuation lines joined, comment-only lines left out."""
    joined = re.sub(r"\\\n\s*", " ", body)
    return [
        line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_readme_lists_few_skipped_blocks_and_runs_the_rest():
    found = blocks(README.read_text())
    skipped = [body for mark, body in found if mark == "skip"]
    assert len(found) > 10 and len(skipped) <= 4, skipped
    assert {mark for mark, _ in found} <= {"", "skip"}


class Server:
    """The service a README block started, in the background, on the test's port."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int):
        self.workdir, self.env, self.port = workdir, env, port
        self.proc: subprocess.Popen | None = None
        self.started = 0

    def start(self, command: str) -> None:
        self.stop()
        command = command.replace("scripts/serve", "voice serve --demo", 1)
        self.log = self.workdir / f"server-{self.started}.log"
        self.started += 1
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["bash", "-c", command], cwd=self.workdir, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + STARTED_WITHIN_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"{command!r} stopped:\n{self.log.read_text()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"{command!r} did not answer /health:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


@pytest.fixture
def workdir(tmp_path):
    """Return a fresh clone's working folder: the callflows and the installed virtualenv."""
    shutil.copytree(ROOT / "callflows", tmp_path / "callflows")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    return tmp_path


@pytest.fixture
def readme_env(workdir, database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOSK_MODEL", "NLU_MODEL"))}
    for name in ("DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN", "SECRET_KEY", "PORT",
                 "TWILIO_ACCOUNT_SID", "TWILIO_REST", "DEMO_MODE", "OPEN_HOURS"):  # fmt: skip
        env.pop(name, None)
    env |= {
        "HOME": str(workdir / "home"),
        "VAR_DIR": str(workdir / "var"),
        "CALLFLOWS_DIR": str(workdir / "callflows"),
        "MODELS_DIR": str(ROOT / "var" / "models"),  # where `scripts/setup` put nlu-en
        "VOICE_CONFIG": os.devnull,  # no settings file: a fresh clone has none
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    if database_url.startswith("postgresql"):
        env["DATABASE_URL"] = database_url  # else the embedded default, SQLite under VAR_DIR
    return env


def test_every_readme_command_works_when_pasted(workdir, readme_env, db):
    port = free_port()
    env = readme_env | {"PORT": str(port)}
    server = Server(workdir, env, port)
    text = README.read_text().replace("127.0.0.1:5000", f"127.0.0.1:{port}")
    ran = 0
    try:
        for mark, body in blocks(text):
            if mark == "skip":
                continue
            for command in commands(body):
                if SERVER.match(command):
                    server.start(command)
                    continue
                done = subprocess.run(
                    ["bash", "-c", command], cwd=workdir, env=env, input=PASSWORD * 4,
                    capture_output=True, text=True, timeout=180,
                )  # fmt: skip
                assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
                ran += 1
    finally:
        server.stop()
    assert ran > 25
