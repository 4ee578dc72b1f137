"""Render neutral call plans as TwiML with the twilio library's own classes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from twilio.twiml.voice_response import Connect, VoiceResponse
from twilio.twiml.voice_response import Dial as DialVerb

from voice.calls.actions import Dial, Hangup, Listen, Plan, Say


@dataclass(frozen=True, slots=True)
class Urls:
    """How to build the absolute URLs Twilio will call back, for one call."""

    base: str  # public https base, no trailing slash
    stream_token: Callable[[str, str], str]  # (stage, speech) -> signed token

    @property
    def ws_base(self) -> str:
        """Return the WebSocket base (wss:// for https://)."""
        return self.base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)


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
    return str(response)


def _connect(stage: str, speech: str, urls: Urls) -> Connect:
    connect = Connect(action=f"{urls.base}/twilio/voice/next?stage={stage}", method="POST")
    stream = connect.stream(url=f"{urls.ws_base}/twilio/stream")
    stream.parameter(name="token", value=urls.stream_token(stage, speech))
    return connect


def _dial(step: Dial, urls: Urls) -> DialVerb:
    kwargs = {"timeout": step.timeout_s, "answer_on_bridge": True}
    if step.caller_id:
        kwargs["caller_id"] = step.caller_id
    if step.transfer_id is None:
        dial = DialVerb(**kwargs)
        return _target(dial, step.target, None)
    dial = DialVerb(action=f"{urls.base}/twilio/dial?transfer={step.transfer_id}", **kwargs)
    return _target(dial, step.target, f"{urls.base}/twilio/whisper?transfer={step.transfer_id}")


def _target(dial: DialVerb, target: str, whisper_url: str | None) -> DialVerb:
    extra = {"url": whisper_url} if whisper_url else {}
    if target.startswith("sip:"):
        dial.sip(target, **extra)
    elif target.startswith("client:"):
        dial.client(target.removeprefix("client:"), **extra)
    else:
        dial.number(target, **extra)
    return dial
