"""Twilio's form fields and query args, checked at the boundary before anything else reads them.

Identifiers and documented enumerations are refused when they are not what Twilio sends
(`BadInput`); a person's words (speech, transcripts, texts) are cleaned and cut to a bound
instead, because refusing them would lose what the caller said. Values are those Twilio
documents: CallStatus in the Call resource, DialCallStatus for <Dial>'s action, QueueResult
for <Enqueue>'s action, TranscriptionStatus for <Record>'s transcribeCallback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from voice.routing.ports import CallState, DialEnd, DialOutcome

# Twilio's CallSid: "CA" and 32 hex digits (the simulator makes the same)
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
CALL_STATUSES = frozenset(
    {"queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed",
     "no-answer", "canceled"}
)  # fmt: skip
# CallStatus values that end a call; any other is a progress report on a live call
CALL_OVER = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# DialCallStatus in the service's words: "answered" is the leg's word for a bridged call
DIAL_OUTCOMES = {
    "completed": DialOutcome.BRIDGED,
    "answered": DialOutcome.BRIDGED,
    "busy": DialOutcome.BUSY,
    "no-answer": DialOutcome.NO_ANSWER,
    "failed": DialOutcome.FAILED,
    "canceled": DialOutcome.CANCELED,
}
DIAL_STATUSES = frozenset(DIAL_OUTCOMES)
QUEUE_RESULTS = frozenset(
    {"bridged", "bridging-in-process", "error", "hangup", "leave", "redirected",
     "redirected-from-bridged", "queue-full", "system-error"}
)  # fmt: skip
TRANSCRIPTION_STATUSES = frozenset({"completed", "failed"})
ADDRESS_MAX = 256  # an E.164 number, "client:…", or a SIP URI with its parameters
WORDS_MAX = 4000  # what a caller said or texted, or a voicemail's transcript
URL_MAX = 500  # the stored recording URL's column
DIGITS_MAX = 32
DURATION_MAX = 86_400  # Twilio ends any call after 24 hours
ID_MAX = 2**31 - 1  # our ids are 32-bit integers in PostgreSQL
_DIGITS = re.compile(r"[0-9*#]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class BadInput(ValueError):
    """A Twilio parameter that is missing, or is not what Twilio sends."""

    def __init__(self, name: str, why: str):
        super().__init__(f"{name}: {why}")
        self.name, self.why = name, why


def call_sid(form: Mapping[str, str], name: str = "CallSid") -> str:
    """Return the call's sid; refuse one missing or not in Twilio's form."""
    value = form.get(name)
    if value is None:
        raise BadInput(name, "missing")
    if not CALL_SID.fullmatch(value):
        raise BadInput(name, "not a Twilio call sid (CA and 32 hex digits)")
    return value


def sid_or_blank(form: Mapping[str, str], name: str = "CallSid") -> str:
    """Return the call's sid if it is well formed, else '' (for logging and fallbacks)."""
    value = form.get(name, "")
    return value if CALL_SID.fullmatch(value) else ""


def choice(
    form: Mapping[str, str], name: str, allowed: frozenset[str], default: str | None = None
) -> str:
    """Return one of Twilio's documented values; `default` when absent, if there is one."""
    value = form.get(name)
    if value is None and default is not None:
        return default
    if value is None:
        raise BadInput(name, "missing")
    if value not in allowed:
        raise BadInput(name, f"not one of Twilio's values ({', '.join(sorted(allowed))})")
    return value


def dial_end(form: Mapping[str, str], name: str = "DialCallStatus") -> DialEnd:
    """Return how a <Dial> ended (a missing status counts as failed, so a person is tried)."""
    status = choice(form, name, DIAL_STATUSES, default="failed")
    return DialEnd(DIAL_OUTCOMES[status], status)


def call_state(status: str) -> CallState:
    """Return a CallStatus word as a call's state: live, or over."""
    return CallState(status, over=status in CALL_OVER)


def seconds(form: Mapping[str, str], name: str) -> int | None:
    """Return a duration in whole seconds, None when absent; refuse negative or absurd ones."""
    value = form.get(name)
    if value is None or value == "":
        return None
    number = _plain_int(name, value)
    if not 0 <= number <= DURATION_MAX:
        raise BadInput(name, f"not between 0 and {DURATION_MAX} seconds")
    return number


def row_id(args: Mapping[str, str], name: str) -> int:
    """Return one of our row ids from a query arg we put in the URL; refuse anything else."""
    value = args.get(name)
    if value is None:
        raise BadInput(name, "missing")
    number = _plain_int(name, value)
    if not 1 <= number <= ID_MAX:
        raise BadInput(name, "not one of our ids")
    return number


def optional_row_id(args: Mapping[str, str], name: str) -> int | None:
    """Return a row id from a query arg, None when the arg is absent."""
    return None if args.get(name) is None else row_id(args, name)


def address(form: Mapping[str, str], name: str) -> str:
    """Return a caller or called address ('' when absent): bounded, no spaces or controls."""
    value = form.get(name, "")
    if len(value) > ADDRESS_MAX:
        raise BadInput(name, f"longer than {ADDRESS_MAX} characters")
    if _SPACE_OR_CONTROL.search(value):
        raise BadInput(name, "contains spaces or control characters")
    return value


def words(form: Mapping[str, str], name: str, limit: int = WORDS_MAX) -> str:
    """Return a person's words ('' when absent), control characters dropped, cut to `limit`."""
    return _CONTROL.sub("", form.get(name, ""))[:limit]


def digits(form: Mapping[str, str], name: str = "Digits") -> str:
    """Return the keys a caller pressed ('' when none); refuse anything but 0-9, * and #."""
    value = form.get(name, "")
    if len(value) > DIGITS_MAX or not _DIGITS.fullmatch(value):
        raise BadInput(name, "not keys a phone can press")
    return value


def token(form: Mapping[str, str], name: str, limit: int = 32) -> str:
    """Return a short word-like value ('' when absent); refuse long ones or odd characters."""
    value = form.get(name, "")
    if len(value) > limit or not re.fullmatch(r"[A-Za-z0-9_.:-]*", value):
        raise BadInput(name, "not a short word")
    return value


def https_url(form: Mapping[str, str], name: str) -> str:
    """Return an https URL ('' when absent), as Twilio gives for recordings; refuse others."""
    value = form.get(name, "")
    if not value:
        return ""
    if len(value) > URL_MAX or _SPACE_OR_CONTROL.search(value):
        raise BadInput(name, f"not a URL of at most {URL_MAX} characters")
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise BadInput(name, "not a URL") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise BadInput(name, "not an https URL")
    return value


def _plain_int(name: str, value: str) -> int:
    """Parse ASCII digits only: int() would take ' 7 ', '1_000', '+5' and Arabic-Indic digits."""
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise BadInput(name, "not a whole number")
    return int(value)
