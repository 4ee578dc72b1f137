"""Twilio's HTTP webhooks: incoming call, <Connect> continuation, dial result, whisper, status."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, request

from voice.calls.actions import Plan
from voice.runtime import Runtime
from voice.telephony.signature import is_signed
from voice.telephony.twiml import Urls, render

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__, url_prefix="/twilio")
# Not a Twilio parameter: `voice call --text` adds it (inside the signature) to stand in for
# the recognizer; honoured only while SIMULATED_SPEECH is on.
SIM_PARAM = "VoiceSimulatedSpeech"


def runtime() -> Runtime:
    """Return this app's runtime."""
    return current_app.extensions["voice"]


@bp.before_request
def require_twilio_signature() -> None:
    """Refuse anything Twilio did not sign (the media stream's handshake included)."""
    rt = runtime()
    if not is_signed(request, rt.auth_token, rt.settings.public_base_url):
        abort(403, "X-Twilio-Signature is missing or does not match this URL.")
    rt.public_base.saw(request.host_url)  # where REST redirects point when no base is set


@bp.post("/voice")
def incoming_call() -> Response:
    """Answer a new call: the greeting and an open ear, or a person at once."""
    rt, form = runtime(), request.form
    sid, caller, called = form["CallSid"], form.get("From", ""), form.get("To", "")
    simulated = form.get(SIM_PARAM) == "text" and rt.settings.simulated_speech
    speech = "text" if simulated else "vosk"
    return twiml_response(
        sid, lambda: rt.service.start(sid, caller, called, speech), "incoming_failed"
    )


@bp.post("/voice/next")
def after_stream() -> Response:
    """Continue after <Connect><Stream> ends: serve the plan decided during the stream."""
    sid = request.form["CallSid"]
    return twiml_response(sid, lambda: runtime().service.take_next(sid), "continuation_failed")


@bp.post("/dial")
def dial_result() -> Response:
    """Handle the end of a <Dial>: done if bridged, else the line's fallback number."""
    sid = request.form["CallSid"]
    transfer = request.args.get("transfer", type=int)
    status = request.form.get("DialCallStatus", "failed")
    talk = request.form.get("DialCallDuration", type=int)
    return twiml_response(
        sid, lambda: runtime().service.dial_done(transfer, status, talk), "dial_failed"
    )


@bp.post("/whisper")
def whisper() -> Response:
    """Tell the answering agent, in one sentence, who is calling and why."""
    from voice.calls.plans import say

    try:
        callflow, text = runtime().service.whisper(request.args.get("transfer", type=int))
        step = say(callflow, text)
    except Exception:  # noqa: BLE001 - the agent still gets the caller, just without context
        log.exception("whisper failed for %s", request.form.get("CallSid"))
        step = say(None, "Incoming caller from the assistant.")
    return xml_response(render(Plan((step,)), urls_for(request.form.get("CallSid", ""))))


@bp.post("/status")
def call_status() -> tuple[str, int]:
    """Close the call record when Twilio reports the call's final status."""
    form = request.form
    runtime().service.status(
        form["CallSid"], form.get("CallStatus", ""), form.get("CallDuration", type=int)
    )
    return "", 204


def twiml_response(sid: str, produce: Callable[[], Plan], fault: str) -> Response:
    """Render the plan `produce` returns; on any fault, the plan that dials a person."""
    rt = runtime()
    try:
        plan = produce()
    except Exception:  # noqa: BLE001 - right 6: every fault still reaches a person
        log.exception("%s for call %s; connecting a person", fault, sid)
        plan = rt.service.fallback(sid, fault, called=request.form.get("To", ""))
    xml = render(plan, urls_for(sid))
    try:
        rt.service.log_event(sid, "twiml", {"path": request.path, "xml": xml})
    except Exception:  # noqa: BLE001 - the timeline is best effort; the caller comes first
        log.warning("could not log TwiML for %s", sid)
    response = xml_response(xml)
    if "decision" in plan.notes:  # for operators and `voice call`; Twilio ignores it
        response.headers["X-Voice-Decision"] = json.dumps(plan.notes["decision"])
    return response


def urls_for(sid: str) -> Urls:
    """Return the callback URLs for a call's TwiML."""
    rt = runtime()
    base = (rt.settings.public_base_url or request.host_url).rstrip("/")
    return Urls(base, lambda stage, speech: rt.tokens.issue(sid, stage, speech))


def xml_response(xml: str) -> Response:
    """Return TwiML as an HTTP response."""
    return Response(xml, mimetype="text/xml")


# the floor's webhooks (queue, callbacks, after hours) live beside these, on the same blueprint
from voice.telephony import floor_hooks, survey_hooks  # noqa: E402, F401
