"""A launch that reads the configuration before the app runs parses only its first screen's stylesheet with the
app's, and builds no placeholder nobody sees (launch budget, bench/instructions.py). The other screen's
stylesheet is read when that screen is first pushed, and applies. Where the keyring must be asked, the first
screen is not known yet: the placeholder is drawn and every first-screen stylesheet is read up front."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList
from ui_helpers import first_screen, until

from qwen_tui.core.context import Context
from qwen_tui.ui.app import QwenTuiApp

SIZE = (80, 24)


def stylesheets(app: QwenTuiApp) -> set[str]:
    return {Path(path).name for path, _ in app.stylesheet.source if path.endswith(".tcss")}


def openai_settings(qwen_home: Path, key: bool = True) -> None:
    qwen_home.mkdir()
    settings: dict = {"security": {"auth": {"selectedType": "openai"}}}
    if key:
        settings["env"] = {"OPENAI_API_KEY": "sk-test-1234567890"}
    (qwen_home / "settings.json").write_text(json.dumps(settings))


async def test_home_first_reads_home_stylesheet_only_and_the_chooser_its_own_when_pushed(qwen_home: Path) -> None:
    openai_settings(qwen_home)
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        await first_screen(pilot)
        assert app.screen.name == "home" and app.config.generation == 0
        assert stylesheets(app) == {"app.tcss", "home.tcss"}
        assert app.screen.query_one("#home-body").styles.padding.right == 1      # home.tcss applies
        assert not app.screen_stack[0].query("#loading")                        # no placeholder built
        await pilot.press("a")
        await until(pilot, lambda: app.screen.name == "chooser" and bool(app.screen.query("#methods")), "chooser")
        assert "chooser.tcss" in stylesheets(app)
        assert app.screen.query_one("#methods", OptionList).styles.border_top[0] == "round"   # chooser.tcss


async def test_chooser_first_reads_chooser_stylesheet_only_and_home_its_own_when_pushed(isolated_home: Path) -> None:
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        await first_screen(pilot)
        assert app.screen.name == "chooser"
        assert stylesheets(app) == {"app.tcss", "chooser.tcss"}
        assert app.screen.query_one("#methods", OptionList).styles.border_top[0] == "round"
        app.action_status()                         # home, as the palette's "status" command goes there
        await until(pilot, lambda: app.screen.name == "home" and bool(app.screen.query("#home-body")), "home")
        assert "home.tcss" in stylesheets(app)
        assert app.screen.query_one("#home-body").styles.padding.right == 1


async def test_a_keyring_launch_draws_the_placeholder_with_every_first_screen_stylesheet(qwen_home: Path) -> None:
    openai_settings(qwen_home, key=False)          # the key could only be in the keyring: a worker resolves
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen_stack[0].query("#loading")
        assert stylesheets(app) == {"app.tcss", "loading.tcss", "chooser.tcss", "home.tcss"}
        await first_screen(pilot)
        assert app.screen.name == "home" and app.config.generation == 1
