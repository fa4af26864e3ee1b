"""The provider form at 80×24 and 120×40: as it opens (the picker on its three groups), at the picker's region
step, and after a failed connection test.

QWEN_HOME is a fixed path (only read here: no keyring, so the form names the file it would use), and the
failed test talks to 127.0.0.1:9, where nothing listens, so every run shows the same line.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from ui_helpers import make_shown_home_app, resolution, workers_done

SIZES = [(80, 24), (120, 40)]


async def _open_form(pilot) -> None:
    await workers_done(pilot.app)
    await pilot.pause()
    await pilot.press("2")
    for _ in range(2):
        await workers_done(pilot.app)
        await pilot.pause()
    pilot.app.screen.query_one("#preset").focus()
    pilot.app.clear_notifications()     # a toast from an earlier screen is not the form's
    await pilot.wait_for_animation()


async def _failed_test(pilot) -> None:
    await _open_form(pilot)
    form = pilot.app.screen
    form.query_one("#base-url", Input).value = "http://127.0.0.1:9/v1"
    form.query_one("#api-key", Input).value = "sk-snapshot-key-0000000000"
    form.query_one("#model", Input).value = "qwen3-coder-plus"
    await pilot.press("ctrl+t")
    for _ in range(2):
        await workers_done(pilot.app)
        await pilot.pause()
    await pilot.wait_for_animation()


def _app():
    # The usage choice is already saved: choosing a method then writes no settings file under the shown home.
    return make_shown_home_app(resolution(usage=False, usage_chosen=True), "auth",
                               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_form_empty(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_open_form)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_form_after_failed_test(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_failed_test)


async def _region_step(pilot) -> None:
    """The picker one step before the region is chosen: Alibaba ModelStudio → Coding Plan → its regions."""
    await _open_form(pilot)
    await pilot.press("enter", "enter")
    await pilot.wait_for_animation()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_form_picker_region_step(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, run_before=_region_step)
