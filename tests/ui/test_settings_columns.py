"""Issue 14 point 10 on settings: nothing is cut in French and Chinese at 80×24 (and 60×20), as
tests/ui/test_columns_whole.py checks home's rows. Each piece of text on the screen (a field label in its
12-column column, a choice in its select, the offer to save a choice beside its buttons, a button, a line) is
drawn as the screen draws it, at its own size: all of its text must be there — wrapped onto more lines is fine
(Chinese wraps between any two characters), clipped or ended with `…` is not. The providers table's cells must
fit their columns (the table scrolls sideways; a column narrower than its text would cut it with `…`)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable
from ui_helpers import make_shown_home_app, resolution, settle

from qwen_tui.core.i18n import set_language

SIZES = [(80, 24), (60, 20)]
LOCALES = {"fr": "fr_FR.UTF-8", "zh": "zh_CN.UTF-8"}


def _squeezed(text: str) -> str:
    return "".join(text.split())


def cut(widget: Widget) -> str | None:
    """The widget's text and what it draws of it when some of it is missing, else None."""
    text = _squeezed(str(widget.render()))
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    drawn = "\n".join("".join(segment.text for segment in strip) for strip in strips)
    return None if text in _squeezed(drawn) else f"{text!r} drawn as {drawn!r}"


def cut_cells(table: DataTable) -> list[str]:
    padding = 2 * table.cell_padding
    found = []
    for index, column in enumerate(table.ordered_columns):
        room = column.get_render_width(table) - padding
        cells = [column.label, *(table.get_row_at(row)[index] for row in range(table.row_count))]
        found += [str(cell) for cell in cells if cell_len(str(cell)) > room]
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", sorted(LOCALES))
async def test_nothing_on_settings_is_cut(language: str, size: tuple[int, int]) -> None:
    # No choice saved: the offer to save one (its text beside two buttons) is on the screen too.
    app = make_shown_home_app(resolution("openai", usage=True, usage_chosen=False), "settings",
                              LC_ALL=LOCALES[language])
    try:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            texts = [widget for widget in app.screen.query("#settings-body Static")
                     if widget.outer_size.area and str(widget.render()).strip()]   # shown, with text
            assert len(texts) >= 12, [str(widget.render()) for widget in texts]
            problems = {f"{type(widget).__name__}#{widget.id}": found for widget in texts if (found := cut(widget))}
            assert not problems, problems
            table = app.screen.query_one("#providers", DataTable)
            assert table.row_count > 5
            assert not cut_cells(table)
    finally:
        set_language("en")
