"""The rating answers that come back: said or pressed at the end of a call, or texted back."""

from __future__ import annotations

import datetime as dt
import logging
import re

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.calls.actions import Hangup, Plan
from voice.calls.ledger import Ledger
from voice.calls.lines import Lines
from voice.calls.phrases import phrases_for
from voice.calls.plans import say, survey_step
from voice.calls.records import add_event, find_call
from voice.privacy import redact
from voice.store.models import Call, CallEvent, SurveyResponse, utcnow

log = logging.getLogger(__name__)
SMS_WINDOW = dt.timedelta(days=7)  # a text reply later than this is not taken as the rating
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def parse_score(text: str) -> int | None:
    """Return the 1-5 rating in "4", "four", "I'd say 5 stars"; None when there is none."""
    for token in re.findall(r"[a-z]+|\d+", text.lower()):
        if token.isdigit():
            return int(token) if 1 <= int(token) <= 5 else None
        if token in _WORDS:
            return _WORDS[token]
    return None


class CallSurveys:
    """Store survey answers from the signed voice and SMS webhooks."""

    def __init__(self, ledger: Ledger, lines: Lines):
        self.ledger, self.lines = ledger, lines

    def voice(self, sid: str, call_id: int | None, digits: str, speech: str) -> Plan:
        """Ask (outbound survey call just answered) or store the rating said or pressed."""
        with self.ledger.session() as s:
            call = find_call(s, sid) if call_id is None else s.get(Call, call_id)
            if call is None:
                raise LookupError(f"no call {call_id} to rate")
            callflow = self.lines.by_name(call.callflow)
            bye = (say(callflow, callflow.goodbye), Hangup())
            raw = digits or speech
            if not raw and call_id is not None:  # the customer picked up our survey call
                return Plan((survey_step(callflow, call.id), *bye), reason="survey")
            score = parse_score(raw)
            if score is None:  # one question, never a re-prompt loop
                add_event(s, call, "survey_unclear", {"heard": redact(raw)})
                return Plan(bye, reason="survey_unclear")
            path = "automated" if call_id is None else "human"
            store(s, call, "dtmf" if digits else "voice", path, score, raw)
            return Plan((say(callflow, callflow.survey.thanks), *bye), reason="survey_answered")

    def sms(self, number: str, body: str) -> str:
        """Store a texted rating for the caller's latest SMS survey; return the reply to send."""
        with self.ledger.session() as s:
            call = _awaiting_sms(s, number)
            if call is None:
                log.info("SMS from %s matches no open survey; ignored", number[-4:])
                return ""
            callflow = self.lines.by_name(call.callflow)
            score = parse_score(body)
            if score is None:
                return phrases_for(callflow).rate_again
            store(s, call, "sms", "human", score, body)
            return callflow.survey.thanks


def _awaiting_sms(s: so.Session, number: str) -> Call | None:
    """Return the latest call from `number` sent an SMS survey recently and not yet answered."""
    sent = s.execute(
        sa.select(Call, CallEvent.detail)
        .join(CallEvent, CallEvent.call_id == Call.id)
        .where(
            Call.from_number == number,
            CallEvent.kind == "survey_sent",
            CallEvent.at >= utcnow() - SMS_WINDOW,
        )
        .order_by(CallEvent.at.desc(), CallEvent.id.desc())
    ).all()
    for call, detail in sent:
        if detail.get("channel") != "sms":
            continue
        answered = s.scalar(
            sa.select(sa.func.count(SurveyResponse.id)).where(
                SurveyResponse.call_id == call.id, SurveyResponse.channel == "sms"
            )
        )
        return None if answered else call
    return None


def store(s: so.Session, call: Call, channel: str, path: str, score: int, raw: str) -> None:
    """Store one rating (the words redacted like transcripts) and note it on the timeline."""
    words = redact(raw)[:500]
    s.add(SurveyResponse(call_id=call.id, channel=channel, path=path, score=score, raw=words,
                         demo=call.demo))  # fmt: skip
    add_event(s, call, "survey_answered", {"channel": channel, "path": path, "score": score})
