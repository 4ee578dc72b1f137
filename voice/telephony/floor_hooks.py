"""Twilio's webhooks for the floor: the queue's wait loop, callbacks, after hours, voicemail.

All of them sit on the signed `/twilio` blueprint. Inside a queue's wait loop Twilio allows
no <Dial>, so a fault there takes the caller out of the line (<Leave>), and the queue's
action URL, like every other caller-facing endpoint here, then dials a person.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from flask import Response, abort, jsonify, request

from voice.calls.actions import Hangup, Leave, Plan
from voice.calls.plans import say
from voice.telephony.rest import RecordingCallControl
from voice.telephony.twiml import render
from voice.telephony.webhooks import bp, runtime, twiml_response, urls_for, xml_response

log = logging.getLogger(__name__)


def _sid() -> str:
    return request.form.get("CallSid", "")


def _arg(name: str) -> int:
    value = request.args.get(name, type=int)
    if value is None:
        raise LookupError(f"missing ?{name}=")
    return value


def _in_queue(produce: object, fault: str) -> Response:
    """Render a plan served inside the wait loop; on a fault, leave the line for a person."""
    try:
        plan = produce()
    except Exception:  # noqa: BLE001 - right 6: <Leave> sends the caller to the action URL's <Dial>
        log.exception("%s for call %s; leaving the queue for a person", fault, _sid())
        plan = Plan((Leave(),), reason=fault)
    return xml_response(render(plan, urls_for(_sid())))


@bp.post("/queue/wait")
def queue_wait() -> Response:
    """Announce the caller's place in line and the honest wait; offer a callback."""
    rt = runtime()
    max_wait = rt.settings.queue_max_wait_s
    return _in_queue(lambda: rt.service.waiting.wait(_arg("entry"), max_wait), "queue_wait_failed")


@bp.post("/queue/choice")
def queue_choice() -> Response:
    """Take "call me back" (or 1) from a waiting caller; anything else keeps their place."""
    form = request.form
    digits, speech = form.get("Digits", ""), form.get("SpeechResult", "")
    waiting = runtime().service.waiting
    return _in_queue(lambda: waiting.choice(_arg("entry"), digits, speech), "queue_choice_failed")


@bp.post("/queue/done")
def queue_done() -> Response:
    """Continue after the caller left the line: confirm a callback, or dial a person."""
    result = request.form.get("QueueResult", "")
    waiting = runtime().service.waiting
    return twiml_response(_sid(), lambda: waiting.left(_arg("entry"), result), "queue_left_failed")


@bp.post("/queue/connect")
def queue_connect() -> Response:
    """Dial the agent a waiting caller was offered to (Twilio fetches this after our redirect)."""
    waiting = runtime().service.waiting
    return twiml_response(_sid(), lambda: waiting.connect(_arg("entry")), "dequeue_failed")


@bp.post("/closed/choice")
def closed_choice() -> Response:
    """After hours: a callback (say it or press 1) or a voicemail."""
    form, sid = request.form, _sid()
    digits, speech = form.get("Digits", ""), form.get("SpeechResult", "")
    waiting = runtime().service.waiting
    return twiml_response(sid, lambda: waiting.closed_choice(sid, digits, speech), "closed_failed")


@bp.post("/voicemail")
def voicemail() -> Response | tuple[str, int]:
    """Store a voicemail's recording and transcript; thank the caller when they finish."""
    form, sid, event = request.form, _sid(), request.args.get("event", "done")
    url = form.get("RecordingUrl", "")
    text = form.get("TranscriptionText", "") if form.get("TranscriptionStatus") != "failed" else ""
    waiting = runtime().service.waiting
    if event != "done":  # Twilio's recording and transcription callbacks want no TwiML
        waiting.voicemail(sid, event, url, text)
        return "", 204
    return twiml_response(sid, lambda: waiting.voicemail(sid, event, url, text), "voicemail_failed")


@bp.post("/callback/agent")
def callback_agent() -> Response:
    """Tell the agent who a callback is for, then dial the customer."""
    try:
        plan = runtime().service.waiting.callback_agent(_arg("callback"))
    except Exception:  # noqa: BLE001 - the one on the line is the agent; no caller is waiting
        log.exception("callback %s could not be dialled", request.args.get("callback"))
        plan = Plan((say(None, "Sorry, this callback could not be placed. Please try again."),
                     Hangup()), reason="callback_failed")  # fmt: skip
    return xml_response(render(plan, urls_for(_sid())))


@bp.post("/callback/dialed")
def callback_dialed() -> Response:
    """Close a callback when the customer's leg ends."""
    status = request.form.get("DialCallStatus", "failed")
    waiting = runtime().service.waiting
    try:
        plan = waiting.callback_dialed(_arg("callback"), status)
    except Exception:  # noqa: BLE001 - the agent hears the end of the call, nothing more to do
        log.exception("could not record the end of callback %s", request.args.get("callback"))
        plan = Plan((Hangup(),), reason="callback_failed")
    return xml_response(render(plan, urls_for(_sid())))


@bp.post("/callback/status")
def callback_status() -> tuple[str, int]:
    """Twilio's status callback for a callback's agent leg."""
    status = request.form.get("CallStatus", "")
    runtime().service.waiting.callback_status(_arg("callback"), status)
    return "", 204


@bp.post("/sim/rest")
def recorded_rest() -> Response:
    """Hand the REST requests the fake recorded to the simulator (TWILIO_REST=fake only)."""
    control = runtime().control
    if not isinstance(control, RecordingCallControl):
        abort(404, "REST requests are sent to Twilio here, not recorded (TWILIO_REST is not fake).")
    taken = control.take(request.form.get("CallSid", ""), request.form.get("Kind", ""))
    return jsonify([asdict(r) for r in taken])
