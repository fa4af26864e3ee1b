"""A loopback-only HTTP proxy: the `qwen` CLI under test gets it as HTTPS_PROXY/HTTP_PROXY.

Connections to 127.0.0.1/localhost are tunnelled (CONNECT) so the loopback servers still work; every
other destination is refused with 403 and recorded, so a test can assert that `qwen` tried to reach
nothing outside the machine. A tunnel is needed because old Qwen Code versions (0.12.0) ignore NO_PROXY
and send even their loopback API calls through the proxy.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class GuardProxy:
    def __init__(self, refuse_delay_s: float = 0.0) -> None:
        # Delaying the refusal keeps an outside attempt pending, e.g. an old `qwen` refreshing its
        # token at chat.qwen.ai while it holds oauth_creds.lock.
        self.refuse_delay_s = refuse_delay_s
        self.refused: list[str] = []  # request lines of every refused (outside) attempt
        self.refused_at: list[float] = []  # their arrival times, time.monotonic()
        self.tunnelled: list[str] = []  # host:port of every loopback tunnel
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # accept() wakes up to notice stop()
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closing = False
        self._thread = threading.Thread(target=self._serve, name="guard-proxy", daemon=True)

    def start(self) -> GuardProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing = True
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(30)
            head = _read_head(client)
            if head is None:
                return
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split()
            if len(parts) < 2:
                return
            method, target = parts[0], parts[1]
            host, port = _destination(method, target)
            if method != "CONNECT" or host not in LOOPBACK_HOSTS:
                # Outside destinations, and plain-form proxy requests (never needed here), are refused.
                self.refused_at.append(time.monotonic())
                self.refused.append(request_line)
                time.sleep(self.refuse_delay_s)
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            self.tunnelled.append(f"{host}:{port}")
            try:
                upstream = socket.create_connection((host.strip("[]"), port), timeout=10)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            with upstream:
                client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                _pipe(client, upstream)


def _read_head(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    return data


def _destination(method: str, target: str) -> tuple[str, int]:
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        return host.lower(), int(port) if port.isdigit() else 443
    # Absolute-form request: http://host[:port]/path
    rest = target.split("://", 1)[-1].split("/", 1)[0]
    host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "80")
    return host.lower(), int(port) if port.isdigit() else 80


def _pipe(a: socket.socket, b: socket.socket) -> None:
    sockets = [a, b]
    while True:
        try:
            readable, _, _ = select.select(sockets, [], [], 30)
        except (OSError, ValueError):
            return
        if not readable:
            return
        for source in readable:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            try:
                (b if source is a else a).sendall(data)
            except OSError:
                return


@contextmanager
def guard_proxy(refuse_delay_s: float = 0.0) -> Iterator[GuardProxy]:
    proxy = GuardProxy(refuse_delay_s).start()
    try:
        yield proxy
    finally:
        proxy.stop()
