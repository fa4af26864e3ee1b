"""The app ↔ screen contract (issue 12): what changes app-wide reaches the screens and the usage statistics as
Textual signals, each change once; widgets keep Textual's own attributes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ui_helpers import make_app, resolution, settle

from qwen_tui.core.context import Context
from qwen_tui.core.telemetry.outbox import outbox_path
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.settings import SettingsScreen
from qwen_tui.ui.widgets.device_flow import DeviceFlowWidget

SIZE = (80, 24)


def recorded_settings() -> list[str]:
    path = outbox_path(os.environ)
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return [line["event"]["setting"] for line in lines if line["event"]["event"] == "setting_changed"]


async def test_theme_and_language_changes_are_recorded_once_each(qwen_home: Path) -> None:
    """The usage statistics follow the app's signals: a theme and a language change are one event each, and
    the saved theme applied at startup is none."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({
        "security": {"auth": {"selectedType": "qwen-oauth"}}, "privacy": {"usageStatisticsEnabled": True}}))
    (qwen_home / "tui.json").write_text(json.dumps({"theme": "high-contrast"}))
    app = QwenTuiApp(context=Context.current())     # the real resolver, real files
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.usage.verdict.open
        app.change_theme("qwen-light")
        app.change_theme("qwen-light")                         # the same theme again: no change
        app.change_language("fr")
        await settle(pilot)
        assert app.usage.flush(3.0)
    assert sorted(recorded_settings()) == ["language", "theme"]


async def test_every_screen_in_the_stack_relabels_on_a_language_switch() -> None:
    app = make_app(resolution("openai"), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        home = app.screen_stack[-2]
        app.change_language("fr")
        await settle(pilot)
        assert "Paramètres" in str(app.screen.query_one("#settings-title").render())
        assert "Configuration effective" in " ".join(str(w.render()) for w in home.query("#home-title"))


async def test_the_sign_in_widget_keeps_textuals_animator(device_server) -> None:
    """`animate=False` (snapshots) once replaced the widget's `_animate`, Textual's animator, with a bool."""
    from qwen_tui.ui.screens.oauth_signin import OAuthSignInScreen

    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(OAuthSignInScreen(animate=False))
        await pilot.pause()
        widget = app.screen.query_one(DeviceFlowWidget)
        widget.animate("scroll_x", 0.0, duration=0.01)     # a bool there: "'bool' object is not callable"
        await pilot.pause(0.1)
