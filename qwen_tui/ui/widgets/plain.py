"""Plain text that is never parsed as markup and always passes the sanitiser.

Screens show outside text (values and paths from settings files a cloned repository may ship, server messages,
model ids) in these widgets and cells: `[/]` in such text is just text, and an escape sequence is shown as a
visible escape (`\\x1b`) instead of reaching the terminal.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static

from qwen_tui.core.sanitize import clean

# A Plain holds whole paragraphs (a list of problems, a server's refusal): a generous cap, lines kept.
PLAIN_LIMIT = 4000


class Plain(Static):
    """A Static whose text is never parsed as markup and is sanitised (lines kept) as it is set."""

    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        super().__init__(_sanitised(content), markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(_sanitised(content), layout=layout)


def _sanitised(content: VisualType) -> VisualType:
    return clean(content, limit=PLAIN_LIMIT, multiline=True) if isinstance(content, str) else content


def plain_text(value: object, *, limit: int = 300, style: str = "") -> Text:
    """One line of outside text for a DataTable cell, a Select or OptionList prompt (which parse a plain
    string as markup): sanitised, never markup."""
    return Text(clean(value, limit=limit), style=style, end="")
