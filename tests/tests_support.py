"""Helpers shared by tests (importable because tests/ is on sys.path via conftest)."""

import re
import secrets
from pathlib import Path

import pytest

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


def assert_clean_failure(result, *phrases: str) -> None:  # noqa: ANN001 - a click Result
    """Assert a CLI run failed with one `error:` line naming every phrase, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert "error:" in result.output
    for phrase in phrases:
        assert phrase in result.output
