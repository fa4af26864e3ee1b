"""The terminal's cursor follows the focused field of the provider form at 80×24: Tab into a field below the fold
scrolls the form, and the cursor must then be in that field, on screen (a real terminal showed it on the last
line: tests/e2e found the Model field never got it)."""

from __future__ import annotations

from test_provider_form import make_real_app, open_form, settle
from textual.widgets import Input


async def test_tab_into_a_field_below_the_fold_puts_the_cursor_in_it() -> None:
    app = make_real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        for key in "Custom":
            await pilot.press(key)
        await pilot.press("enter", "enter")   # Custom provider, then OpenAI-compatible: the focus is on Base URL
        await settle(pilot)
        for _ in range(3):                     # the key, its Show button, the model field (below the fold)
            await pilot.press("tab")
            await settle(pilot)
        model = app.focused
        assert isinstance(model, Input) and model.id == "model"
        assert app.cursor_position == model.cursor_screen_offset
        assert 0 <= app.cursor_position.y < 24 and model.region.contains_point(app.cursor_position)
