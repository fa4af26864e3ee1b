"""RenderedOnce (ui/widgets/rendered_once.py): a rich renderable rendered once per set of console options, with
exactly the output of rendering it directly."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from qwen_tui.ui.widgets.rendered_once import RenderedOnce


class Counted:
    """A hanging-indent grid (as the chooser's options) that counts how often it is rendered and measured."""

    def __init__(self) -> None:
        self.renders = 0
        self.measures = 0
        self.grid = Table.grid(padding=(0, 1), expand=True)
        self.grid.add_column(width=1)
        self.grid.add_column(ratio=1)
        self.grid.add_row(Text("1", "bold"), Text("Qwen OAuth — a description long enough to wrap " * 3))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.renders += 1
        yield self.grid

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        self.measures += 1
        return Measurement.get(console, options, self.grid)


def _lines(console: Console, renderable: object, width: int) -> list[str]:
    options = console.options.update_width(width)
    return ["".join(segment.text for segment in line) for line in console.render_lines(renderable, options)]


def test_rendered_once_per_width_with_the_same_lines() -> None:
    console = Console(width=80, color_system=None, file=None)
    inner = Counted()
    once = RenderedOnce(inner)
    first = _lines(console, once, 40)
    assert _lines(console, once, 40) == first
    assert inner.renders == 1
    assert first == _lines(console, inner.grid, 40)
    narrow = _lines(console, once, 30)            # another width is another render, wrapped anew
    assert inner.renders == 2 and len(narrow) > len(first)
    assert narrow == _lines(console, inner.grid, 30)


def test_measured_once_per_width() -> None:
    console = Console(width=80, color_system=None, file=None)
    inner = Counted()
    once = RenderedOnce(inner)
    options = console.options.update_width(50)
    measured = Measurement.get(console, options, once)
    assert Measurement.get(console, options, once) == measured == Measurement.get(console, options, inner.grid)
    assert inner.measures == 1
