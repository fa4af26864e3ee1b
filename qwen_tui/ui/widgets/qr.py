"""A QR code drawn with half-block characters: two modules per terminal cell, so a 33-module code takes 17 rows.

Dark modules are black on a white background whatever the theme: scanners need dark-on-light and a light
quiet zone. The encoder is `segno` (pure Python), imported only when a code is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from qwen_tui.core.i18n import t
from qwen_tui.ui.widgets.plain import Plain

QUIET_ZONE = 2  # modules; the standard asks for 4, phones read 2 fine and it saves 2 rows at 80×24
QR_STYLE = "#000000 on #ffffff"
# (top dark, bottom dark) → the character that draws that pair in the foreground colour.
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_matrix(text: str, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The modules of the smallest QR code holding `text` (error level L, raised when free), True = dark."""
    import segno

    code = segno.make(text, error="l", micro=False)
    return [[bool(module) for module in row] for row in code.matrix_iter(scale=1, border=border)]


def half_block_lines(matrix: Sequence[Sequence[bool]]) -> list[str]:
    """Two matrix rows per text line; an odd last row is paired with a light one."""
    lines = []
    for top in range(0, len(matrix), 2):
        upper = matrix[top]
        lower = matrix[top + 1] if top + 1 < len(matrix) else [False] * len(upper)
        lines.append("".join(_HALF_BLOCKS[(bool(a), bool(b))] for a, b in zip(upper, lower, strict=False)))
    return lines


class QrCode(Static):
    """The QR code of one text (a URL); its size follows from the text."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.lines: list[str] = []
        if text:
            self.encode(text)

    def encode(self, text: str) -> None:
        """Draw the code of `text` (replacing any previous one). Empty text, or text too long for any QR code
        (a server may send a 4,000-character URL), draws nothing: `lines` stays empty, the host hides it."""
        try:
            self.lines = half_block_lines(qr_matrix(text)) if text else []
        except ValueError:   # segno's DataOverflowError
            self.lines = []
        self.update(Content.styled("\n".join(self.lines), QR_STYLE) if self.lines else "")

    @property
    def cell_size(self) -> tuple[int, int]:
        """(columns, rows) the code needs."""
        return (len(self.lines[0]) if self.lines else 0), len(self.lines)


class QrScreen(ModalScreen[None]):
    """The QR code on its own, for terminals too small to show it beside the URL; the code stays visible."""

    DEFAULT_CSS = """
    QrScreen { align: center middle; }
    QrScreen > Vertical { width: auto; height: auto; background: $surface; padding: 0 1; }
    QrScreen Plain { width: auto; }
    QrScreen .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "app.binding.close", id="qr.close"),
        Binding("v", "dismiss", "app.binding.close", id="qr.close_v", show=False),
    ]

    def __init__(self, url: str, user_code: str) -> None:
        super().__init__(name="qr")
        self.url = url
        self.user_code = user_code

    def compose(self) -> ComposeResult:
        with Vertical():
            yield QrCode(self.url, id="qr-modal-code")
            yield Plain(t("signin.qr.code_line", code=self.user_code), id="qr-modal-user-code")
            yield Plain(t("signin.qr.close"), classes="hint")
