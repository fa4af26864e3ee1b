"""A loopback HTTP server that misbehaves on purpose (issue 11): a server may lie, stall or flood.

Modes:
- "canned": every request gets `routes[path]` (or the default `status`/`body`) as raw bytes — hostile JSON
  (NaN, a lone surrogate, 100k-deep nesting, `interval: 1e-9`) that a well-behaved server never sends.
- "trickle": a complete, valid answer sent one byte every `trickle_interval` seconds, headers included
  (httpx's per-read timeouts never trip on it).
- "late": the canned answer after `delay` seconds of silence (slower than httpx's 5 s default, inside a deadline).
- "huge": a 200 answer whose body runs on for `huge_bytes` (with `declare_length`, a Content-Length says so
  up front; without, the body ends only when the connection closes).

Each request's method and path are recorded. In-process only: `HostileServer(...).start()`, `.url`, `.stop()`.
"""

from __future__ import annotations

import json
import socketserver
import threading
import time
from typing import Any

MODES = ("canned", "trickle", "late", "huge")


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on a flood or a trickle is the point


class HostileServer:
    def __init__(
        self, mode: str = "canned", *, status: int = 200, body: bytes | dict | str = b"{}",
        routes: dict[str, tuple[int, bytes | dict | str]] | None = None, trickle_interval: float = 0.2,
        huge_bytes: int = 100 * 1024 * 1024, declare_length: bool = False, delay: float = 6.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.mode = mode
        self.status = status
        self.body = _bytes(body)
        self.routes = {path: (code, _bytes(answer)) for path, (code, answer) in (routes or {}).items()}
        self.trickle_interval = trickle_interval
        self.huge_bytes = huge_bytes
        self.declare_length = declare_length
        self.delay = delay
        self.requests: list[tuple[str, str]] = []
        self.sent_bytes = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._tcp = _TCPServer(("127.0.0.1", 0), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._tcp.server_address[1]}"

    def start(self) -> HostileServer:
        self._thread = threading.Thread(target=self._tcp.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._tcp.shutdown()
        self._tcp.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def paths(self) -> list[str]:
        with self._lock:
            return [path for _, path in self.requests]

    def _answer(self, path: str) -> tuple[int, bytes]:
        return self.routes.get(path, (self.status, self.body))

    def _handler_class(self) -> type[socketserver.StreamRequestHandler]:
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request_line = self.rfile.readline(65537).decode("latin-1")
                length = 0
                while (line := self.rfile.readline(65537)) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip() or 0)
                self.rfile.read(length)
                method, _, rest = request_line.partition(" ")
                path = rest.split(" ")[0].split("?")[0]
                with server._lock:
                    server.requests.append((method, path))
                try:
                    getattr(self, f"_{server.mode}")(path)
                except OSError:
                    pass  # the client hung up

            def _canned(self, path: str) -> None:
                status, body = server._answer(path)
                self.wfile.write(_head(status, len(body)) + body)

            def _late(self, path: str) -> None:
                if not server._stopping.wait(server.delay):
                    self._canned(path)

            def _trickle(self, path: str) -> None:
                status, body = server._answer(path)
                for byte in _head(status, len(body)) + body:
                    if server._stopping.wait(server.trickle_interval):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def _huge(self, path: str) -> None:
                self.wfile.write(_head(200, server.huge_bytes if server.declare_length else None))
                chunk = b"[" + b"0," * 32767 + b"0"
                sent = 0
                while sent < server.huge_bytes and not server._stopping.is_set():
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    server.sent_bytes = sent

        return Handler


def _bytes(body: bytes | dict | str) -> bytes:
    if isinstance(body, dict):
        return json.dumps(body).encode()
    return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body


def _head(status: int, length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} Hostile", "Content-Type: application/json", "Connection: close",
             f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime())}"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
