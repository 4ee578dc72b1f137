"""`voice` run from any directory: one home, one-line errors with the fix, tracebacks on --debug."""

import os
import signal
import socket
import subprocess
import sys

import pytest

from conftest import AUTH_TOKEN, ROOT


def voice(cwd, *args, timeout=120, **env):
    """Run `python -m voice ARGS` in `cwd` as a user types it; return the finished process.

    A variable given as None is unset.
    """
    full = {**os.environ, "HOME": str(cwd)}
    for name in ("PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN", "VOSK_MODEL_PATH"):
        full.pop(name, None)
    full.update(env)
    full = {name: value for name, value in full.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "voice", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(stderr: str) -> str:
    """Return the one error line, asserting that it is alone and no traceback came with it."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    return errors[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_voice_run_from_another_directory_uses_the_checkouts_home(tmp_path):
    # the defaults, as a newcomer has them
    env = {"VAR_DIR": None, "CALLFLOWS_DIR": None, "MODELS_DIR": None, "DATABASE_URL": None}
    elsewhere = voice(tmp_path, "settings", **env)
    at_home = voice(ROOT, "settings", **env)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert elsewhere.stdout == at_home.stdout
    assert f"VAR_DIR:        {ROOT / 'var'}" in elsewhere.stdout
    assert f"CALLFLOWS_DIR:  {ROOT / 'callflows'}" in elsewhere.stdout
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize("command", [["call", "--text", "hi", "--fast"], ["serve", "--port", "9"]])
def test_serve_and_call_refuse_without_a_callflow(tmp_path, command):
    (tmp_path / "flows").mkdir()
    done = voice(tmp_path, *command, CALLFLOWS_DIR=str(tmp_path / "flows"))
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert f"no callflow in {tmp_path / 'flows'}" in line and "set CALLFLOWS_DIR" in line


def test_a_folder_of_broken_callflows_is_refused_naming_the_problem(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "shop.yaml").write_text("version: 1\nname: [\n")
    done = voice(tmp_path, "call", "--text", "hi", CALLFLOWS_DIR=str(tmp_path / "flows"))
    assert done.returncode == 1
    assert "shop.yaml" in one_line(done.stderr)


def test_call_url_with_no_server_running_says_to_start_one(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    done = voice(tmp_path, "call", "--url", url, "--text", "hi", "--fast")
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert f"nothing answers at {url} (connection refused)" in line
    assert "start `voice serve`" in line


def test_call_url_refused_with_403_exits_non_zero_and_says_why(tmp_path, app):
    from voice.sim.server import serve

    with serve(app) as base:  # a service that signs with another token than this `voice call`
        done = voice(tmp_path, "call", "--url", base, "--text", "hi", "--fast",
                     TWILIO_AUTH_TOKEN="not-" + AUTH_TOKEN)  # fmt: skip
    assert done.returncode == 1
    assert "answered 403" in done.stdout  # the report still shows what happened
    line = one_line(done.stderr)
    assert "refused the call's webhook (403)" in line and "TWILIO_AUTH_TOKEN" in line


def test_call_url_accepted_exits_zero(tmp_path, app):
    from voice.sim.server import serve

    with serve(app) as base:
        done = voice(tmp_path, "call", "--url", base, "--text", "agent", "--fast",
                     TWILIO_AUTH_TOKEN=AUTH_TOKEN)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "agent: answered" in done.stdout and "agent: agent" not in done.stdout


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgres://voice@127.0.0.1:{port}/voice", "the database at postgresql+psycopg://"),
        ("mysql://voice@db/voice", "names a database this service does not use (mysql)"),
        ("localhost/voice", "DATABASE_URL is not a database URL"),
        ("sqlite:///nowhere/at/all/voice.db", "the folder"),
    ],
)
def test_a_wrong_database_url_is_one_line_with_the_fix(tmp_path, url, says):
    done = voice(tmp_path, "db", "upgrade", DATABASE_URL=url.format(port=closed_port()))
    assert done.returncode == 1
    assert says in one_line(done.stderr)
    assert not (tmp_path / "nowhere").exists()  # no folder made outside VAR_DIR


def test_a_wrong_setting_is_one_line_naming_it(tmp_path):
    done = voice(tmp_path, "db", "upgrade", QUEUE_MAX_WAIT_S="soon")
    assert done.returncode == 1
    assert "QUEUE_MAX_WAIT_S='soon'" in one_line(done.stderr)


def test_debug_shows_the_traceback(tmp_path):
    url = f"postgres://voice@127.0.0.1:{closed_port()}/voice"
    done = voice(tmp_path, "--debug", "db", "upgrade", DATABASE_URL=url)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "DatabaseError" in done.stderr


def test_ctrl_c_during_a_call_exits_130_with_one_line(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "CALLFLOWS_DIR": str(ROOT / "callflows"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'voice.db'}"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice", "--log-level", "INFO", "call", "--text", "hours"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # the greeting plays in real time (10 s): interrupt once the service has started
    for line in proc.stderr:
        if "voice.app" in line or "voice.calls" in line or "voice.nlu" in line:
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "voice: interrupted"


def test_a_missing_settings_file_is_one_line(tmp_path):
    done = voice(tmp_path, "settings", VOICE_CONFIG=str(tmp_path / "voice.env"))
    assert done.returncode == 1
    assert "no such file. Fix: create it, or unset VOICE_CONFIG" in one_line(done.stderr)


def test_voice_settings_names_the_settings_file_it_read(tmp_path):
    (tmp_path / "voice.env").write_text("VAR_DIR=state\n")
    file = str(tmp_path / "voice.env")
    done = voice(tmp_path.parent, "settings", VAR_DIR=None, VOICE_CONFIG=file)
    assert done.returncode == 0, done.stderr
    assert f"settings file:  {tmp_path / 'voice.env'}" in done.stdout
    assert f"VAR_DIR:        {tmp_path / 'state'}" in done.stdout


def test_a_wrong_log_level_is_one_line_naming_the_levels(tmp_path):
    done = voice(tmp_path, "settings", LOG_LEVEL="loud")
    assert done.returncode == 1
    assert "LOG_LEVEL=loud: not a log level" in one_line(done.stderr)
