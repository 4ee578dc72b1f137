"""Twilio Media Streams JSON ⇄ neutral stream events. The only code that knows this protocol."""

from __future__ import annotations

import base64
import binascii
import json
import logging

import orjson

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


FRAME_BYTES = 160  # Twilio sends 20 ms of 8 kHz μ-law per media message
MAX_FRAME_BYTES = 4 * FRAME_BYTES  # slack for a sender that batches a few frames
_MAX_PAYLOAD_CHARS = 4 * -(-MAX_FRAME_BYTES // 3)  # its base64 length
MAX_TEXT = 4000  # a simulated utterance
MAX_NAME = 256  # sids, mark names, custom parameters


class ProtocolError(ValueError):
    """A message that is not valid Media Streams JSON."""


def parse(raw: str | bytes) -> StreamEvent | None:
    """Turn one message from Twilio into an event; None for messages we don't act on.

    Total: anything malformed raises ProtocolError, never another exception.
    """
    try:
        msg = orjson.loads(raw)  # 5x json's speed on a media message; as strict or stricter
    except (ValueError, TypeError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {_preview(raw)}") from exc
    if not isinstance(msg, dict):
        raise ProtocolError(f"not a JSON object: {_preview(raw)}")
    kind = msg.get("event")
    if not isinstance(kind, str):
        raise ProtocolError(f"no event name: {_preview(raw)}")
    parser = _PARSERS.get(kind)
    if parser is None:
        log.debug("ignoring media stream event %r", kind[:40])
        return None
    return parser(msg)


def _media(msg: dict) -> Audio | None:
    media = _part(msg, "media")
    if media.get("track", "inbound") not in ("inbound", "inbound_track"):
        return None
    payload = _text(media, "payload", _MAX_PAYLOAD_CHARS)
    try:  # strict: only the alphabet, correct padding, nothing after it
        ulaw = binascii.a2b_base64(payload, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("media payload is not base64") from exc
    if len(ulaw) > MAX_FRAME_BYTES:
        raise ProtocolError(f"media payload of {len(ulaw)} bytes is not one frame")
    timestamp = media.get("timestamp", 0)
    text = str(timestamp) if isinstance(timestamp, (int, str)) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise ProtocolError("media timestamp is not a whole number of milliseconds")
    return Audio(pcm16=_ulaw_frame_to_pcm16(ulaw), at_ms=int(text))


def _ulaw_table(byte: int) -> bytes:
    return bytes(ulaw_to_pcm16(bytes(range(256)))[byte::2])


# μ-law → PCM16 one frame at a time: two byte translations (low and high byte of each sample)
# interleaved. numpy's fancy indexing costs more in call overhead than a 160-byte frame's work.
_PCM_LOW, _PCM_HIGH = _ulaw_table(0), _ulaw_table(1)


def _ulaw_frame_to_pcm16(ulaw: bytes) -> bytes:
    pcm = bytearray(2 * len(ulaw))
    pcm[0::2] = ulaw.translate(_PCM_LOW)
    pcm[1::2] = ulaw.translate(_PCM_HIGH)
    return bytes(pcm)


def _start(msg: dict) -> StreamStarted:
    start = _part(msg, "start")
    params = start.get("customParameters") or {}
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) + len(v) <= MAX_NAME
        for k, v in params.items()
    ):
        raise ProtocolError("start customParameters are not short strings")
    stream_sid = msg.get("streamSid") or start.get("streamSid")
    if not isinstance(stream_sid, str) or len(stream_sid) > MAX_NAME:
        raise ProtocolError("start has no streamSid")
    return StreamStarted(
        call_sid=_text(start, "callSid", MAX_NAME), stream_sid=stream_sid, params=dict(params)
    )


def _dtmf(msg: dict) -> Dtmf:
    digit = _part(msg, "dtmf").get("digit")
    if not isinstance(digit, (str, int)) or str(digit) not in KEYS:
        raise ProtocolError("dtmf digit is not a phone key")
    return Dtmf(digit=str(digit))


def _mark(msg: dict) -> PlaybackDone:
    return PlaybackDone(name=_text(_part(msg, "mark"), "name", MAX_NAME))


def _simulated(msg: dict) -> SimulatedSpeech:
    confidence = msg.get("confidence", 1.0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        raise ProtocolError("simulated confidence is not a number")
    if not 0.0 <= confidence <= 1.0:
        raise ProtocolError("simulated confidence is not between 0 and 1")
    return SimulatedSpeech(_text(msg, "text", MAX_TEXT), float(confidence))


def _part(msg: dict, name: str) -> dict:
    """Return the message's object named after its event; refuse it if missing."""
    part = msg.get(name)
    if not isinstance(part, dict):
        raise ProtocolError(f"{msg['event']} message without its {name!r} object")
    return part


def _text(obj: dict, name: str, limit: int) -> str:
    """Return a string field of at most `limit` characters; refuse anything else."""
    value = obj.get(name)
    if not isinstance(value, str):
        raise ProtocolError(f"{name!r} is missing or not a string")
    if len(value) > limit:
        raise ProtocolError(f"{name!r} is longer than {limit} characters")
    return value


def _preview(raw: object) -> str:
    return repr(raw[:80] if isinstance(raw, (str, bytes)) else type(raw).__name__)


KEYS = frozenset("0123456789*#")
_PARSERS = {
    "media": _media,
    "start": _start,
    "dtmf": _dtmf,
    "mark": _mark,
    "stop": lambda _msg: StreamStopped(),
    "connected": lambda _msg: None,
    SIM_SPEECH: _simulated,
}


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
