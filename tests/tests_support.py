"""Helpers shared by tests (importable because tests/ is on sys.path via conftest)."""

import queue
import re
import secrets
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FALLBACK_RE = re.compile(r"^\+1\d{10}$")
DEMO_LINE = "+15555550000"
CHROMIUM = Path("/usr/bin/chromium")
# the marks of a test that drives Debian's headless Chromium (tests/web's `browser_page`)
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (`scripts/setup test` as root)",
    ),
]


def incoming_params(
    caller: str = "+15555550100", simulated: bool = False, sid: str = ""
) -> dict[str, str]:
    """Return the form Twilio posts for a new inbound call."""
    params = {
        "CallSid": sid or "CA" + secrets.token_hex(16),
        "AccountSid": "AC" + "0" * 32,
        "From": caller,
        "To": DEMO_LINE,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    if simulated:
        params["VoiceSimulatedSpeech"] = "text"
    return params


def assert_clean_failure(result, *phrases: str) -> None:  # a click Result
    """Assert a CLI run failed with one `error:` line naming every phrase, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert "error:" in result.output
    for phrase in phrases:
        assert phrase in result.output


class ListTransport:
    """Feeds a fixed list of events, then times out; records what the runner sends back."""

    def __init__(self, events):
        self.events = queue.Queue()
        for event in events:
            self.events.put(event)
        self.cleared = 0

    def receive(self, timeout):
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def play(self, ulaw, mark):
        pass

    def clear(self):
        self.cleared += 1


def write_open_callflows(folder: Path) -> Path:
    """Write the demo line into `folder`, open around the clock, so people answer at any hour."""
    folder.mkdir()
    demo = (ROOT / "callflows" / "acme-outfitters.yaml").read_text()
    opened = re.sub(r"(?m)^  hours: .*$", "  hours: {mon-sun: 24h}", demo)
    assert opened != demo, "the demo callflow's hours line moved; update this fixture"
    (folder / "acme-outfitters.yaml").write_text(opened)
    return folder
