"""A QR code drawn with half-block characters: two modules per terminal cell, so a 33-module code takes 17 rows.

Dark modules are black on a white background whatever the theme: scanners need dark-on-light and a light
quiet zone. The encoder is `segno` (pure Python), imported only when a code is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

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
