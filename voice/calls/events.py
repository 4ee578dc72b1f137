"""Neutral events from a live media stream; telephony/ turns provider messages into these."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StreamStarted:
    """The provider opened the stream for a call."""

    call_sid: str
    stream_sid: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Audio:
    """A chunk of caller audio: 16-bit mono PCM at 8 kHz, stamped in stream milliseconds."""

    pcm16: bytes
    at_ms: int


@dataclass(frozen=True, slots=True)
class Dtmf:
    """The caller pressed a key."""

    digit: str


@dataclass(frozen=True, slots=True)
class PlaybackDone:
    """Audio we sent up to a named mark has finished playing to the caller."""

    name: str


@dataclass(frozen=True, slots=True)
class SimulatedSpeech:
    """A simulator's stand-in for the recognizer: the words the caller 'says' next."""

    text: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class StreamStopped:
    """The stream ended on the provider's side (hang-up or the call moved on)."""


StreamEvent = StreamStarted | Audio | Dtmf | PlaybackDone | SimulatedSpeech | StreamStopped
