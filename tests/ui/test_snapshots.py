"""Each screen at 80×24 and 120×40. The resolver is injected (fixed paths), so nothing depends on the machine."""

from __future__ import annotations

import pytest
from ui_helpers import make_app, resolution, workers_done

SIZES = [(80, 24), (120, 40)]
CASES = {
    "chooser": (resolution(), None),
    "home": (resolution("openai", usage=False, usage_chosen=True,
                        problems=("workspace settings /work/p/.qwen/settings.json:4:7: expected ','",)), None),
    "settings": (resolution("qwen-oauth", usage=True, usage_chosen=True), "settings"),
    "privacy": (resolution("qwen-oauth"), "privacy"),
}


async def _settle(pilot) -> None:
    await workers_done(pilot.app)
    await pilot.pause()
    await pilot.wait_for_animation()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", sorted(CASES))
def test_screen_snapshot(snap_compare, screen: str, size: tuple[int, int]) -> None:
    res, initial = CASES[screen]
    assert snap_compare(make_app(res, initial), terminal_size=size, run_before=_settle)
