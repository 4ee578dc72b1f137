"""A stand-in recognizer for simulated calls: reveals given words in stream time.

`voice call --text` replaces only the recognizer: audio frames still flow, and the words
appear as partial results at a speaking pace, then close after trailing silence like Vosk's
endpointer, so barge-in and timing behave as they would with real speech.
"""

from __future__ import annotations

from voice.flow.types import Word
from voice.speech.types import Final, Partial, Result

BYTES_PER_MS = 16  # 8 kHz, 16-bit mono
MS_PER_WORD = 250  # a brisk speaking pace
ENDPOINT_MS = 500  # trailing silence before the utterance closes, like Vosk's endpointer


class ScriptedRecognizer:
    """Implements StreamingRecognizer over text handed to it with say()."""

    def __init__(self, ms_per_word: int = MS_PER_WORD, endpoint_ms: int = ENDPOINT_MS):
        self.ms_per_word, self.endpoint_ms = ms_per_word, endpoint_ms
        self._words: list[str] = []
        self._confidence = 1.0
        self._elapsed = 0  # ms of audio since the current script began
        self._shown = 0

    def say(self, text: str, confidence: float = 1.0) -> None:
        """Queue the words the caller says next."""
        self._words = text.split()
        self._confidence = confidence
        self._elapsed, self._shown = 0, 0

    def accept(self, pcm16: bytes) -> Result | None:
        """Advance by the audio's duration; return a Partial per new word, a Final at the end."""
        if not self._words:
            return None
        self._elapsed += len(pcm16) // BYTES_PER_MS
        due = min(len(self._words), self._elapsed // self.ms_per_word + 1)
        if due > self._shown:
            self._shown = due
            return Partial(" ".join(self._words[:due]))
        if self._elapsed >= len(self._words) * self.ms_per_word + self.endpoint_ms:
            return self.finish()
        return None

    def finish(self) -> Final:
        """Close the utterance with every scripted word at the given confidence."""
        words = tuple(Word(w, self._confidence) for w in self._words)
        self._words, self._shown = [], 0
        return Final(" ".join(w.text for w in words), words)
