"""A small threaded TCP proxy that the fault tests put between the service and a server.

Modes, switchable at any moment with `proxy.mode = ...`:

- `pass`: forward bytes both ways;
- `refuse`: reset every existing connection and every new one at once;
- `blackhole`: accept and read, never answer and never forward (a hung server, or a network
  that swallows packets while the kernel still acknowledges them);
- `slow`: forward each chunk after `delay_ms`.

A connection made while the proxy blackholes stays blackholed: it never had a server behind it.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time

MODES = ("pass", "refuse", "blackhole", "slow")
CHUNK = 65_536


class FaultProxy:
    """Listen on a loopback port and relay to `upstream` in the current mode."""

    def __init__(self, upstream_host: str, upstream_port: int, delay_ms: int = 0) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.delay_ms = delay_ms
        self._mode = "pass"
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        self._thread.start()

    @property
    def mode(self) -> str:
        """Return the current mode."""
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {value!r}")
        self._mode = value
        if value == "refuse":
            with self._lock:
                doomed = list(self._sockets)
            for sock in doomed:
                _reset(sock)

    def url_for(self, url: str) -> str:
        """Return `url` (postgresql://… or redis://…) with its host and port pointing here."""
        scheme, rest = url.split("://", 1)
        userinfo, _, tail = rest.rpartition("@")
        _, _, path = tail.partition("/")
        at = f"{userinfo}@" if userinfo else ""
        return f"{scheme}://{at}127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            doomed = list(self._sockets)
        for sock in doomed:
            _reset(sock)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            mode = self._mode
            if mode == "refuse":
                _reset(client)
                continue
            self._track(client)
            if mode == "blackhole":
                self._spawn(self._swallow, client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                self._forget(client)
                continue
            self._track(server)
            self._spawn(self._pump, client, server)
            self._spawn(self._pump, server, client)

    def _spawn(self, target, *args) -> None:
        threading.Thread(target=target, args=args, daemon=True).start()

    def _swallow(self, sock: socket.socket) -> None:
        try:
            while sock.recv(CHUNK):
                pass
        except OSError:
            pass
        self._forget(sock)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(CHUNK):
                mode = self._mode
                if mode == "blackhole":
                    continue
                if mode == "slow":
                    time.sleep(self.delay_ms / 1000)
                dst.sendall(data)
        except OSError:
            pass
        self._forget(src)
        self._forget(dst)


def _reset(sock: socket.socket) -> None:
    """Close `sock` with a RST, as a refusing or crashed server would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
