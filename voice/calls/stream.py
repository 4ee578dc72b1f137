"""Run one listening turn over a live stream, with speech decoding off the socket thread."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol

from voice.calls.events import (
    Audio,
    Dtmf,
    PlaybackDone,
    SimulatedSpeech,
    StreamEvent,
    StreamStarted,
    StreamStopped,
)
from voice.calls.turn import ListeningTurn, TurnResult
from voice.speech.scripted import ScriptedRecognizer
from voice.speech.types import Final, Partial, StreamingRecognizer
from voice.speech.vad import SpeechGate

log = logging.getLogger(__name__)
FRAME_MS = 20


class TransportClosed(Exception):
    """The provider's side of the stream went away."""


class DecoderOverloaded(Exception):
    """Speech decoding fell too far behind the caller's audio."""


class StreamStalled(Exception):
    """The provider stopped sending audio, or the turn ran past its wall-clock limit."""


class Transport(Protocol):
    """A live media stream as the domain sees it; telephony/ implements it per provider."""

    def receive(self, timeout: float) -> StreamEvent | None:
        """Return the next event, None on timeout; raise TransportClosed when gone."""
        ...

    def play(self, ulaw: bytes, mark: str) -> None:
        """Queue μ-law 8 kHz audio to the caller, then a named mark."""
        ...

    def clear(self) -> None:
        """Stop any audio still queued for the caller (barge-in)."""
        ...


class StreamRunner:
    """Feed a turn from a transport; decoding runs on its own thread behind a bounded queue."""

    def __init__(
        self,
        transport: Transport,
        turn: ListeningTurn,
        recognizer: StreamingRecognizer,
        *,
        allow_simulated_speech: bool = False,
        backlog_ms: int = 10_000,
        stall_s: float = 2.0,
        idle_timeout_s: float = 5.0,
        max_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        gate_speech: bool = False,
    ):
        self.transport, self.turn, self.recognizer = transport, turn, recognizer
        self.allow_simulated_speech = allow_simulated_speech
        self.source = "text" if isinstance(recognizer, ScriptedRecognizer) else "vosk"
        self._queue: queue.Queue = queue.Queue(maxsize=backlog_ms // FRAME_MS)
        self._stall_s = stall_s
        # Wall-clock limits of their own: the turn's timers run on stream time, which stands
        # still when the provider stops sending audio, so a silent socket must not hold a thread.
        self._idle_timeout_s, self._max_s, self._clock = idle_timeout_s, max_s, clock
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._now = 0  # stream ms of the newest audio received
        self._cleared = False
        # Voice activity gating (voice/speech/vad.py, setting VAD_GATING, on by default): a
        # real recognizer decodes only frames that may hold speech, 0.4x the CPU of every
        # frame, with no loss of words or decisions on the Korean clips (bench/vad_bench.py
        # --decisions). A scripted recognizer needs every frame: it counts time by them.
        self.gate = SpeechGate() if gate_speech and self.source == "vosk" else None
        self._utterance_open = False  # the recognizer has words and no Final yet
        self._fed_since_final = False

    def run(self) -> TurnResult:
        """Run until the turn decides or the caller leaves; re-raise decoder faults."""
        worker = threading.Thread(target=self._decode, name="decoder", daemon=True)
        worker.start()
        started = heard = self._clock()
        try:
            while not self.turn.done and self._error is None:
                event = self.transport.receive(timeout=0.05)
                self._handle(event)
                now = self._clock()
                if isinstance(event, Audio | Dtmf | SimulatedSpeech):
                    heard = now
                elif now - heard >= self._idle_timeout_s:
                    raise StreamStalled(f"no audio from the stream for {now - heard:.1f}s")
                if now - started >= self._max_s:
                    raise StreamStalled(f"the turn ran past its {self._max_s:.0f}s limit")
                if self.turn.barged_in and not self._cleared:
                    self._cleared = True
                    self.transport.clear()
        except TransportClosed:
            with self._lock:
                self.turn.on_hangup(self._now)
        finally:
            self._enqueue(None, wait=False)
            worker.join(timeout=5)
        if self._error is not None:
            raise self._error
        assert self.turn.result is not None
        return self.turn.result

    @property
    def stream_ms(self) -> int:
        """Return the stream time of the newest audio received."""
        return self._now

    def _handle(self, event: StreamEvent | None) -> None:
        match event:
            case Audio(pcm16=pcm, at_ms=at):
                self._now = at
                self._enqueue(("audio", pcm, at))
            case Dtmf(digit=digit):
                with self._lock:
                    self.turn.on_dtmf(digit, self._now)
            case SimulatedSpeech() if self.allow_simulated_speech:
                self._enqueue(("say", event))
            case SimulatedSpeech():
                log.warning("ignored simulated speech: SIMULATED_SPEECH is off")
            case StreamStopped():
                raise TransportClosed
            case PlaybackDone() | StreamStarted() | None:
                pass

    def _enqueue(self, item: tuple | None, wait: bool = True) -> None:
        try:
            self._queue.put(item, timeout=self._stall_s if wait else 0)
        except queue.Full:
            if wait:
                raise DecoderOverloaded(f"decoder stalled over {self._stall_s}s") from None

    def _decode(self) -> None:
        try:
            while (item := self._queue.get()) is not None and not self.turn.done:
                if item[0] == "say":
                    self._script(item[1])
                else:
                    self._feed(item[1], item[2] + FRAME_MS)
        except Exception as exc:  # noqa: BLE001 - handed to the socket thread, which falls back
            self._error = exc

    def _script(self, speech: SimulatedSpeech) -> None:
        if not isinstance(self.recognizer, ScriptedRecognizer):
            self.recognizer, self.source = ScriptedRecognizer(), "text"
            self.gate = None
        self.recognizer.say(speech.text, speech.confidence)

    def _feed(self, pcm16: bytes, at_ms: int) -> None:
        gate = self.gate
        if gate is None:
            self._accept(pcm16, at_ms)
        else:
            was_open = gate.open
            for frame, at in gate.push(pcm16, at_ms, busy=self._utterance_open):
                if self.turn.done:
                    break
                self._accept(frame, at)
            if was_open and not gate.open and self._fed_since_final:
                # Gated off on noise that gave no words: close it as Vosk would after a long
                # silence (an empty Final), so it isn't glued onto the caller's next words.
                self._deliver(self.recognizer.finish(), at_ms)
        # Stream time advances on every frame, fed or not: silence and length limits still run.
        with self._lock:
            flush = self.turn.on_time(at_ms)
        if flush:  # the utterance ran past its limit
            self._deliver(self.recognizer.finish(), at_ms)

    def _accept(self, pcm16: bytes, at_ms: int) -> None:
        self._fed_since_final = True
        self._deliver(self.recognizer.accept(pcm16), at_ms)

    def _deliver(self, result: Partial | Final | None, at_ms: int) -> None:
        if isinstance(result, Final):
            self._utterance_open = self._fed_since_final = False
        elif isinstance(result, Partial):
            self._utterance_open = True
        with self._lock:
            if isinstance(result, Partial):
                self.turn.on_partial(result.text, at_ms, self.source)
            elif isinstance(result, Final):
                self.turn.on_final(result, at_ms, self.source)
