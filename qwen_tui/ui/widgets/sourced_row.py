"""One row of the home screen: a value, its label, and where it comes from.

    Auth type           openai
                        user settings (~/.qwen/settings.json) security.auth.selectedType

One widget draws the row (a two-column grid, so a long value or source wraps under itself), not a label,
a value and a source in two containers: home shows seven of these in its first frame (launch budget).
Colours come from component classes, so themes style them in CSS like any widget.
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from qwen_tui.core.sanitize import clean

LABEL_WIDTH = 20


def is_url(text: str) -> bool:
    """`text` is one address (http(s)://, then no whitespace): what `https?://\\S+` matches whole, without
    compiling it (~0.4 M instructions) in home's first frame."""
    rest = text.removeprefix("http://") if text.startswith("http://") else text.removeprefix("https://")
    return rest != text and rest.split(maxsplit=1) == [rest]


class SourcedRow(Static):
    # Each is styled as a node of its own before the first frame; the value, which no rule styles, is drawn in the
    # row's own style (what its component class gave: ~0.3 M instructions per row).
    COMPONENT_CLASSES = {"sourced-row--label", "sourced-row--error", "sourced-row--source"}
    DEFAULT_CSS = """
    SourcedRow { height: auto; }
    SourcedRow > .sourced-row--label { text-style: bold; }
    SourcedRow > .sourced-row--error { color: $error; }
    SourcedRow > .sourced-row--source { color: $text-muted; }
    """

    def __init__(self, label: str, value: str, source: str, *, id: str, error: bool = False) -> None:
        super().__init__(id=id, classes="row")
        self.label = label
        # The value and its source may come from a cloned repository's files: sanitised (the lines a screen
        # composes are kept; they wrap under the value, so a line break cannot fake another row).
        self.value = clean(value, limit=1000, multiline=True)
        self.source = clean(source, limit=1000, multiline=True)
        self.error = error

    def _value_text(self, style: Style) -> Text:
        # Nothing is cut: a word wider than the column folds onto the next line (Chinese has no spaces to wrap
        # at, and `…` lost the end of paths and keys), except an address: clipped with …, its hyperlink (OSC 8)
        # keeps it whole (issue 14 points 7 and 10).
        if is_url(self.value):
            return Text(self.value, style + Style(link=self.value), overflow="ellipsis")
        return Text(self.value, style, overflow="fold")

    def render(self) -> Table:
        style = self.get_component_rich_style
        grid = Table.grid(expand=True)
        grid.add_column(width=LABEL_WIDTH)
        grid.add_column(ratio=1)
        grid.add_row(Text(self.label, style("sourced-row--label"), overflow="fold"),
                     self._value_text(style("sourced-row--error") if self.error else self.rich_style))
        if self.source:   # a row without a source is one line
            grid.add_row("", Text(self.source, style("sourced-row--source"), overflow="fold"))
        return grid

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The lines the grid will take, from wrapping each text in its column: Textual would render the whole
        grid once to measure it and again to draw it (home's first frame has six rows). Where the value column
        has no room, the grid itself is measured."""
        if width <= LABEL_WIDTH:
            return super().get_content_height(container, viewport, width)
        console, value_width = self.app.console, width - LABEL_WIDTH
        label = Text(self.label).wrap(console, LABEL_WIDTH, overflow="fold")
        value = self._value_text(Style()).wrap(console, value_width)
        source = Text(self.source).wrap(console, value_width, overflow="fold") if self.source else ()
        return max(len(label), len(value)) + len(source)
