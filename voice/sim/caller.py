"""What the simulated caller does in each listening turn."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from voice.speech.audio import read_wav_8k, speech_spans
from voice.speech.scripted import MS_PER_WORD

BYTES_PER_S = 16_000  # 16-bit mono at 8 kHz


@dataclass(frozen=True)
class Utter:
    """One turn of the caller: speech audio, text standing in for speech, a key, or silence."""

    pcm: bytes | None = None  # 16-bit mono 8 kHz
    text: str | None = None
    dtmf: str | None = None
    at_ms: int | None = None  # stream time to start; None: just after the prompt ends
    confidence: float = 1.0
    label: str = ""
    drop_at_ms: int | None = None  # cut the socket here, as a network failure would
    stall_at_ms: int | None = None  # stop sending audio here but keep the socket open

    @property
    def text_ms(self) -> int:
        """Return how long the scripted words take to say."""
        return len((self.text or "").split()) * MS_PER_WORD

    @cached_property
    def speech_end_byte(self) -> int:
        """Return the byte offset in `pcm` where the last speech ends (before trailing quiet)."""
        if not self.pcm:
            return 0
        spans = speech_spans(self.pcm)  # seconds
        return int(spans[-1][1] * BYTES_PER_S) if spans else len(self.pcm)

    def describe(self) -> str:
        """Return how the report shows this turn."""
        if self.dtmf:
            return f"presses {self.dtmf}"
        if self.text is not None:
            return f'says "{self.text}"'
        if self.pcm:
            return f"speaks {self.label or 'audio'} ({len(self.pcm) // 16} ms)"
        return "stays silent"


def from_wav(path: str, at_ms: int | None = None) -> Utter:
    """Return a turn that plays a WAV file (any rate or encoding, converted to 8 kHz)."""
    return Utter(pcm=read_wav_8k(path), at_ms=at_ms, label=str(path))
