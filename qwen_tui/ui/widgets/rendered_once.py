"""A rich renderable drawn once per set of console options instead of at every layout pass.

Textual measures a rich renderable and renders it again for the height it asks and for each frame: each of the
chooser's options (a `Table.grid`, for the hanging indent) was rendered three times before the first frame
(bench/startup.py). What a table renders depends only on the options it is given, so the segments and the
measurement are kept per set of options.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


class RenderedOnce:
    """`renderable`, rendered (and measured) once for each distinct set of console options."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._segments: dict[tuple[Any, ...], list[Segment]] = {}
        self._measurements: dict[tuple[Any, ...], Measurement] = {}

    @staticmethod
    def _key(options: ConsoleOptions) -> tuple[Any, ...]:
        return (options.min_width, options.max_width, options.height, options.max_height, options.justify,
                options.overflow, options.no_wrap, options.highlight, options.markup, options.is_terminal,
                options.encoding, options.legacy_windows)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = self._key(options)
        segments = self._segments.get(key)
        if segments is None:
            segments = self._segments[key] = list(console.render(self.renderable, options))
        yield from segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        key = self._key(options)
        measurement = self._measurements.get(key)
        if measurement is None:
            measurement = self._measurements[key] = Measurement.get(console, options, self.renderable)
        return measurement
