"""A screen is not restyled whole when it first becomes current (ui/screens/base.py, `_on_screen_resume`).

Textual restyles every node of a screen each time it becomes current; the first time, each node had been styled
as it mounted a moment before, so the pass changed nothing (home: 19 nodes and their component classes, ~3% of a
launch). Counted here, not timed: the screen-wide style updates. A later resume still restyles it."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from ui_helpers import first_screen, make_app, resolution, restyles, until


async def test_a_screen_is_not_restyled_whole_when_it_first_becomes_current(monkeypatch) -> None:
    restyled = restyles(monkeypatch, Screen)
    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await first_screen(pilot)
        assert app.screen.name == "home"
        # The placeholder, then home, each became current once: neither was restyled whole.
        assert [screen.name for screen in restyled] == []
        # A later resume that asks for a restyle (Textual's push of a screen already built) still gets it.
        app.screen.post_message(events.ScreenResume())
        await until(pilot, lambda: [screen.name for screen in restyled] == ["home"], "home restyled")
