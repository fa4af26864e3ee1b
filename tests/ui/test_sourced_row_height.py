"""Home's rows are measured without rendering them (ui/widgets/sourced_row.py, `get_content_height`).

Textual measures a rich renderable by rendering it, then renders it again to draw it: each row's grid was
rendered twice before home's first frame. The row now counts the lines each text takes in its column. Checked
here against Textual's own measure of the grid (texts with spaces, long words, CJK, newlines, an address), at
every width, and that measuring renders nothing."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.widget import Widget

from qwen_tui.ui.widgets.sourced_row import SourcedRow

_ALPHABET = "abcdefghij KLMNOP  ..//-_:~ 简体中文配置来源 é"


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, longest)))


class _OneRow(App[None]):
    def compose(self) -> ComposeResult:
        yield SourcedRow("Auth type", "openai", "user settings", id="row")


async def test_a_rows_height_is_the_grid_textual_would_measure(monkeypatch) -> None:
    rng = random.Random(12)
    app = _OneRow()
    async with app.run_test(size=(80, 24)):
        row = app.query_one(SourcedRow)
        for _ in range(400):
            row.label = _text(rng, 30) or "x"
            row.value = _text(rng, 200).replace(" ", "\n", rng.randint(0, 2))
            if rng.random() < 0.2:   # an address: one line, cut with an ellipsis
                row.value = "https://" + row.value.replace(" ", "").replace("\n", "") + ".example/v1"
            row.source = _text(rng, 120) if rng.random() < 0.8 else ""
            width = rng.randint(1, 160)
            size = Size(width, 100)
            row._content_height_cache = (None, 0)   # Textual's caches of the last measure and render
            row._layout_cache.clear()
            measured_by_rendering = Widget.get_content_height(row, size, size, width)
            assert row.get_content_height(size, size, width) == measured_by_rendering, (width, row.value)

        renders: list[None] = []
        render = SourcedRow.render
        monkeypatch.setattr(SourcedRow, "render", lambda self: (renders.append(None), render(self))[1])
        size = Size(77, 24)
        row._content_height_cache = (None, 0)
        row._layout_cache.clear()
        row.get_content_height(size, size, 77)
        assert renders == []
