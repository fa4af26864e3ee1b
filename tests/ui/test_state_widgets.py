"""Issue 14 point 4: checkboxes and radio buttons show their state as a character, not only a colour (Textual
draws X and ● whatever the value), so a plain capture or NO_COLOR shows it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from qwen_tui.ui.widgets.state import StateCheckbox, StateRadioButton


class Probe(App):
    def compose(self) -> ComposeResult:
        yield StateCheckbox("Check the chat endpoint", id="box")
        with RadioSet():
            yield StateRadioButton("Keyring", value=True, id="one")
            yield StateRadioButton("File", id="two")


def _drawn(app: App, selector: str) -> str:
    return app.query_one(selector).render_line(0).text


async def test_checkbox_and_radio_state_is_in_the_characters() -> None:
    app = Probe()
    async with app.run_test(size=(60, 10)) as pilot:
        assert "–" in _drawn(app, "#box") and "✓" not in _drawn(app, "#box")
        app.query_one("#box", StateCheckbox).value = True
        await pilot.pause()
        assert "✓" in _drawn(app, "#box")
        assert "●" in _drawn(app, "#one") and "○" in _drawn(app, "#two")
        app.query_one("#two", StateRadioButton).value = True
        await pilot.pause()
        assert "○" in _drawn(app, "#one") and "●" in _drawn(app, "#two")
