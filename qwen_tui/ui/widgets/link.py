"""A focusable link: shown as text (a terminal hyperlink where supported), opened in a browser only where
one can be, and always copyable (OSC 52)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.binding import Binding
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from qwen_tui.core.sanitize import clean

if TYPE_CHECKING:
    from qwen_tui.ui.app import QwenTuiApp


class Link(Static, can_focus=True):
    """`label: url`. Enter opens (or copies when no browser can open), `c` copies."""

    BINDINGS = [
        Binding("enter", "open", "app.binding.open_link", id="link.open"),
        Binding("c", "copy", "app.binding.copy_link", id="link.copy"),
    ]
    if TYPE_CHECKING:
        app = getters.app(QwenTuiApp)

    def __init__(self, label: str, url: str, *, id: str | None = None, classes: str = "") -> None:
        self.label = label
        self.url = clean(url, limit=2500)   # shown, opened and copied as shown
        super().__init__(self._content(), id=id, classes=f"link {classes}".strip())

    def _content(self) -> Content:
        # A Style object, not a style string: the URL is never parsed as style syntax.
        return Content.assemble(f"{self.label}: ", (self.url, Style(underline=True, link=self.url)))

    def action_open(self) -> None:
        self.app.open_link(self.url)

    def action_copy(self) -> None:
        self.app.copy_link(self.url)

    def on_click(self) -> None:
        self.focus()
