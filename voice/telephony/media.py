"""Twilio Media Streams JSON ⇄ neutral stream events. The only code that knows this protocol."""

from __future__ import annotations

import base64
import json
import logging

from voice.calls.events import (
    Audio,
    Dtmf,
    PlaybackDone,
    SimulatedSpeech,
    StreamEvent,
    StreamStarted,
    StreamStopped,
)
from voice.speech.audio import pcm16_to_ulaw, ulaw_to_pcm16

log = logging.getLogger(__name__)
# Not part of Twilio's protocol: `voice call --text` sends it in place of speech. The service
# honours it only on a stream whose signed token allows simulated speech.
SIM_SPEECH = "x-voice-simulated-speech"


class ProtocolError(ValueError):
    """A message that is not valid Media Streams JSON."""


def parse(raw: str | bytes) -> StreamEvent | None:
    """Turn one message from Twilio into an event; None for messages we don't act on."""
    try:
        msg = json.loads(raw)
        kind = msg["event"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ProtocolError(f"not a Media Streams message: {str(raw)[:80]!r}") from exc
    match kind:
        case "media":
            media = msg["media"]
            if media.get("track", "inbound") not in ("inbound", "inbound_track"):
                return None
            ulaw = base64.b64decode(media["payload"])
            return Audio(pcm16=ulaw_to_pcm16(ulaw), at_ms=int(media.get("timestamp", 0)))
        case "start":
            start = msg["start"]
            return StreamStarted(
                call_sid=start["callSid"],
                stream_sid=msg.get("streamSid") or start["streamSid"],
                params=dict(start.get("customParameters") or {}),
            )
        case "dtmf":
            return Dtmf(digit=str(msg["dtmf"]["digit"]))
        case "mark":
            return PlaybackDone(name=msg["mark"]["name"])
        case "stop":
            return StreamStopped()
        case "connected":
            return None
        case _ if kind == SIM_SPEECH:
            return SimulatedSpeech(msg["text"], float(msg.get("confidence", 1.0)))
    log.debug("ignoring media stream event %r", kind)
    return None


def media_message(stream_sid: str, ulaw: bytes) -> str:
    """Return a message that plays μ-law 8 kHz audio to the caller."""
    payload = base64.b64encode(ulaw).decode("ascii")
    return json.dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": payload}})


def mark_message(stream_sid: str, name: str) -> str:
    """Return a message asking Twilio to tell us when playback reaches this point."""
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear_message(stream_sid: str) -> str:
    """Return a message that drops audio still queued for the caller (barge-in)."""
    return json.dumps({"event": "clear", "streamSid": stream_sid})


def encode_pcm(pcm16: bytes) -> bytes:
    """Encode 16-bit PCM at 8 kHz as μ-law for outbound media."""
    return pcm16_to_ulaw(pcm16)
