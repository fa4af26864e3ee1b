"""Home's first frame goes without the verdict check, the saved providers and the action buttons; they follow when
the screen is shown (`after_first_frame`). A new resolution recomposes home; when the screen is shown while that
recompose has removed the old children and not yet composed the new ones, there is nothing to fill in: the
recompose, composing after `drawn` is set, brings all of it. Before, this crashed the app with NoMatches on
QwenVerdict (seen in the UI suite on a loaded machine)."""

from __future__ import annotations

from ui_helpers import first_screen, make_app, resolution, settle, until

from qwen_tui.ui.screens.home import HomeScreen


async def test_shown_in_the_middle_of_a_recompose_home_still_gets_everything() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        # The state `recompose()` is in at its first await: the old children removed, the new not yet composed.
        await home.query_children("*").exclude(".-textual-system").remove()
        home.drawn = False
        home.on_show()
        await home.recompose()
        await settle(pilot)
        await until(pilot, lambda: bool(home.query("#verdict-direct")), "the verdict")
        assert home.query("#profiles") and home.query("#actions") and home.query("#row-usage")
