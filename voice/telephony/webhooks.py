"""Twilio's HTTP webhooks: incoming call, <Connect> continuation, dial result, whisper, status."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Blueprint, Response, abort, current_app, request

from voice.calls.actions import Plan
from voice.store.breaker import deadline
from voice.telephony import inputs
from voice.telephony.signature import is_signed
from voice.telephony.twiml import Urls, render

if TYPE_CHECKING:  # the composition root builds this package's parts; only its type is read
    from voice.runtime import Runtime

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__, url_prefix="/twilio")
# Not a Twilio parameter: `voice call --text` adds it (inside the signature) to stand in for
# the recognizer; honoured only while SIMULATED_SPEECH is on.
SIM_PARAM = "VoiceSimulatedSpeech"
WHISPER_FALLBACK = "Incoming caller from the assistant."
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


@bp.errorhandler(inputs.BadInput)
def refuse_bad_input(exc: inputs.BadInput) -> tuple[str, int]:
    """Answer a request Twilio would never send with a 400 that says which field is wrong."""
    log.warning("refused Twilio request to %s: %s", request.path, exc)
    return f"Bad request: {exc}\n", 400


@bp.post("/voice")
def incoming_call() -> Response:
    """Answer a new call: the greeting and an open ear, or a person at once."""
    rt, form = runtime(), request.form

    def start() -> Plan:
        sid = inputs.call_sid(form)
        caller, called = inputs.address(form, "From"), inputs.address(form, "To")
        simulated = form.get(SIM_PARAM) == "text" and rt.settings.simulated_speech
        return rt.service.start(sid, caller, called, "text" if simulated else "vosk")

    return twiml_response(inputs.sid_or_blank(form), start, "incoming_failed")


@bp.post("/voice/next")
def after_stream() -> Response:
    """Continue after <Connect><Stream> ends: serve the plan decided during the stream."""
    form = request.form
    return twiml_response(
        inputs.sid_or_blank(form),
        lambda: runtime().service.take_next(inputs.call_sid(form)),
        "continuation_failed",
    )


@bp.post("/dial")
def dial_result() -> Response:
    """Handle the end of a <Dial>: done if bridged, else the line's fallback number."""
    form = request.form

    def done() -> Plan:
        inputs.call_sid(form)
        transfer = inputs.row_id(request.args, "transfer")
        talk = inputs.seconds(form, "DialCallDuration")
        return runtime().service.dial_done(transfer, inputs.dial_end(form), talk)

    return twiml_response(inputs.sid_or_blank(form), done, "dial_failed")


@bp.post("/whisper")
def whisper() -> Response:
    """Tell the answering agent, in one sentence, who is calling and why."""
    from voice.calls.plans import say

    sid = inputs.sid_or_blank(request.form)
    try:
        callflow, text = runtime().service.whisper(inputs.row_id(request.args, "transfer"))
        step = say(callflow, text)
    except inputs.BadInput as exc:  # the agent still gets the caller, just without context
        log.warning("whisper for %s without context: %s", sid, exc)
        step = say(None, WHISPER_FALLBACK)
    except Exception:  # the agent still gets the caller, just without context
        log.exception("whisper failed for %s", sid)
        step = say(None, WHISPER_FALLBACK)
    return xml_response(render(Plan((step,)), urls_for(sid)))


@bp.post("/status")
def call_status() -> tuple[str, int]:
    """Close the call record when Twilio reports the call's final status."""
    form = request.form
    sid = inputs.call_sid(form)
    state = inputs.call_state(inputs.choice(form, "CallStatus", inputs.CALL_STATUSES))
    runtime().service.status(sid, state, inputs.seconds(form, "CallDuration"))
    return "", 204


def twiml_response(sid: str, produce: Callable[[], Plan], fault: str) -> Response:
    """Render the plan `produce` returns; on bad input or any fault, the plan that dials a person.

    `sid` is the call's well-formed sid, or '' when the request has none. The service stores
    the TwiML in the transaction that decided the plan (one transaction per webhook); only a
    plan it did not store that way is logged on its own, as before.
    """
    rt = runtime()
    urls = urls_for(sid)
    with deadline(rt.settings.webhook_store_budget_s):  # Twilio gives up at 15 s
        with rt.service.serving(request.path, lambda plan: render(plan, urls)) as served:
            try:
                plan = produce()
            except inputs.BadInput as exc:  # right 6: a caller is waiting, whatever Twilio sent
                log.warning("%s for call %s: %s; connecting a person", fault, sid or "?", exc)
                plan = rt.service.fallback(sid, fault, called=called_number())
            except Exception:  # right 6: every fault still reaches a person
                log.exception("%s for call %s; connecting a person", fault, sid or "?")
                plan = rt.service.fallback(sid, fault, called=called_number())
        xml = served.xml_for(plan)
        if xml is None:
            xml = render(plan, urls)
            try:
                rt.service.log_event(sid, "twiml", {"path": request.path, "xml": xml})
            except Exception:  # noqa: BLE001 - the timeline is best effort; the caller comes first
                log.warning("could not log TwiML for %s", sid)
    response = xml_response(xml)
    if "decision" in plan.notes:  # for operators and `voice call`; Twilio ignores it
        response.headers["X-Voice-Decision"] = json.dumps(plan.notes["decision"])
    return response


def called_number() -> str:
    """Return the number the caller dialled (picks the line's fallback), '' if it is odd."""
    try:
        return inputs.address(request.form, "To")
    except inputs.BadInput:
        return ""


def urls_for(sid: str) -> Urls:
    """Return the callback URLs for a call's TwiML."""
    rt = runtime()
    base = (rt.settings.public_base_url or request.host_url).rstrip("/")
    return Urls(base, lambda stage, speech: rt.tokens.issue(sid, stage, speech))


def xml_response(xml: str) -> Response:
    """Return TwiML as an HTTP response, without the characters XML 1.0 forbids.

    Twilio's parser would fail on them, and the caller would hear an application error.
    """
    return Response(_NOT_XML.sub("", xml), mimetype="text/xml")


# the floor's webhooks (queue, callbacks, after hours) live beside these, on the same blueprint
from voice.telephony import floor_hooks, survey_hooks  # noqa: E402, F401
