"""Plain text that is never parsed as markup."""

from __future__ import annotations

from textual.widgets import Static


class Plain(Static):
    """A Static whose text is never parsed as markup (paths, URLs and messages may contain `[`)."""

    def __init__(self, content: object = "", **kwargs: object) -> None:
        super().__init__(content, markup=False, **kwargs)  # type: ignore[arg-type]
