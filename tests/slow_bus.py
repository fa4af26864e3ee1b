"""A session bus that answers late: a byte-for-byte relay in front of the real D-Bus socket of the tests' Secret
Service (tests/keyring_service.py) that, once a client has authenticated, holds every byte the bus sends back until
the test lets them through.

What a client sees is a real Secret Service on a loaded machine: it connects, and the answers to its calls come when
they come. The authentication handshake itself passes at once (jeepney gives it 1 s, after which a client gives up:
a keyring that fails, not one that is slow). The test decides when the answers come, by an event, not by a time:
`with SlowBus(env["DBUS_SESSION_BUS_ADDRESS"]) as bus:` … `bus.address` … `bus.answer()`. Then `bus.hold()` makes
it slow again, for every client or (`hold(marker)`) for those whose calls carry `marker`, a name they ask about: a
busy bus answers each call late, and so a long exchange (a probe) misses a cap a short one (a write) meets.
"""

from __future__ import annotations

import socket
import tempfile
import threading
from pathlib import Path


class SlowBus:
    def __init__(self, address: str) -> None:
        path = dict(part.split("=", 1) for part in address.removeprefix("unix:").split(","))["path"]
        self._upstream = path
        self._folder = tempfile.TemporaryDirectory(prefix="slow-bus-")
        self._path = str(Path(self._folder.name) / "bus")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self._path)
        self._listener.listen()
        self._open = threading.Event()
        self._marker: bytes | None = None   # held: only the answers to clients that sent it (None: every client)
        self._sockets: list[socket.socket] = [self._listener]

    @property
    def address(self) -> str:
        return f"unix:path={self._path}"

    def answer(self) -> None:
        """From now on the bus's answers (those held so far first) reach the clients."""
        self._open.set()

    def hold(self, marker: bytes | None = None) -> None:
        """From now on the bus's answers are held again until `answer()`: every client's, or with `marker` those
        of a client once it sent `marker` (the others' pass)."""
        self._marker = marker
        self._open.clear()

    def __enter__(self) -> SlowBus:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._open.set()
        for sock in self._sockets:
            try:   # shut down first: a close alone leaves a relay blocked in recv, and its client waiting for good
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._folder.cleanup()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:   # closed: the test is over
                return
            bus = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            bus.connect(self._upstream)
            self._sockets += [client, bus]
            begun = threading.Event()   # the client ended its authentication (BEGIN): its calls start
            sent: list[bytes] = []      # what the client sent so far (for a marker)
            threading.Thread(target=self._relay, args=(client, bus, begun, sent, False), daemon=True).start()
            threading.Thread(target=self._relay, args=(bus, client, begun, sent, True), daemon=True).start()

    def _held(self, sent: list[bytes]) -> bool:
        marker = self._marker
        return not self._open.is_set() and (marker is None or marker in b"".join(sent))

    def _relay(self, source: socket.socket, target: socket.socket, begun: threading.Event, sent: list[bytes],
               answers: bool) -> None:
        try:
            while data := source.recv(65536):
                if not answers:
                    sent.append(data)
                    if b"BEGIN\r\n" in data:
                        begun.set()
                if answers and begun.is_set() and self._held(sent):
                    self._open.wait()
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def keyring_threads() -> set[threading.Thread]:
    """The threads running a keyring call now (qwen_tui/core/secrets.py names them so), a hung one included."""
    return {thread for thread in threading.enumerate() if thread.name == "qwen-tui-keyring"}
