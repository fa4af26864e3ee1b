"""Issue 14 point 4: text that reads in every theme. Each theme in themes/*.json is applied to the app and
every word on screen — highlighted rows (the chooser's selected method, focused fields) included — is checked
at ≥ 4.5:1 (WCAG AA) between the colours it is drawn in. Box and block characters (borders, scroll bars, the
switch's track) are graphics, not text, and are left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import make_app, resolution, workers_done

THEMES = sorted(path.stem for path in (Path(__file__).parents[2] / "themes").glob("*.json"))
SCREENS = {
    "chooser": (resolution(), None),
    "home": (resolution("openai", problems=("workspace settings /w/.qwen/settings.json:4:7: expected ','",)), None),
    "settings": (resolution("qwen-oauth", usage=True, usage_chosen=True), "settings"),
    "privacy": (resolution("qwen-oauth"), "privacy"),
}


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_is_the_wcag_one() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0x77, 0x77, 0x77), (255, 255, 255)), 2) == 4.48   # WCAG's classic near miss


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("theme", THEMES)
async def test_every_word_on_screen_reads_at_4_5_to_1(theme: str, screen: str) -> None:
    res, initial = SCREENS[screen]
    app = make_app(res, initial=initial)
    async with app.run_test(size=(80, 24)) as pilot:
        await workers_done(app)
        app.theme = theme
        await pilot.pause()
        await pilot.pause()
        poor = set()
        for y, strip in enumerate(app.screen._compositor.render_strips()):
            for segment in strip:
                style = segment.style
                if style is None or style.color is None or style.bgcolor is None:
                    continue
                if not any(char.isalnum() for char in segment.text):
                    continue
                ratio = contrast(style.color.get_truecolor(), style.bgcolor.get_truecolor())
                if ratio < 4.5:
                    poor.add(f"line {y}: {segment.text.strip()!r} at {ratio:.2f}:1")
        assert not poor, "\n".join(sorted(poor))
