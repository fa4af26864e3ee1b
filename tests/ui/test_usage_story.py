"""Issue 14 points 4 and 5 on screen: the usage-statistics switch shows its state in words (read from the
rendered labels, so NO_COLOR and a plain capture see it), the text under it follows it, and chooser, settings
and home tell the same story, each sentence naming its subject; settings offers to save a choice."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button, Switch
from ui_helpers import make_app, notifications, resolution, workers_done

from qwen_tui.core.context import Context
from qwen_tui.ui.app import QwenTuiApp

SIZE = (80, 24)
QWEN_CLI_DEFAULT = "The qwen CLI sends usage statistics: no choice is saved, and on is its default."
QWEN_TUI_NOTHING = "qwen-tui records nothing until a choice is saved."


async def _settle(pilot) -> None:
    await workers_done(pilot.app)
    await pilot.pause()


def _row_text(app, selector: str) -> str:
    """The row's words as drawn (no colour involved)."""
    row = app.screen.query_one(selector)
    return " ".join(str(label.render()) for label in row.query("Label"))


async def test_the_chooser_switch_says_its_state_and_the_text_follows_it(isolated_home: Path) -> None:
    app = make_app(resolution(), NO_COLOR="1")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _row_text(app, "#usage-row").startswith("Off ")
        will_save = app.screen.query_one("#usage-will-save")
        assert str(will_save.content).startswith("Off: continuing saves \"off\"")
        now = str(app.screen.query_one("#usage-now").content)
        assert QWEN_CLI_DEFAULT in now and QWEN_TUI_NOTHING in now
        await pilot.press("u")
        await pilot.pause()
        assert app.screen.query_one("#usage-switch", Switch).value is True
        assert _row_text(app, "#usage-row").startswith("On ")
        assert str(will_save.content).startswith("On: continuing saves \"on\"")


async def test_home_and_settings_tell_the_same_story(isolated_home: Path) -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        row = app.screen.query_one("#row-usage")
        assert row.value.splitlines() == [QWEN_CLI_DEFAULT, QWEN_TUI_NOTHING]
        assert row.source == "No choice saved in any settings file."
        await pilot.press("s")
        await _settle(pilot)
        story = str(app.screen.query_one("#usage-source").content).splitlines()
        assert story == [QWEN_CLI_DEFAULT, QWEN_TUI_NOTHING, "No choice saved in any settings file."]
        assert _row_text(app, "#usage-row").startswith("On ")   # what the qwen CLI does: on
        assert app.screen.query_one("#usage-save-offer").display


def _real_app(home: Path, settings: dict) -> QwenTuiApp:
    """The real resolver on these user settings: screens follow what is written."""
    (home / ".qwen").mkdir(exist_ok=True)
    (home / ".qwen" / "settings.json").write_text(json.dumps(settings))
    return QwenTuiApp("settings", context=Context.current())


def _saved(home: Path) -> object:
    return json.loads((home / ".qwen" / "settings.json").read_text()).get("privacy", {}).get("usageStatisticsEnabled")


async def test_settings_offers_to_save_a_choice_when_none_is_saved(isolated_home: Path) -> None:
    app = _real_app(isolated_home, {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        offer = app.screen.query_one("#usage-save-offer")
        assert offer.display
        app.screen.query_one("#save-usage-on", Button).press()
        await _settle(pilot)
        await _settle(pilot)
        assert _saved(isolated_home) is True
        assert not offer.display
        story = str(app.screen.query_one("#usage-source").content).splitlines()
        assert story[0] == "The qwen CLI sends usage statistics: the saved choice is on."
        assert story[2].startswith("Saved in user settings")


async def test_settings_switch_state_word_follows_the_switch(isolated_home: Path) -> None:
    app = _real_app(isolated_home, {"security": {"auth": {"selectedType": "openai"}},
                                    "privacy": {"usageStatisticsEnabled": False}})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert _row_text(app, "#usage-row").startswith("Off ")
        assert not app.screen.query_one("#usage-save-offer").display
        await pilot.press("space")
        await _settle(pilot)
        await _settle(pilot)
        assert _saved(isolated_home) is True
        assert _row_text(app, "#usage-row").startswith("On ")


async def test_no_toast_covers_the_next_step_after_the_choice(isolated_home: Path) -> None:
    """Issue 14 point 8: "Usage-statistics choice saved." covered the QR code and the form's result."""
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("u", "2")
        await _settle(pilot)
        await _settle(pilot)
        assert _saved(isolated_home) is True
        assert notifications(app) == []             # none at all, not only none left up
