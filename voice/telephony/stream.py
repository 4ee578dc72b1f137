"""The Media Streams WebSocket: Twilio's side of a live turn, as a neutral Transport."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask_sock import Sock
from simple_websocket import ConnectionClosed

from voice.calls.events import StreamEvent, StreamStarted
from voice.calls.live import run_turn
from voice.calls.stream import TransportClosed
from voice.telephony import media
from voice.telephony.webhooks import bp, runtime

if TYPE_CHECKING:  # annotations only
    from simple_websocket import Server

    from voice.settings import Settings

log = logging.getLogger(__name__)
sock = Sock()
PLAY_CHUNK = 8000  # one second of μ-law per message


class TwilioTransport:
    """Transport over a flask-sock WebSocket speaking Twilio's Media Streams JSON."""

    def __init__(self, ws: Server):
        self.ws = ws
        self.stream_sid = ""

    def receive(self, timeout: float) -> StreamEvent | None:
        """Return the next event, None on timeout; raise TransportClosed when gone."""
        try:
            raw = self.ws.receive(timeout=timeout)
        except ConnectionClosed:
            raise TransportClosed from None
        if raw is None:
            return None
        try:
            event = media.parse(raw)
        except media.ProtocolError as exc:  # not Twilio speaking: end the stream, a person next
            log.warning("closing a media stream after a malformed message: %s", exc)
            raise TransportClosed from None
        if isinstance(event, StreamStarted):
            self.stream_sid = event.stream_sid
        return event

    def play(self, ulaw: bytes, mark: str) -> None:
        """Send audio in one-second messages, then a mark."""
        for i in range(0, len(ulaw), PLAY_CHUNK):
            self._send(media.media_message(self.stream_sid, ulaw[i : i + PLAY_CHUNK]))
        self._send(media.mark_message(self.stream_sid, mark))

    def clear(self) -> None:
        """Drop audio still queued for the caller."""
        self._send(media.clear_message(self.stream_sid))

    def _send(self, message: str) -> None:
        try:
            self.ws.send(message)
        except ConnectionClosed:
            raise TransportClosed from None


def wait_for_start(transport: TwilioTransport, timeout_s: float = 10.0) -> StreamStarted:
    """Return the stream's start event, skipping `connected`; raise if none arrives in time."""
    waited = 0.0
    while waited < timeout_s:
        event = transport.receive(timeout=0.5)
        if isinstance(event, StreamStarted):
            return event
        waited += 0.5 if event is None else 0.0
    raise TimeoutError("no start message on the media stream")


def server_options(settings: Settings) -> dict:
    """Return flask-sock's options: a cap on one message's size (Twilio sends 20 ms frames)."""
    return {"max_message_size": settings.ws_max_message_bytes}


def _bound_socket(ws: Server, idle_timeout_s: float) -> None:
    """Give the socket a timeout, so a peer that stops reading can't block a send forever.

    The socket's reader thread is bound by it too; the turn's own idle clock ends a quiet
    stream well before, so this only ever fires on a peer that vanished mid-send.
    """
    raw = getattr(ws, "sock", None)
    if raw is not None:
        raw.settimeout(max(2 * idle_timeout_s, 10.0))


@sock.route("/stream", bp=bp)
def media_stream(ws: Server) -> None:
    """Run one listening turn for the call whose signed token opened this stream."""
    rt = runtime()
    _bound_socket(ws, rt.settings.stream_idle_timeout_s)
    transport = TwilioTransport(ws)
    try:
        started = wait_for_start(transport)
        claims = rt.tokens.check(started.params.get("token", ""), started.call_sid)
    except (TimeoutError, TransportClosed, PermissionError, media.ProtocolError) as exc:
        log.warning("media stream refused: %s", exc)
        return
    with rt.streams.take() as taken:
        if not taken:  # closing the stream sends Twilio to the action URL, which dials
            log.warning("%d live streams (the cap): call %s goes to a person",
                        rt.streams.limit, claims.call_sid)  # fmt: skip
            rt.service.fallback(claims.call_sid, "busy")
            return
        run_turn(transport, rt.turn, claims.call_sid, claims.stage, claims.speech)
