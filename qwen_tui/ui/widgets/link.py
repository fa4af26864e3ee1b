"""A focusable link: shown as text (a terminal hyperlink where supported), opened in a browser only where
one can be, and always copyable (OSC 52)."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static


class Link(Static, can_focus=True):
    """`label: url`. Enter opens (or copies when no browser can open), `c` copies."""

    BINDINGS = [
        Binding("enter", "open", "app.binding.open_link", id="link.open"),
        Binding("c", "copy", "app.binding.copy_link", id="link.copy"),
    ]

    def __init__(self, label: str, url: str, *, id: str | None = None, classes: str = "") -> None:
        self.label = label
        self.url = url
        super().__init__(self._content(), id=id, classes=f"link {classes}".strip())

    def _content(self) -> Content:
        return Content.assemble(f"{self.label}: ", (self.url, f"underline link={self.url}"))

    def action_open(self) -> None:
        self.app.open_link(self.url)  # type: ignore[attr-defined]

    def action_copy(self) -> None:
        self.app.copy_link(self.url)  # type: ignore[attr-defined]

    def on_click(self) -> None:
        self.focus()
