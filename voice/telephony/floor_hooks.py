"""Twilio's webhooks for the floor: the queue's wait loop, callbacks, after hours, voicemail.

All of them sit on the signed `/twilio` blueprint. Inside a queue's wait loop Twilio allows
no <Dial>, so a fault there takes the caller out of the line (<Leave>), and the queue's
action URL, like every other caller-facing endpoint here, then dials a person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

from flask import Response, abort, jsonify, request
from sqlalchemy.exc import NoResultFound

from voice.calls.actions import Hangup, Leave, Plan
from voice.calls.plans import say
from voice.telephony import inputs
from voice.telephony.rest import RecordingCallControl
from voice.telephony.twiml import render
from voice.telephony.webhooks import bp, runtime, twiml_response, urls_for, xml_response

log = logging.getLogger(__name__)
TRANSCRIBED = inputs.TRANSCRIPTION_STATUSES


def _sid() -> str:
    return inputs.sid_or_blank(request.form)


def _entry() -> int:
    inputs.call_sid(request.form)
    return inputs.row_id(request.args, "entry")


def _in_queue(produce: Callable[[], Plan], fault: str) -> Response:
    """Render a plan served inside the wait loop; on a fault, leave the line for a person."""
    try:
        plan = produce()
    except inputs.BadInput as exc:  # right 6: <Leave> sends the caller to the action URL
        log.warning("%s for call %s: %s; leaving the queue for a person", fault, _sid(), exc)
        plan = Plan((Leave(),), reason=fault)
    except Exception:  # right 6: <Leave> sends the caller to the action URL's <Dial>
        log.exception("%s for call %s; leaving the queue for a person", fault, _sid())
        plan = Plan((Leave(),), reason=fault)
    return xml_response(render(plan, urls_for(_sid())))


@bp.post("/queue/wait")
def queue_wait() -> Response:
    """Announce the caller's place in line and the honest wait; offer a callback."""
    rt = runtime()
    max_wait = rt.settings.queue_max_wait_s
    return _in_queue(lambda: rt.service.waiting.wait(_entry(), max_wait), "queue_wait_failed")


@bp.post("/queue/choice")
def queue_choice() -> Response:
    """Take "call me back" (or 1) from a waiting caller; anything else keeps their place."""
    form, waiting = request.form, runtime().service.waiting
    return _in_queue(
        lambda: waiting.choice(_entry(), inputs.digits(form), inputs.words(form, "SpeechResult")),
        "queue_choice_failed",
    )


@bp.post("/queue/done")
def queue_done() -> Response:
    """Continue after the caller left the line: confirm a callback, or dial a person."""
    form, waiting = request.form, runtime().service.waiting

    def left() -> Plan:
        result = inputs.choice(form, "QueueResult", inputs.QUEUE_RESULTS, default="error")
        return waiting.left(_entry(), result)

    return twiml_response(_sid(), left, "queue_left_failed")


@bp.post("/queue/connect")
def queue_connect() -> Response:
    """Dial the agent a waiting caller was offered to (Twilio fetches this after our redirect)."""
    waiting = runtime().service.waiting
    return twiml_response(_sid(), lambda: waiting.connect(_entry()), "dequeue_failed")


@bp.post("/closed/choice")
def closed_choice() -> Response:
    """After hours: a callback (say it or press 1) or a voicemail."""
    form, waiting = request.form, runtime().service.waiting

    def chosen() -> Plan:
        sid = inputs.call_sid(form)
        return waiting.closed_choice(sid, inputs.digits(form), inputs.words(form, "SpeechResult"))

    return twiml_response(_sid(), chosen, "closed_failed")


@bp.post("/voicemail")
def voicemail() -> Response | tuple[str, int]:
    """Store a voicemail's recording and transcript; thank the caller when they finish."""
    form, waiting = request.form, runtime().service.waiting
    event = request.args.get("event", "done")

    def stored() -> Plan:
        sid = inputs.call_sid(form)
        url = inputs.https_url(form, "RecordingUrl")
        status = inputs.choice(form, "TranscriptionStatus", TRANSCRIBED, default="completed")
        text = inputs.words(form, "TranscriptionText") if status != "failed" else ""
        return waiting.voicemail(sid, event, url, text)

    if event == "done":  # the caller is on the line: thank them, or dial a person
        return twiml_response(_sid(), stored, "voicemail_failed")
    if event not in ("recording", "transcript"):
        raise inputs.BadInput("event", "not one of done, recording, transcript")
    try:  # Twilio's recording and transcription callbacks want no TwiML
        stored()
    except LookupError:  # not a call of ours (or no longer one): nothing to store
        log.warning("voicemail %s for unknown call %s ignored", event, _sid() or "?")
    return "", 204


@bp.post("/callback/agent")
def callback_agent() -> Response:
    """Tell the agent who a callback is for, then dial the customer."""
    try:
        plan = runtime().service.waiting.callback_agent(inputs.row_id(request.args, "callback"))
    except inputs.BadInput as exc:  # the one on the line is the agent; no caller is waiting
        log.warning("callback could not be dialled: %s", exc)
        plan = _callback_failed()
    except Exception:  # the one on the line is the agent; no caller is waiting
        log.exception("callback %s could not be dialled", request.args.get("callback"))
        plan = _callback_failed()
    return xml_response(render(plan, urls_for(_sid())))


def _callback_failed() -> Plan:
    text = "Sorry, this callback could not be placed. Please try again."
    return Plan((say(None, text), Hangup()), reason="callback_failed")


@bp.post("/callback/dialed")
def callback_dialed() -> Response:
    """Close a callback when the customer's leg ends."""
    form, waiting = request.form, runtime().service.waiting
    try:
        callback = inputs.row_id(request.args, "callback")
        plan = waiting.callback_dialed(callback, inputs.dial_end(form))
    except Exception:  # the agent hears the end of the call, nothing more to do
        log.exception("could not record the end of callback %s", request.args.get("callback"))
        plan = Plan((Hangup(),), reason="callback_failed")
    return xml_response(render(plan, urls_for(_sid())))


@bp.post("/callback/status")
def callback_status() -> tuple[str, int]:
    """Twilio's status callback for a callback's agent leg."""
    callback = inputs.row_id(request.args, "callback")
    state = inputs.call_state(inputs.choice(request.form, "CallStatus", inputs.CALL_STATUSES))
    try:
        runtime().service.waiting.callback_status(callback, state)
    except NoResultFound:  # not one of our callbacks (or no longer): nothing to change
        log.warning("status for unknown callback %s ignored", callback)
    return "", 204


@bp.post("/sim/rest")
def recorded_rest() -> Response:
    """Hand the REST requests the fake recorded to the simulator (TWILIO_REST=fake only)."""
    control = runtime().control
    if not isinstance(control, RecordingCallControl):
        abort(404, "REST requests are sent to Twilio here, not recorded (TWILIO_REST is not fake).")
    form = request.form
    sid = inputs.call_sid(form) if "CallSid" in form else ""  # none: every call's requests
    taken = control.take(sid, inputs.token(form, "Kind"))
    return jsonify([asdict(r) for r in taken])
