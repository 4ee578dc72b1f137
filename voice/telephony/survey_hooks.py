"""Twilio's webhooks for rating answers: the end-of-call (or survey call) gather, and SMS replies.

A fault here ends the survey politely: the caller has finished, and a rating is not worth
keeping anyone on the line for.
"""

from __future__ import annotations

import logging

from flask import Response, request
from twilio.twiml.messaging_response import MessagingResponse

from voice.calls.actions import Hangup, Plan
from voice.calls.plans import say
from voice.telephony import inputs
from voice.telephony.twiml import render
from voice.telephony.webhooks import bp, runtime, urls_for, xml_response

log = logging.getLogger(__name__)
SMS_MAX = 1600  # Twilio's longest message body


@bp.post("/survey/voice")
def survey_voice() -> Response:
    """Ask the rating question on a survey call, or store the rating said or pressed."""
    form, rt = request.form, runtime()
    sid = inputs.sid_or_blank(form)
    call_id = None
    try:
        inputs.call_sid(form)
        call_id = inputs.optional_row_id(request.args, "call")
        digits, speech = inputs.digits(form), inputs.words(form, "SpeechResult")
        plan = rt.service.surveys.voice(sid, call_id, digits, speech)
    except Exception as exc:  # a lost rating must not leave the caller in silence
        if isinstance(exc, inputs.BadInput):  # a rating we cannot read: no traceback needed
            log.warning("survey answer for %s refused: %s", sid or "?", exc)
        else:
            log.exception("survey answer for %s not stored", sid)
        plan = Plan((say(None, "Thank you. Goodbye!"), Hangup()), reason="survey_failed")
    xml = render(plan, urls_for(sid))
    if call_id is None:  # the caller's own call: its timeline shows what we sent
        try:
            rt.service.log_event(sid, "twiml", {"path": request.path, "xml": xml})
        except Exception:  # noqa: BLE001 - the timeline is best effort
            log.warning("could not log TwiML for %s", sid)
    return xml_response(xml)


@bp.post("/survey/sms")
def survey_sms() -> Response:
    """Store a texted rating ("4") and thank the customer (or ask for one number)."""
    form = request.form
    number, body = inputs.address(form, "From"), inputs.words(form, "Body", SMS_MAX)
    if not number:
        raise inputs.BadInput("From", "missing")
    reply = runtime().service.surveys.sms(number, body)
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="text/xml")
