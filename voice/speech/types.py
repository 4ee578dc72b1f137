"""What a streaming recognizer reports, independent of the engine behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from voice.flow.types import Word


@dataclass(frozen=True, slots=True)
class Partial:
    """Words heard so far in the current utterance; may still change."""

    text: str


@dataclass(frozen=True, slots=True)
class Final:
    """An utterance the recognizer has closed (endpoint reached), with word confidences."""

    text: str
    words: tuple[Word, ...] = ()
    # A grammar was in force and the words are not one of its phrases. Vosk's grammar decoding
    # forces any speech onto grammar words, often with word confidence 1.0, so such a result
    # says nothing reliable: its confidence is 0.
    off_grammar: bool = False

    @property
    def confidence(self) -> float:
        """Return the mean word confidence, or 0.0 when nothing (reliable) was recognized."""
        if self.off_grammar:
            return 0.0
        if not self.words:
            return 1.0 if self.text else 0.0
        return sum(w.confidence for w in self.words) / len(self.words)


Result = Partial | Final


class StreamingRecognizer(Protocol):
    """One caller's recognizer: feed 16-bit mono PCM at 8 kHz, get partial and final results."""

    def accept(self, pcm16: bytes) -> Result | None:
        """Feed audio; return a Final at an endpoint, a Partial when words changed, else None."""
        ...

    def finish(self) -> Final:
        """Flush the utterance in progress and return it."""
        ...
