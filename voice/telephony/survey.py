"""Send the post-call rating question by Twilio's REST API, or record it (the tests' fake).

Only the sending is here; answers come back as signed webhooks (telephony/survey_hooks.py).
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass

from voice.routing.ports import CallControlError, SurveySender
from voice.telephony.rest import DEFAULT_TIMEOUT_S, PublicBase, TwilioRest, rest_errors, uses_twilio
from voice.telephony.urls import twilio_url

log = logging.getLogger(__name__)


def survey_call_url(base: str, call_id: int) -> str:
    """Return the URL Twilio fetches when the customer answers the survey call."""
    return twilio_url(base, "survey_voice", call=call_id)


@dataclass(frozen=True, slots=True)
class SentSurvey:
    """One survey the fake recorded, as Twilio would have received it."""

    channel: str  # sms | voice
    to: str
    from_: str
    body: str = ""  # sms
    url: str = ""  # voice
    sid: str = ""


class TwilioSurveySender(TwilioRest):
    """SMS with `messages.create`, a voice survey with `calls.create`; each bounded in time."""

    def sms(self, to: str, from_: str, body: str) -> str:
        """Text the question."""
        try:
            return self.client.messages.create(to=to, from_=from_, body=body).sid
        except rest_errors() as exc:
            raise CallControlError(f"survey SMS to {to} failed: {exc}") from exc

    def voice(self, to: str, from_: str, call_id: int) -> str:
        """Call the customer; the answered call fetches the survey question."""
        url = survey_call_url(self.base.required(), call_id)
        try:
            return self.client.calls.create(to=to, from_=from_, url=url, timeout=30).sid
        except rest_errors() as exc:
            raise CallControlError(f"survey call to {to} failed: {exc}") from exc


class RecordingSurveySender:
    """Record surveys instead of sending them (TWILIO_REST=fake and the tests)."""

    def __init__(self, base: PublicBase):
        self.base = base
        self.sent: list[SentSurvey] = []
        self._lock = threading.Lock()

    def sms(self, to: str, from_: str, body: str) -> str:
        """Record the text and return a made-up message sid."""
        return self._record(
            SentSurvey("sms", to, from_, body=body, sid="SM" + secrets.token_hex(16))
        )

    def voice(self, to: str, from_: str, call_id: int) -> str:
        """Record the call and return a made-up call sid."""
        url = survey_call_url(self.base.url(), call_id)
        return self._record(
            SentSurvey("voice", to, from_, url=url, sid="CA" + secrets.token_hex(16))
        )

    def _record(self, sent: SentSurvey) -> str:
        with self._lock:
            self.sent.append(sent)
        log.info("survey (recorded, not sent): %s to %s", sent.channel, sent.to)
        return sent.sid


def make_survey_sender(
    mode: str,
    account_sid: str,
    auth_token: str,
    base: PublicBase,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> SurveySender:
    """Return Twilio's sender for mode 'twilio' (or '' with an account), else the fake."""
    if uses_twilio(mode, account_sid):
        return TwilioSurveySender(account_sid, auth_token, base, timeout_s)
    return RecordingSurveySender(base)
