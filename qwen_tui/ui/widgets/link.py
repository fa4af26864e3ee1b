"""Links that stay whole: a URL is never wrapped mid-token (issue 14 point 7).

`WholeUrl` draws `label: url` on one line when both fit, else the label and then the URL on a line of its own;
a URL wider than that line is clipped with `…`. The URL is a terminal hyperlink (OSC 8, the full address,
underlined so it still reads as a link under NO_COLOR), so the clipped part is never lost: the `Link` widget
also opens it and copies it (OSC 52).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from qwen_tui.core.i18n import t
from qwen_tui.core.sanitize import clean

if TYPE_CHECKING:
    from textual import getters

    from qwen_tui.ui.app import QwenTuiApp

URL_LIMIT = 2500   # characters of a URL kept (shown, opened and copied as shown)
URL_INDENT = 2     # a URL on its own line is indented under its label
NARROWEST = 12     # a URL alone is never measured narrower than this: "https://…" and a little


class WholeUrl:
    """A Rich renderable: `label: url`, the URL on one line (its own line when it does not fit beside the
    label), clipped with `…` past the width, always a hyperlink to the whole URL. Usable in a Static, an
    OptionList prompt or a table cell."""

    def __init__(self, url: str, label: str = "", *, style: str | Style = "") -> None:
        self.url = clean(url, limit=URL_LIMIT)
        self.label = clean(label, limit=300)
        self.style = style

    def _head(self) -> str:
        return t("screen_truth.label", label=self.label) if self.label else ""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        url_style = Style(underline=True, link=self.url)
        head = self._head()
        if cell_len(head) + cell_len(self.url) <= width:
            yield Text.assemble(head, (self.url, url_style), style=self.style, no_wrap=True)
            return
        indent = ""
        if head:
            yield Text(head.rstrip(), style=self.style)   # words wrap at spaces, as any label does
            indent = " " * min(URL_INDENT, max(width - NARROWEST, 0))
        line = Text.assemble(indent, (self.url, url_style), style=self.style, no_wrap=True, overflow="ellipsis")
        line.truncate(width, overflow="ellipsis")
        yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        whole = cell_len(self._head()) + cell_len(self.url)
        return Measurement(min(NARROWEST, whole), whole).clamp(max_width=options.max_width)


class Link(Static, can_focus=True):
    """`label: url` (a `WholeUrl`). Enter opens (or copies when no browser can open), `c` copies."""

    BINDINGS = [
        Binding("enter", "open", "app.binding.open_link", id="link.open"),
        Binding("c", "copy", "app.binding.copy_link", id="link.copy"),
    ]
    if TYPE_CHECKING:
        app = getters.app(QwenTuiApp)

    def __init__(self, label: str, url: str, *, id: str | None = None, classes: str = "") -> None:
        self.whole = WholeUrl(url, label)
        self.label = self.whole.label
        self.url = self.whole.url
        super().__init__(self.whole, id=id, classes=f"link {classes}".strip())

    def action_open(self) -> None:
        self.app.links.open(self.url)

    def action_copy(self) -> None:
        self.app.links.copy(self.url)

    def on_click(self) -> None:
        self.focus()
