"""The placeholder painted at once while the configuration is resolved in a worker."""

from __future__ import annotations

from textual.app import ComposeResult

from qwen_tui.core.i18n import t
from qwen_tui.resources import stylesheet
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.plain import Plain


class LoadingScreen(QwenScreen):
    CSS_PATH = stylesheet("loading")

    def __init__(self) -> None:
        super().__init__(name="loading")

    def compose(self) -> ComposeResult:
        yield Plain(t("app.loading"), id="loading")
