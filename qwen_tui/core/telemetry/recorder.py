"""The recorder: the one object that takes usage events, keeps them in the outbox and sends them.

`record()` is cheap and never blocks: with the gate closed it returns at once; open, it puts the raw event
on a bounded queue. A daemon worker thread validates each event against the closed schema (so pydantic
loads off the caller's thread), appends it to the outbox, and — with an endpoint — posts the unsent ones as
OTLP JSON, retrying with exponential backoff. `update()` applies a new gate verdict at once: closing it
drops everything still queued; `purge_local()` then deletes the outbox and the installation id.
`close(timeout)` flushes and gives up after `timeout` seconds (the thread is a daemon, exit is never held).
A recorder made `held` queues events but starts its worker only at `release()`: the app holds it until its
first screen is drawn, which the worker's imports (pydantic, httpx) would otherwise slow down.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qwen_tui.core.telemetry.gate import Reason, Verdict, unchosen
from qwen_tui.core.telemetry.names import EventName
from qwen_tui.core.telemetry.outbox import (
    DEFAULT_LIMIT,
    Outbox,
    discard_local_data,
    ensure_installation_id,
    outbox_path,
)

_log = logging.getLogger("qwen_tui.telemetry")

# What `record` queues: the gate generation, the event name, its fields, the time it was recorded.
_Queued = tuple[int, str, dict[str, Any], float]
QUEUE_SIZE = 256
BATCH_SIZE = 50
SEND_TIMEOUT_S = 5.0
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 60.0


@dataclass
class _Marker:
    """Put on the queue behind the events it must wait for; `done` is set once they are handled."""
    done: threading.Event
    stop: bool = False
    deadline: float = 0.0


@dataclass(frozen=True)
class RecordedEvent:
    """One line of the outbox as the Usage data screen shows it: exactly the fields that are sent."""
    seq: int
    sent: bool
    name: str
    minute: int
    fields: dict[str, str | bool | int]


class Recorder:
    def __init__(self, env: Mapping[str, str], *, limit: int = DEFAULT_LIMIT,
                 held: bool = False) -> None:
        self.env = dict(env)
        self._held = held             # no worker until release(); events wait on the queue
        self.outbox = Outbox(outbox_path(self.env), limit)
        self._verdict: Verdict = unchosen()
        self._lock = threading.RLock()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_SIZE)
        self._thread: threading.Thread | None = None
        self._generation = 0          # bumped when the gate closes: anything queued before is dropped
        self._closed = False
        self.dropped = 0              # events refused because the queue was full

    # ---- the gate -----------------------------------------------------------------------------------------

    @property
    def verdict(self) -> Verdict:
        return self._verdict

    def update(self, verdict: Verdict) -> None:
        """Apply a verdict now: open starts the worker; closed stops recording and sending at once. When the
        user's choice closed it (off, or no choice), what is still queued is dropped too; when only the
        method changed, events recorded before stay in the outbox, unsent while the gate is closed."""
        with self._lock:
            self._verdict = verdict
            if verdict.open:
                self._ensure_worker()
            elif verdict.reason in (Reason.OFF, Reason.NOT_CHOSEN):
                self._generation += 1
                self._drain_queue()

    def release(self) -> None:
        """Let the worker start (at once when the gate is open): what was recorded while held is stored."""
        with self._lock:
            self._held = False
            if self._verdict.open:
                self._ensure_worker()

    def purge_local(self) -> None:
        """Delete the outbox and the installation id (after the user turned usage statistics off)."""
        with self._lock:
            if not self._verdict.open:
                discard_local_data(self.env)

    # ---- recording ----------------------------------------------------------------------------------------

    def record(self, name: EventName | str, **fields: Any) -> bool:
        """Queue one event when the gate is open; True when it was queued."""
        if not self._verdict.open or self._closed:
            return False
        try:
            self._queue.put_nowait((self._generation, str(name), fields, time.time()))
        except queue.Full:
            self.dropped += 1
            return False
        return True

    def store_now(self, events: list[tuple[EventName, dict[str, Any]]]) -> None:
        """Validate and store events in the caller's thread, with no worker (a one-shot command: a daemon
        worker still importing pydantic when the process exits would take the events with it)."""
        when = time.time()
        self._store([(self._generation, str(name), fields, when) for name, fields in events])

    def send_now(self, timeout: float) -> None:
        """Send what is unsent once, in the caller's thread. `timeout` bounds the exchange itself: it starts
        after the imports, so a busy machine delays the send instead of spending the budget on loading httpx."""
        from qwen_tui.core.telemetry.transport import endpoint_from

        endpoint = endpoint_from(self.env)
        if endpoint and self._verdict.open:
            self._send(endpoint, timeout)

    def flush(self, timeout: float = 1.0) -> bool:
        """Wait (at most `timeout` s) until what was recorded is stored and, with an endpoint, sent once."""
        return self._wait_for(_Marker(threading.Event(), deadline=time.monotonic() + timeout), timeout)

    def close(self, timeout: float = 1.0) -> bool:
        """Flush within `timeout` seconds, then stop the worker. Never waits longer."""
        deadline = time.monotonic() + timeout
        self.release()                # a recorder closed while held still stores what it was given
        self._closed = True
        done = self._wait_for(_Marker(threading.Event(), stop=True, deadline=deadline), timeout)
        if not done:
            self._store_leftovers()
        return done

    def _wait_for(self, marker: _Marker, timeout: float) -> bool:
        thread = self._thread
        if thread is None or not thread.is_alive():
            return True
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(max(0.0, marker.deadline - time.monotonic()))

    # ---- the worker ---------------------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._closed or self._held or (self._thread is not None and self._thread.is_alive()):
            return
        self._thread = threading.Thread(target=self._run, name="qwen-tui-usage", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from qwen_tui.core.telemetry.transport import endpoint_from

        endpoint = endpoint_from(self.env)
        backoff, retry_at, rejected = FIRST_BACKOFF_S, 0.0, False
        while True:
            wait = max(0.05, retry_at - time.monotonic()) if endpoint and retry_at else None
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = None
            marker = item if isinstance(item, _Marker) else None
            try:
                batch, marker = self._collect(item)
                self._store(batch)
                due = marker is not None or time.monotonic() >= retry_at
                if endpoint and not rejected and due and self._verdict.open:
                    limit = marker.deadline - time.monotonic() if marker else SEND_TIMEOUT_S
                    result = self._send(endpoint, max(0.05, min(SEND_TIMEOUT_S, limit)))
                    if result == "retry":
                        retry_at = time.monotonic() + backoff
                        backoff = min(backoff * 2, MAX_BACKOFF_S)
                    elif result == "rejected":
                        rejected = True
                    else:
                        backoff, retry_at = FIRST_BACKOFF_S, 0.0
            except Exception:  # noqa: BLE001 - statistics must never take the app down
                _log.exception("usage statistics worker error")
            if marker is not None:
                marker.done.set()
                if marker.stop:
                    return

    def _collect(self, first: Any) -> tuple[list[_Queued], _Marker | None]:
        """The first item plus whatever is already queued, up to the next marker."""
        batch: list[_Queued] = []
        item = first
        while item is not None:
            if isinstance(item, _Marker):
                return batch, item
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
        return batch, None

    def _store(self, batch: list[_Queued]) -> None:
        if not batch:
            return
        from pydantic import ValidationError

        from qwen_tui.core.telemetry.events import make_event

        events = []
        for generation, name, fields, when in batch:
            try:
                events.append((generation, make_event(name, fields, now=when)))
            except ValidationError as exc:
                # A programming error (a value outside the schema); the value itself is not logged.
                _log.error("usage event %s rejected: %s", name, [e["loc"] for e in exc.errors()])
        with self._lock:
            # The generation, not the current verdict: events queued before a method change are kept.
            current = [e.model_dump(mode="json") for g, e in events if g == self._generation]
            if current:
                ensure_installation_id(self.env)
                self.outbox.append(current)

    def _send(self, endpoint: str, timeout: float) -> str:
        from pydantic import ValidationError

        from qwen_tui.core.telemetry.events import load_event
        from qwen_tui.core.telemetry.outbox import read_installation_id
        from qwen_tui.core.telemetry.transport import SendResult, otlp_payload, post_batch

        with self._lock:
            generation = self._generation
            unsent = [entry for entry in self.outbox.read() if not entry.sent][:BATCH_SIZE]
            installation_id = read_installation_id(self.env)
        events, seqs = [], []
        for entry in unsent:
            try:
                events.append(load_event(entry.event))
                seqs.append(entry.seq)
            except ValidationError:
                continue   # a line edited by hand: never sent
        if not events:
            return SendResult.SENT
        result = post_batch(endpoint, otlp_payload(events, installation_id), timeout)
        if result == SendResult.SENT:
            with self._lock:
                if generation == self._generation:
                    self.outbox.mark_sent(seqs)
        return result

    def _drain_queue(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Marker):
                item.done.set()
                if item.stop:
                    self._queue.put_nowait(item)   # the worker must still see it to exit
                    return

    def _store_leftovers(self) -> None:
        """At exit, when the worker is stuck (e.g. a hung endpoint): keep queued events for next time."""
        leftovers = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, _Marker):
                leftovers.append(item)
        try:
            self._store(leftovers)
        except Exception:  # noqa: BLE001
            _log.exception("usage statistics: could not keep events at exit")


def recorded_events(env: Mapping[str, str]) -> list[RecordedEvent]:
    """The outbox, most recent first, each entry re-validated: what the Usage data screen shows."""
    from pydantic import ValidationError

    from qwen_tui.core.telemetry.events import event_fields, load_event

    shown = []
    for entry in reversed(Outbox(outbox_path(env)).read()):
        try:
            event = load_event(entry.event)
        except ValidationError:
            continue
        shown.append(RecordedEvent(entry.seq, entry.sent, str(event.event), event.minute, event_fields(event)))
    return shown
