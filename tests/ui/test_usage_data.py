"""Pilot tests: the Usage data viewer shows exactly the recorded events; the toggles act on the live recorder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.widgets import DataTable, OptionList, Switch
from ui_helpers import make_app, palette, resolution, settle, until

from qwen_tui.core.context import Context
from qwen_tui.core.telemetry.outbox import outbox_path
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.privacy import PrivacyScreen
from qwen_tui.ui.screens.settings import SettingsScreen
from qwen_tui.ui.screens.usage_data import UsageDataScreen
from tests.servers.collector import Collector

SIZE = (80, 24)
QWEN_ON = dict(usage=True, usage_chosen=True)


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#usage-events", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def outbox_lines() -> list[dict]:
    path = outbox_path(os.environ)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_viewer_shows_the_outbox_most_recent_first(qwen_home: Path) -> None:
    app = make_app(resolution("qwen-oauth", **QWEN_ON), initial="privacy")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, UsageDataScreen)
        shown = rows(app)
        stored = outbox_lines()
        assert [r[1] for r in shown] == [line["event"]["event"] for line in reversed(stored)]
        assert shown[0][1:3] == ["screen_viewed", "screen=usage_data"]
        assert shown[-1][1] == "app_started"
        assert all(r[3] == "not sent" for r in shown)
        assert "~/.qwen/usage-outbox.jsonl" in str(app.screen.query_one("#usage-destination").content)
        installation_id = (qwen_home / "installation_id").read_text()
        assert installation_id in str(app.screen.query_one("#usage-installation").content)


async def test_viewer_with_an_endpoint_shows_what_the_collector_received(collector: Collector) -> None:
    app = make_app(resolution("qwen-oauth", **QWEN_ON), QWEN_TUI_USAGE_ENDPOINT=collector.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.run_action("usage_data")
        await settle(pilot)
        shown = rows(app)
        assert shown and all(r[3] == "sent" for r in shown)
        received = []
        for record in collector.records():
            attrs = {a["key"]: a["value"]["stringValue"] for a in record["attributes"]}
            name = attrs.pop("event.name")
            received.append([name, " ".join(f"{k}={v}" for k, v in attrs.items()) or "—"])
        assert [r[1:3] for r in shown] == list(reversed(received))


async def test_nothing_recorded_before_the_choice_or_with_openai(collector: Collector, qwen_home: Path) -> None:
    for res in (resolution("qwen-oauth"), resolution("openai", **QWEN_ON)):
        app = make_app(res, initial="settings", QWEN_TUI_USAGE_ENDPOINT=collector.url)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("u")
            await settle(pilot)
            assert isinstance(app.screen, UsageDataScreen)
            assert str(app.screen.query_one("#usage-count").content) == "No event has been recorded."
            assert "qwen-tui records nothing" in str(app.screen.query_one("#usage-verdict").content)
    assert collector.count == 0
    assert not outbox_path(os.environ).exists() and not (qwen_home / "installation_id").exists()


async def test_settings_toggle_off_stops_the_live_recorder_at_once(qwen_home: Path, collector: Collector) -> None:
    collector.mode = "500"    # nothing gets through: events stay unsent until discarded
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({
        "security": {"auth": {"selectedType": "qwen-oauth"}}, "privacy": {"usageStatisticsEnabled": True}}))
    app = QwenTuiApp("settings", context=Context.current())     # the real resolver, real files
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.usage.flush(3.0)
        assert outbox_lines() and (qwen_home / "installation_id").exists()
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#usage-switch", Switch).has_focus
        switch = app.screen.query_one("#usage-switch", Switch)
        with switch.prevent(Switch.Changed):
            switch.value = False
        app.screen.on_switch_changed(Switch.Changed(switch, False))
        assert app.usage.verdict.open is False        # synchronously: before any write or new resolution
        assert app.usage.record("app_started") is False
        # No fixed wait: a flush makes the worker's next round due at once, as the retry backoff would later
        # (core/telemetry/recorder.py `_run`), and returns once that round is over. Done before the app's loop runs
        # again, so the purge (an app worker) has not yet removed the unsent events: a round that sends would send
        # them. The first round may end a send begun while the gate was open; from the second on nothing may go.
        assert app.usage.flush(30.0)
        requests = collector.count
        assert app.usage.flush(30.0)
        assert collector.count == requests
        await settle(pilot)
        assert not outbox_path(os.environ).exists()
        assert not (qwen_home / "installation_id").exists()
        settings = json.loads((qwen_home / "settings.json").read_text())
        assert settings["privacy"]["usageStatisticsEnabled"] is False
        assert app.usage.verdict.open is False and app.usage.verdict.reason == "off"   # after the new resolution
        assert app.usage.flush(30.0)                  # nor after the purge and the new resolution
        assert collector.count == requests


async def test_settings_button_and_palette_open_the_viewer() -> None:
    app = make_app(resolution("openai"), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Each step's screen comes rounds after its click or key on a busy machine: waited for, not assumed.
        await pilot.click("#open-usage-data")
        await until(pilot, lambda: isinstance(app.screen, UsageDataScreen), "the viewer from the button")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen), "settings again")
        await palette(pilot, "Usage data")
        await until(pilot, lambda: isinstance(app.screen, UsageDataScreen), "the viewer from the palette")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PrivacyScreen), "privacy from the viewer")


async def test_chooser_choice_applies_to_the_recorder(qwen_home: Path) -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#methods", OptionList)
        assert app.usage.verdict.open is False        # the choice is shown, not made: nothing recorded
        await pilot.press("u", "1")                   # usage statistics on, Qwen OAuth (not signed in yet)
        await settle(pilot)
        # The choice is judged with the method active now (none): the gate opens for Qwen OAuth only once a
        # sign-in is saved.
        assert app.usage.verdict.open is False
        assert not outbox_path(os.environ).exists()
    app = make_app(resolution("qwen-oauth", **QWEN_ON), initial="auth")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#usage-switch", Switch).value is True
        await pilot.press("1")                        # on, while Qwen OAuth is the active method
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # already signed in: a new sign-in is asked for first
        await pilot.press("y")
        await settle(pilot)
        assert app.usage.flush(3.0)
        events = [line["event"] for line in outbox_lines()]
        assert any({"event": "auth_method_chosen", "method": "qwen-oauth"}.items() <= event.items()
                   for event in events)
    os.remove(outbox_path(os.environ))
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")                        # OpenAI-compatible, switch left off
        await settle(pilot)
        assert app.usage.verdict.open is False and not outbox_path(os.environ).exists()
        assert not (qwen_home / "installation_id").exists()


def test_usage_data_snapshot_with_the_gate_closed(snap_compare) -> None:
    """Nothing recorded (OpenAI-compatible): a stable picture of the viewer at 80×24."""
    async def open_viewer(pilot) -> None:
        await settle(pilot)
        await pilot.app.run_action("usage_data")
        await settle(pilot)

    assert snap_compare(make_app(resolution("openai", usage=True, usage_chosen=True)), terminal_size=SIZE,
                        run_before=open_viewer)


async def test_a_language_switch_shows_the_events_again(qwen_home: Path) -> None:
    app = make_app(resolution("openai", **QWEN_ON))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.app.run_action("usage_data")
        await settle(pilot)
        app.change_language("fr")
        await settle(pilot)
        # Read again after the re-render, not left on "reading events…" (nothing recorded: OpenAI-compatible).
        assert str(app.screen.query_one("#usage-count").render()) == "Aucun événement n'a été enregistré."
