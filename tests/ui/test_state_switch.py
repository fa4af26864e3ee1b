"""A StateSwitch mounted just as the app quits (the chooser mounts its usage switch a frame after the first one:
pressing q at once did this) must let the app exit cleanly, not crash it with NoMatches."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label, Switch

from qwen_tui.ui.widgets.state import StateSwitch


class _MountsThenQuits(App[None]):
    def on_mount(self) -> None:
        self.mount(StateSwitch(Switch(value=True), "Usage statistics"))
        self.exit()


async def test_quitting_while_a_state_switch_mounts_exits_cleanly() -> None:
    app = _MountsThenQuits()
    async with app.run_test():
        pass
    assert app.return_code == 0


class _Shows(App[None]):
    def compose(self):
        yield StateSwitch(Switch(value=False, id="s"), "Usage statistics")


async def test_the_word_follows_the_switch() -> None:
    app = _Shows()
    async with app.run_test() as pilot:
        word = app.query_one(".switch-state", Label)
        assert str(word.render()) == "Off"
        app.query_one("#s", Switch).value = True
        await pilot.pause()
        assert str(word.render()) == "On"
