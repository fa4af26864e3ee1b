"""A real OTLP/HTTP JSON logs collector on 127.0.0.1: counts requests and keeps every payload.

In-process use: `Collector().start()`; `url` is the logs endpoint (`…/v1/logs`), `requests` the recorded
requests (raw body + parsed JSON), `records()` every logRecord received. Fault modes (attribute `mode`):
"ok" (200), "500", "429", "400" (rejected), "hang" (never answers until the client gives up or the collector
stops; `hangs` then holds how long each client waited, from its request to its closing the connection).
Standalone: `python -m tests.servers.collector [--mode M]` (prints the URL, serves until interrupted).
"""

from __future__ import annotations

import argparse
import json
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOGS_PATH = "/v1/logs"
MODES = ("ok", "500", "429", "400", "hang")


@dataclass(frozen=True)
class CollectedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    payload: Any = field(default=None)   # parsed JSON, None when the body was not JSON


class Collector:
    def __init__(self, mode: str = "ok") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.requests: list[CollectedRequest] = []
        self.hangs: list[float] = []          # seconds each hung client waited before closing its connection
        self._lock = threading.Lock()
        self._release = threading.Event()     # lets hung handlers finish at stop()
        self._received = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{LOGS_PATH}"

    def start(self) -> Collector:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until at least `count` requests have arrived."""
        with self._received:
            return self._received.wait_for(lambda: len(self.requests) >= count, timeout)

    def wait_for_hangs(self, count: int, timeout: float) -> bool:
        """Wait until at least `count` hung clients have closed their connection."""
        with self._received:
            return self._received.wait_for(lambda: len(self.hangs) >= count, timeout)

    def records(self) -> list[dict]:
        """Every logRecord of every well-formed payload."""
        found = []
        for request in list(self.requests):
            for resource in (request.payload or {}).get("resourceLogs", []):
                for scope in resource.get("scopeLogs", []):
                    found.extend(scope.get("logRecords", []))
        return found

    def _record(self, request: CollectedRequest) -> None:
        with self._received:
            self.requests.append(request)
            self._received.notify_all()

    def _hang(self, connection: socket.socket) -> None:
        """Answer nothing until the client closes the connection (or stop()); record how long that took."""
        started = time.monotonic()
        while not self._release.is_set() and time.monotonic() - started < 30:
            readable, _, _ = select.select([connection], [], [], 0.05)
            try:
                if readable and not connection.recv(1, socket.MSG_PEEK):
                    break
            except OSError:
                break
        with self._received:
            self.hangs.append(time.monotonic() - started)
            self._received.notify_all()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = None
                collector._record(CollectedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                                                   body, payload))
                mode = collector.mode
                if mode == "hang":
                    collector._hang(self.connection)
                    return
                status = {"ok": 200, "500": 500, "429": 429, "400": 400}[mode]
                if self.path != LOGS_PATH:
                    status = 404
                answer = b"{}" if status == 200 else b'{"error":"test fault"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=MODES, default="ok")
    args = parser.parse_args()
    collector = Collector(args.mode).start()
    print(collector.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        collector.stop()


if __name__ == "__main__":
    main()
