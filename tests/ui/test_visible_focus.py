"""Issue 14 point 8: every focus stop shows its focus. Tab goes round each main screen at 80×24; at each stop the
focused widget is on screen, and the cells it covers are drawn differently focused and blurred (text and
style as the terminal gets them, not the app's CSS). A scrolling body is a stop only while it can scroll."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Input
from ui_helpers import make_app, resolution, settled, until, workers_done

from qwen_tui.core.context import Context
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from qwen_tui.ui.widgets.scroll_body import ScrollBody

SIZE = (80, 24)
SCREENS = {
    "chooser": (resolution(), None),
    "home": (resolution("openai", problems=("workspace settings /w/.qwen/settings.json:4:7: expected ','",)), None),
    "settings": (resolution("qwen-oauth", usage=True, usage_chosen=True), "settings"),
    "privacy": (resolution("qwen-oauth"), "privacy"),
}


def cells(app, region: Region) -> list[tuple]:
    """The screen's cells inside `region`: text and style per segment, as sent to the terminal."""
    strips = app.screen._compositor.render_strips()
    return [tuple((seg.text, seg.style) for seg in strips[y].crop(region.x, region.right))
            for y in range(region.y, region.bottom)]


async def tab_round(pilot) -> list[tuple[str, bool, bool]]:
    """(widget, on screen, focus drawn) for each stop, Tab after Tab until the first stop comes back."""
    app = pilot.app
    await workers_done(app)
    await settled(pilot, lambda: (app.focused, str(app.screen._compositor.render_strips())), timeout=10)
    if app.focused is None:
        await pilot.press("tab")
    stops: list = []
    seen: list[tuple[str, bool, bool]] = []
    while app.focused not in stops and len(stops) < 30:
        widget = app.focused
        stops.append(widget)
        region = await settled(pilot, lambda w=widget: w.region)   # focusing scrolls it into view
        on_screen = region.area > 0 and app.screen.region.contains_region(region)
        focused = cells(app, region)
        app.screen.set_focus(None)
        await pilot.pause()
        blurred = cells(app, region)
        app.screen.set_focus(widget, scroll_visible=False)
        await pilot.pause()
        seen.append((f"{type(widget).__name__}#{widget.id}", on_screen, focused != blurred))
        await pilot.press("tab")
        await pilot.pause()
    return seen


@pytest.mark.parametrize("screen", sorted(SCREENS))
async def test_every_stop_is_on_screen_and_shows_its_focus(screen) -> None:
    res, initial = SCREENS[screen]
    app = make_app(res, initial)
    async with app.run_test(size=SIZE) as pilot:
        seen = await tab_round(pilot)
    assert len(seen) >= 2, seen
    hidden = [name for name, on_screen, drawn in seen if not (on_screen and drawn)]
    assert not hidden, f"stops whose focus cannot be seen: {hidden} (all: {seen})"


async def test_a_body_with_nothing_to_scroll_is_no_stop() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=(120, 60)) as pilot:            # home fits: nothing to scroll
        await workers_done(app)
        await pilot.pause()
        body = app.screen.query_one("#home-body", ScrollBody)
        assert body.max_scroll_y == 0
        assert body not in app.screen.focus_chain


async def open_form(pilot) -> ProviderFormScreen:
    await workers_done(pilot.app)
    await pilot.pause()
    await pilot.press("2")                                       # the chooser's OpenAI-compatible
    await workers_done(pilot.app)
    await pilot.pause()
    assert isinstance(pilot.app.screen, ProviderFormScreen)
    return pilot.app.screen


def form_app() -> QwenTuiApp:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    return QwenTuiApp("auth", context=Context(Path.cwd(), env))


async def test_the_empty_field_a_result_points_at_is_in_sight() -> None:
    """Ctrl+T with no key: the form focuses the key field; it is scrolled into view, not left above the screen
    while the result at the foot of the form is shown."""
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#base-url", Input).value = "https://api.example.com/v1"
        form.query_one("#model", Input).value = "m"
        form.query_one("#base-url", Input).focus()
        await pilot.press("ctrl+t")
        key = form.query_one("#api-key", Input)
        # The key is handled, and the scrolls it starts run, rounds later on a busy machine: a value that looks
        # still for a few rounds may be one from before them.
        await until(pilot, lambda: app.focused is key, "the key field focused")
        await pilot.wait_for_scheduled_animations()
        region = await settled(pilot, lambda: (app.focused, key.region))
        assert region[0] is key and form.query_one("#form-body").region.contains_region(region[1]), region


async def test_the_focused_field_stays_in_sight_after_ctrl_t() -> None:
    """Ctrl+T typed in the key field: the result is shown at the foot of the form, further below the key field
    than 80×24 shows. The focus moves to the buttons beside the result instead of staying on a field out of
    sight. (Port 9 on loopback: a real refused connection, the quickest real failure.)"""
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#base-url", Input).value = "http://127.0.0.1:9/v1"
        form.query_one("#model", Input).value = "m"
        form.query_one("#api-key", Input).focus()
        await pilot.press(*"sk-abcdefghijklmnop", "ctrl+t")
        outcome = form.query_one("#outcome")
        for _ in range(200):                                     # the test's result (up to 10 s), not a time
            if "127.0.0.1" in str(outcome.render()):
                break
            await pilot.pause(0.05)
        body = form.query_one("#form-body").region
        focused = await settled(pilot, lambda: (app.focused, app.focused.region if app.focused else None))
        assert focused[0] is not None and body.contains_region(focused[1]), focused
        assert body.contains_region(outcome.region)
