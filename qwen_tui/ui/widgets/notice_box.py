"""The box showing `app.notices` (ui/notices.py). Its own module: home's first frame goes without it when there
is no notice (it joins a frame later), and a widget class costs Textual ~2 M instructions to build at import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical

from qwen_tui.core.i18n import t
from qwen_tui.ui.widgets.plain import Plain

if TYPE_CHECKING:
    from textual import getters

    from qwen_tui.ui.app import QwenTuiApp


class NoticeBox(Vertical):
    """The lines of `app.notices`, under a title; hidden while there are none."""

    if TYPE_CHECKING:   # the typed app, for the checker only (as QwenScreen)
        app = getters.app(QwenTuiApp)

    def compose(self) -> ComposeResult:
        lines = self.app.notices.lines()
        self.display = bool(lines)
        if lines:   # hidden, it holds nothing to style (home's first frame, launch budget); a change recomposes
            yield Plain(t("notices.title"), classes="subtitle")
            yield Plain("\n".join(f"• {line}" for line in lines), classes="notice-lines")

    def on_mount(self) -> None:
        self.app.notices.changed.subscribe(self, self._changed)

    async def _changed(self, topic: str) -> None:
        await self.recompose()
