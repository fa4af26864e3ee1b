"""The recorder with a real collector on 127.0.0.1: outbox, sending, retry, turning off, bounded exit."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from qwen_tui.core.resolver import Source, SourceKind, Value
from qwen_tui.core.telemetry.gate import evaluate
from qwen_tui.core.telemetry.names import EventName, ScreenName
from qwen_tui.core.telemetry.outbox import Outbox, outbox_path, read_installation_id
from qwen_tui.core.telemetry.recorder import FIRST_BACKOFF_S, Recorder, recorded_events
from tests.servers.collector import Collector

SOURCE = Source(SourceKind.SETTINGS, Path("/x/settings.json"), "privacy.usageStatisticsEnabled", "user")
OPEN = evaluate(chosen=True, enabled=True, source=SOURCE, method=Value("qwen-oauth"))
OFF = evaluate(chosen=True, enabled=False, source=SOURCE, method=Value("qwen-oauth"))
OPENAI = evaluate(chosen=True, enabled=True, source=SOURCE, method=Value("openai"))


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def recorder():
    made: list[Recorder] = []

    def make(verdict=OPEN, **kw) -> Recorder:
        rec = Recorder(dict(os.environ), **kw)
        rec.update(verdict)
        made.append(rec)
        return rec

    yield make
    for rec in made:
        rec.close(0.5)


@pytest.mark.parametrize("verdict", [None, OFF, OPENAI])
def test_closed_gate_records_nothing_and_starts_nothing(recorder, collector: Collector, qwen_home: Path,
                                                        verdict) -> None:
    rec = recorder(verdict) if verdict else Recorder(os.environ)
    assert rec.record(EventName.APP_STARTED) is False
    assert rec.flush(1.0)
    assert rec._thread is None
    assert not outbox_path(os.environ).exists() and read_installation_id(os.environ) is None
    assert collector.count == 0


def test_without_endpoint_events_stay_in_a_private_outbox(recorder, qwen_home: Path) -> None:
    rec = recorder()
    assert rec.record(EventName.SCREEN_VIEWED, screen=ScreenName.PRIVACY)
    assert rec.record(EventName.APP_STARTED)
    assert rec.flush(5.0)
    path = outbox_path(os.environ)
    assert _mode(path) == 0o600 and _mode(qwen_home / "installation_id") == 0o600
    shown = recorded_events(os.environ)
    assert [(e.name, e.fields, e.sent) for e in shown] == [
        ("app_started", {}, False), ("screen_viewed", {"screen": "privacy"}, False)]  # most recent first


def test_with_endpoint_batches_are_sent_as_otlp_and_marked_sent(recorder, collector: Collector,
                                                                qwen_home: Path) -> None:
    rec = recorder()
    rec.record(EventName.APP_STARTED)
    rec.record(EventName.SCREEN_VIEWED, screen=ScreenName.SETTINGS)
    assert rec.flush(5.0)
    assert collector.wait_for(1, 5)
    request = collector.requests[0]
    assert request.path == "/v1/logs" and request.headers["content-type"] == "application/json"
    names = [r["body"]["stringValue"] for r in collector.records()]
    assert names == ["app_started", "screen_viewed"]
    resource = {a["key"]: a["value"]["stringValue"]
                for a in request.payload["resourceLogs"][0]["resource"]["attributes"]}
    assert resource["service.instance.id"] == read_installation_id(os.environ)
    assert all(e.sent for e in recorded_events(os.environ))


def test_failed_sends_are_retried_with_growing_backoff(recorder, collector: Collector, qwen_home: Path) -> None:
    arrivals: list[float] = []
    original = collector._record

    def stamp(request) -> None:
        arrivals.append(time.monotonic())
        original(request)

    collector._record = stamp  # type: ignore[method-assign]
    collector.mode = "500"
    rec = recorder()
    rec.record(EventName.APP_STARTED)
    assert collector.wait_for(3, 10)         # retried by itself, without a new event
    # Gaps grow: ≥ 0.5 s, then ≥ 1 s (lower bounds only: a loaded machine may be slower, never faster).
    assert arrivals[1] - arrivals[0] >= FIRST_BACKOFF_S * 0.9
    assert arrivals[2] - arrivals[1] >= FIRST_BACKOFF_S * 2 * 0.9
    collector.mode = "ok"
    deadline = time.monotonic() + 10
    while not all(e.sent for e in recorded_events(os.environ)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [e.sent for e in recorded_events(os.environ)] == [True]
    assert all(r.payload == collector.requests[0].payload for r in collector.requests)  # the same batch again


def test_turning_off_drops_the_queue_and_purge_deletes_outbox_and_id(recorder, collector: Collector,
                                                                     qwen_home: Path) -> None:
    collector.mode = "500"       # nothing gets through: everything stays unsent
    rec = recorder()
    rec.record(EventName.APP_STARTED)
    assert rec.flush(3.0)
    assert outbox_path(os.environ).exists() and read_installation_id(os.environ)
    before = collector.count
    rec.update(OFF)
    assert rec.record(EventName.SCREEN_VIEWED, screen=ScreenName.HOME) is False
    rec.purge_local()
    assert not outbox_path(os.environ).exists() and not (qwen_home / "installation_id").exists()
    time.sleep(FIRST_BACKOFF_S * 3)   # the worker's retry must not send once the gate is closed
    assert collector.count == before


def test_a_hung_endpoint_never_delays_close_beyond_its_timeout(recorder, qwen_home: Path, monkeypatch) -> None:
    server = Collector("hang").start()
    try:
        monkeypatch.setenv("QWEN_TUI_USAGE_ENDPOINT", server.url)
        rec = recorder()
        rec.record(EventName.APP_STARTED)
        assert server.wait_for(1, 5)
        rec.record(EventName.SCREEN_VIEWED, screen=ScreenName.HOME)
        started = time.monotonic()
        assert rec.close(1.0) is False
        assert time.monotonic() - started < 2.5
        kept = [e.name for e in recorded_events(os.environ)]
        shown = recorded_events(os.environ)
        assert "app_started" in kept and "screen_viewed" in kept and not any(e.sent for e in shown)
    finally:
        server.stop()


def test_outbox_is_bounded_and_hand_edited_lines_are_never_shown_or_sent(recorder, qwen_home: Path) -> None:
    rec = recorder(limit=5)
    for _ in range(8):
        rec.record(EventName.SCREEN_VIEWED, screen=ScreenName.HOME)
    assert rec.flush(5.0)
    entries = Outbox(outbox_path(os.environ)).read()
    assert len(entries) == 5 and [e.seq for e in entries] == [4, 5, 6, 7, 8]
    smuggled = dict(entries[0].event, screen="/home/zorglub/secret")
    with outbox_path(os.environ).open("a") as handle:
        handle.write(json.dumps({"seq": 99, "sent": False, "event": smuggled}) + "\nnot json\n")
    assert len(Outbox(outbox_path(os.environ)).read()) == 6
    shown = recorded_events(os.environ)
    assert all(e.fields == {"screen": "home"} for e in shown) and len(shown) == 5


def test_outbox_delete_errors_are_translated(qwen_home: Path) -> None:
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.i18n import set_language
    from qwen_tui.core.telemetry.outbox import delete_installation_id, installation_id_path

    path = outbox_path(os.environ)
    path.mkdir(parents=True)  # a folder where the outbox file should be: unlink fails with EISDIR
    installation_id_path(os.environ).mkdir(parents=True)
    set_language("zh")
    for attempt in (Outbox(path).discard, lambda: delete_installation_id(os.environ)):
        with pytest.raises(FileOpError) as error:
            attempt()
        assert str(error.value).startswith("无法删除") and "\n" not in str(error.value)


def test_a_held_recorder_starts_its_worker_only_when_released(qwen_home: Path) -> None:
    rec = Recorder(dict(os.environ), held=True)
    try:
        rec.update(OPEN)
        assert rec.record(EventName.APP_STARTED)
        assert rec._thread is None and not outbox_path(os.environ).exists()   # queued, nothing running
        rec.release()
        assert rec._thread is not None
        assert rec.flush(5.0)
        assert [e.name for e in recorded_events(os.environ)] == ["app_started"]
    finally:
        rec.close(0.5)


def test_a_recorder_closed_while_held_still_stores_what_it_was_given(qwen_home: Path) -> None:
    rec = Recorder(dict(os.environ), held=True)
    rec.update(OPEN)
    rec.record(EventName.SCREEN_VIEWED, screen=ScreenName.HOME)
    assert rec.close(5.0)
    assert [e.name for e in recorded_events(os.environ)] == ["screen_viewed"]
