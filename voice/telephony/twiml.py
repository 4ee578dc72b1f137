"""Render neutral call plans as TwiML with the twilio library's own classes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from twilio.twiml.voice_response import Connect, Gather, VoiceResponse
from twilio.twiml.voice_response import Dial as DialVerb

from voice.calls.actions import (
    Dial,
    Enqueue,
    Hangup,
    Hold,
    Leave,
    Listen,
    Offer,
    Plan,
    Say,
    Survey,
    Voicemail,
)
from voice.telephony.urls import twilio_url

SURVEY_HINTS = "one, two, three, four, five"


@dataclass(frozen=True, slots=True)
class Urls:
    """How to build the absolute URLs Twilio will call back, for one call."""

    base: str  # public https base, no trailing slash
    stream_token: Callable[[str, str], str]  # (stage, speech) -> signed token

    @property
    def ws_base(self) -> str:
        """Return the WebSocket base (wss:// for https://)."""
        return self.base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)

    def to(self, endpoint: str, **query: object) -> str:
        """Return the absolute URL of the webhook `endpoint` (its view's name), with `query`."""
        return twilio_url(self.base, endpoint, **query)


def render(plan: Plan, urls: Urls) -> str:
    """Return the TwiML document for a plan."""
    response = VoiceResponse()
    for step in plan.steps:
        match step:
            case Say(text=text, voice=voice, language=language):
                kwargs = {k: v for k, v in (("voice", voice), ("language", language)) if v}
                response.say(text, **kwargs)
            case Listen(stage=stage, speech=speech):
                response.append(_connect(stage, speech, urls))
            case Dial():
                response.append(_dial(step, urls))
            case Hangup():
                response.hangup()
            case _:
                _waiting(response, step, urls)
    return str(response)


def _waiting(response: VoiceResponse, step: object, urls: Urls) -> None:
    """Render the queue, offer and voicemail steps."""
    match step:
        case Enqueue(queue=queue, entry_id=entry):
            response.enqueue(
                queue[:64],
                wait_url=urls.to("queue_wait", entry=entry),
                wait_url_method="POST",
                action=urls.to("queue_done", entry=entry),
                method="POST",
            )
        case Offer():
            response.append(_offer(step, urls))
        case Survey():
            response.append(_survey(step, urls))
        case Hold(entry_id=entry, seconds=seconds):
            response.pause(length=seconds)
            response.redirect(urls.to("queue_wait", entry=entry), method="POST")
        case Leave():
            response.leave()
        case Voicemail(max_s=max_s):
            response.record(
                action=urls.to("voicemail", event="done"),
                method="POST",
                max_length=max_s,
                play_beep=True,
                finish_on_key="#",
                transcribe=True,
                transcribe_callback=urls.to("voicemail", event="transcript"),
                recording_status_callback=urls.to("voicemail", event="recording"),
                recording_status_callback_method="POST",
            )


def _offer(step: Offer, urls: Urls) -> Gather:
    action = (
        urls.to("queue_choice", entry=step.entry_id)
        if step.purpose == "queue"
        else urls.to("closed_choice")
    )
    kwargs = {k: v for k, v in (("language", step.language), ("hints", step.hints)) if v}
    gather = Gather(
        input="dtmf speech",
        num_digits=1,
        action=action,
        method="POST",
        timeout=5,
        speech_timeout="auto",
        **kwargs,
    )
    say = {k: v for k, v in (("voice", step.voice), ("language", step.language)) if v}
    gather.say(step.text, **say)
    return gather


def _survey(step: Survey, urls: Urls) -> Gather:
    """Ask for a rating: one key or a spoken number (a question, not a menu: no press-1 tree)."""
    on_call = {"call": step.call_id} if step.call_id is not None else {}
    action = urls.to("survey_voice", **on_call)
    kwargs = {"language": step.language} if step.language else {}
    gather = Gather(input="dtmf speech", num_digits=1, action=action, method="POST", timeout=6,
                    speech_timeout="auto", hints=SURVEY_HINTS, **kwargs)  # fmt: skip
    say = {k: v for k, v in (("voice", step.voice), ("language", step.language)) if v}
    gather.say(step.text, **say)
    return gather


def _connect(stage: str, speech: str, urls: Urls) -> Connect:
    connect = Connect(action=urls.to("after_stream", stage=stage), method="POST")
    stream = connect.stream(url=twilio_url(urls.ws_base, "media_stream"))
    stream.parameter(name="token", value=urls.stream_token(stage, speech))
    return connect


def _dial(step: Dial, urls: Urls) -> DialVerb:
    kwargs: dict[str, object] = {"timeout": step.timeout_s, "answer_on_bridge": True}
    if step.caller_id:
        kwargs["caller_id"] = step.caller_id
    if step.callback_id is not None:
        action = urls.to("callback_dialed", callback=step.callback_id)
        return _target(DialVerb(action=action, **kwargs), step.target, None)
    if step.transfer_id is None:
        dial = DialVerb(**kwargs)
        return _target(dial, step.target, None)
    dial = DialVerb(action=urls.to("dial_result", transfer=step.transfer_id), **kwargs)
    return _target(dial, step.target, urls.to("whisper", transfer=step.transfer_id))


def _target(dial: DialVerb, target: str, whisper_url: str | None) -> DialVerb:
    extra = {"url": whisper_url} if whisper_url else {}
    if target.startswith("sip:"):
        dial.sip(target, **extra)
    elif target.startswith("client:"):
        dial.client(target.removeprefix("client:"), **extra)
    else:
        dial.number(target, **extra)
    return dial
