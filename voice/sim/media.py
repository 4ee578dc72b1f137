"""The simulator's side of one Media Streams WebSocket, behaving as Twilio does."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import websocket

from voice.sim.caller import Utter
from voice.speech.audio import pcm16_to_ulaw
from voice.telephony.media import SIM_SPEECH

FRAME_MS = 20
FRAME_BYTES = 320  # 20 ms of 16-bit PCM at 8 kHz
SILENCE = b"\x00" * FRAME_BYTES
SPEAK_AFTER_PROMPT_MS = 400
# A phone line is never digital zero: its quiet is a faint hiss, here about -66 dBFS, the same
# 8 seconds of it (seeded) under every call, so a call's audio is the same from run to run.
# Under pure zeros, Vosk hears only its own random dither, and its words then change with
# how many frames it decoded before them (voice activity gating changes that number).
_NOISE = np.random.default_rng(0).normal(0, 16, 8000 * 8).round().astype(np.int16)
_NOISE_FRAMES = len(_NOISE) * 2 // FRAME_BYTES


def on_the_line(frame: bytes, now_ms: int) -> bytes:
    """Return a 20 ms frame as it arrives over the line: with the line's hiss added."""
    at = (now_ms // FRAME_MS) % _NOISE_FRAMES * (FRAME_BYTES // 2)
    mixed = np.frombuffer(frame, "<i2").astype(np.int32) + _NOISE[at : at + FRAME_BYTES // 2]
    return np.clip(mixed, -32768, 32767).astype("<i2").tobytes()


@dataclass
class StreamLog:
    """What happened on one stream, with wall-clock timings for the report."""

    prompt_ms: int = 0  # greeting audio the service played to us
    cleared: bool = False  # the service stopped its prompt because we talked over it
    speech_start_ms: int | None = None
    speech_end_wall: float | None = None
    closed_wall: float | None = None
    opened_wall: float = field(default_factory=time.monotonic)
    closed_by_service: bool = False


class _Playback:
    """Tracks audio the service sends us, and echoes marks when it has 'played'."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started_at: int | None = None  # stream ms when the first audio arrived
        self.bytes = 0
        self.marks: list[tuple[str, int]] = []  # (name, bytes queued before it)
        self.cleared = False
        self.complete = threading.Event()  # a mark arrived: everything before it is queued

    def ends_at(self) -> int | None:
        """Return the stream time the queued prompt finishes playing, once it is all queued."""
        with self.lock:
            if self.started_at is None or not self.complete.is_set():
                return None
            return self.started_at + self.bytes // 8


class MediaSession:
    """Open a stream, play the caller's part paced in real time (or fast), until closed."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        call_sid: str,
        params: dict[str, str],
        fast: bool = False,
        expect_prompt: bool = False,
        max_ms: int = 30_000,
    ):
        self.url, self.headers, self.call_sid, self.params = url, headers, call_sid, params
        self.fast, self.expect_prompt, self.max_ms = fast, expect_prompt, max_ms
        self.stream_sid = "MZ" + call_sid[2:]
        self.log = StreamLog()
        self._play = _Playback()
        self._closed = threading.Event()
        self._hung_up = False
        self._now = 0

    def run(self, utter: Utter) -> StreamLog:
        """Stream `utter` (speech, text, keys or silence) and return what happened."""
        self.ws = websocket.create_connection(self.url, header=self.headers, timeout=10)
        self.ws.settimeout(None)  # the service may stay quiet for a long time while it listens
        receiver = threading.Thread(target=self._receive, daemon=True)
        receiver.start()
        self._send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        self._send(self._start_message())
        if self.expect_prompt:  # know the whole prompt before deciding when to talk
            self._play.complete.wait(timeout=15)
        self._stream(utter)
        if not self._closed.wait(timeout=15):
            self._hung_up = True  # we gave up waiting: the caller hangs up
            self._send({"event": "stop", "streamSid": self.stream_sid})
        self.ws.close()  # Twilio closes its side once the stream is over
        receiver.join(timeout=1)
        self.log.prompt_ms = self._play.bytes // 8
        self.log.cleared = self._play.cleared
        return self.log

    def _stream(self, utter: Utter) -> None:
        t0 = time.monotonic()
        pcm = utter.pcm or b""
        start = None
        for chunk in range(self.max_ms // FRAME_MS):
            if self._closed.is_set():
                return
            self._now = now = chunk * FRAME_MS
            if utter.drop_at_ms is not None and now >= utter.drop_at_ms:
                self._drop()
                return
            if utter.stall_at_ms is not None and now >= utter.stall_at_ms:
                self._closed.wait(timeout=30)  # a stalled stream: only the service can end it
                return
            if start is None:
                start = self._speech_start(utter, now)
            frame = SILENCE
            if start is not None and now >= start:
                frame = self._caller_frame(utter, pcm, now - start, now)
            self._send_media(on_the_line(frame, now), now)
            self._echo_marks(now)
            if not self.fast:
                time.sleep(max(0.0, t0 + (now + FRAME_MS) / 1000 - time.monotonic()))

    def _drop(self) -> None:
        """Cut the connection without a stop message; Twilio then fetches the action URL."""
        self._hung_up = True
        self.ws.sock.shutdown(socket.SHUT_RDWR)
        self.ws.close()
        self._closed.set()

    def _speech_start(self, utter: Utter, now: int) -> int | None:
        if utter.at_ms is not None:
            return utter.at_ms
        ends = self._play.ends_at()
        if ends is not None:
            return ends + SPEAK_AFTER_PROMPT_MS
        return None if self.expect_prompt and now < 2000 else now + SPEAK_AFTER_PROMPT_MS

    def _caller_frame(self, utter: Utter, pcm: bytes, offset: int, now: int) -> bytes:
        if offset == 0 or self.log.speech_start_ms is None:
            self.log.speech_start_ms = now
            if utter.dtmf:
                self._send(
                    {
                        "event": "dtmf",
                        "streamSid": self.stream_sid,
                        "dtmf": {"track": "inbound_track", "digit": utter.dtmf},
                    }
                )
                self.log.speech_end_wall = time.monotonic()
            if utter.text:
                self._send(
                    {"event": SIM_SPEECH, "text": utter.text, "confidence": utter.confidence}
                )
        if utter.text and self.log.speech_end_wall is None and offset >= utter.text_ms:
            self.log.speech_end_wall = time.monotonic()
        begin = offset * 16
        if pcm and begin < len(pcm):
            if begin + FRAME_BYTES >= utter.speech_end_byte and self.log.speech_end_wall is None:
                self.log.speech_end_wall = time.monotonic()
            return pcm[begin : begin + FRAME_BYTES].ljust(FRAME_BYTES, b"\x00")
        return SILENCE

    def _send_media(self, frame: bytes, now: int) -> None:
        payload = base64.b64encode(pcm16_to_ulaw(frame)).decode("ascii")
        self._send(
            {
                "event": "media",
                "streamSid": self.stream_sid,
                "media": {
                    "track": "inbound",
                    "chunk": str(now // FRAME_MS + 1),
                    "timestamp": str(now),
                    "payload": payload,
                },
            }
        )

    def _echo_marks(self, now: int) -> None:
        with self._play.lock:
            due = [m for m in self._play.marks if self._played_by(m[1], now)]
            self._play.marks = [m for m in self._play.marks if m not in due]
        for name, _ in due:
            self._send({"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}})

    def _played_by(self, queued_bytes: int, now: int) -> bool:
        start = self._play.started_at
        return self._play.cleared or (start is not None and start + queued_bytes // 8 <= now)

    def _receive(self) -> None:
        try:
            while True:
                message = json.loads(self.ws.recv())
                self._on_message(message)
        except (websocket.WebSocketException, OSError, ValueError):
            pass  # closed, cut, or garbage: the stream is over either way
        finally:
            self.log.closed_wall = time.monotonic()
            self.log.closed_by_service = not self._hung_up
            self._closed.set()

    def _on_message(self, message: dict) -> None:
        kind = message.get("event")
        with self._play.lock:
            if kind == "media":
                if self._play.started_at is None:
                    self._play.started_at = self._now
                self._play.bytes += len(base64.b64decode(message["media"]["payload"]))
            elif kind == "mark":
                self._play.marks.append((message["mark"]["name"], self._play.bytes))
                self._play.complete.set()
            elif kind == "clear":
                self._play.cleared = True

    def _start_message(self) -> dict:
        return {
            "event": "start",
            "sequenceNumber": "1",
            "streamSid": self.stream_sid,
            "start": {
                "streamSid": self.stream_sid,
                "accountSid": "AC" + "0" * 32,
                "callSid": self.call_sid,
                "tracks": ["inbound"],
                "customParameters": self.params,
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            },
        }

    def _send(self, message: dict) -> None:
        try:
            self.ws.send(json.dumps(message))
        except (websocket.WebSocketException, OSError):
            self._closed.set()
