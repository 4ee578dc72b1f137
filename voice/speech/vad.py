"""Voice activity gating: feed the recognizer only while the caller may be speaking.

Most of a call's inbound frames are silence (the caller listens to the greeting, then pauses),
and decoding silence costs Vosk as much as decoding speech. A `SpeechGate` sits in front of
the recognizer:

- closed, it keeps the last `pre_roll_ms` of frames in a ring buffer; the first frame the VAD
  calls speech opens it at once, and the buffered frames are fed first, so the start of a word
  (and a barge-in over the greeting) is not cut;
- open, it feeds every frame; after `hangover_ms` without speech it closes again, but never
  while the recognizer still has an utterance open (`busy`): the endpointer must see all of
  the trailing silence it needs to close the utterance, exactly as without gating.

The VAD is WebRTC's (webrtcvad-wheels), a few microseconds a frame; Silero through
onnxruntime costs about 30 times more per frame and gates no better (bench/vad_bench.py).
The pre-roll is 500 ms: Vosk's words depend on how much quiet line it decoded before them,
and of the lengths tried (300-1000 ms) 500 ms gave the decisions raw Vosk gives most often.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import webrtcvad

RATE = 8000
BYTES_PER_MS = RATE * 2 // 1000  # 16-bit mono PCM
_VAD_MS = (10, 20, 30)  # the frame lengths WebRTC's VAD accepts


class WebRtcVad:
    """WebRTC's voice activity detector over 8 kHz 16-bit PCM frames.

    `aggressiveness` is WebRTC's mode, 0 (calls most things speech) to 3 (strictest). A frame
    whose length the VAD can't take is judged in 10 ms pieces; one too short for even that
    counts as speech, so an odd frame never closes the gate on the caller.
    """

    def __init__(self, aggressiveness: int = 2, rate: int = RATE):
        self._vad = webrtcvad.Vad(aggressiveness)
        self.rate = rate

    def __call__(self, pcm16: bytes) -> bool:
        """Say whether the frame holds speech."""
        per_ms = self.rate * 2 // 1000
        if len(pcm16) in {ms * per_ms for ms in _VAD_MS}:
            return self._vad.is_speech(pcm16, self.rate)
        piece = 10 * per_ms
        pieces = [pcm16[i : i + piece] for i in range(0, len(pcm16) - piece + 1, piece)]
        return not pieces or any(self._vad.is_speech(p, self.rate) for p in pieces)


class SpeechGate:
    """Decide, frame by frame, which frames reach the recognizer (see the module docstring)."""

    def __init__(
        self,
        vad: Callable[[bytes], bool] | None = None,
        *,
        pre_roll_ms: int = 500,
        hangover_ms: int = 400,
        settle_ms: int = 100,
        frame_ms: int = 20,
    ):
        self.vad = vad if vad is not None else WebRtcVad()
        self.hangover_ms = hangover_ms
        self._ring: deque[tuple[bytes, int]] = deque(maxlen=max(1, pre_roll_ms // frame_ms))
        self.open = False
        # WebRTC's VAD calls the first ~80 ms of any line speech while it learns the noise
        # floor; its first frames only fill the pre-roll, so a call's first words still are fed.
        self._settling = settle_ms // frame_ms
        self._quiet_ms = 0  # of non-speech frames since the last speech frame, while open
        self.frames_in = self.frames_fed = 0

    def push(self, pcm16: bytes, at_ms: int, busy: bool = False) -> list[tuple[bytes, int]]:
        """Take one frame stamped `at_ms`; return the (frame, stamp) pairs to feed now, in order.

        `busy` says the recognizer has an utterance open (words heard, no Final yet): the gate
        then stays open whatever the VAD says.
        """
        self.frames_in += 1
        speech = self.vad(pcm16)
        if self._settling:
            self._settling -= 1
            speech = False
        if not self.open:
            if not speech:
                self._ring.append((pcm16, at_ms))
                return []
            self.open, self._quiet_ms = True, 0
            out = [*self._ring, (pcm16, at_ms)]
            self._ring.clear()
        else:
            out = [(pcm16, at_ms)]
            if speech:
                self._quiet_ms = 0
            else:
                self._quiet_ms += len(pcm16) // BYTES_PER_MS
                if self._quiet_ms >= self.hangover_ms and not busy:
                    self.open = False  # this frame is still fed: it ends the hang-over
        self.frames_fed += len(out)
        return out
