"""What comes after choosing a method. The sign-in flows are being built: this screen says so plainly.

`next_step_screen()` is the one place that maps a method to its next screen, so the device-flow widget and
the provider form replace the placeholder here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from qwen_tui.core.i18n import t
from qwen_tui.core.methods import QWEN_OAUTH_FREE_TIER_END, AuthMethod, method_info
from qwen_tui.resources import stylesheet
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.plain import Plain


class NextStepScreen(QwenScreen):
    CSS_PATH = stylesheet("next_step")
    BINDINGS = [Binding("escape", "back", "app.binding.back", id="next_step.back")]

    def __init__(self, method: AuthMethod) -> None:
        super().__init__(name="next_step")
        self.method = method

    def compose(self) -> ComposeResult:
        info = method_info(self.method)
        with Vertical(id="next-step"):
            yield Plain(t(info.title_msg), id="next-title", classes="title")
            if self.method == AuthMethod.QWEN_OAUTH:
                yield Plain(t("method.qwen_oauth.shutdown", date=QWEN_OAUTH_FREE_TIER_END), classes="warning")
                yield Plain(t("chooser.next.qwen_oauth"), id="next-body")
            else:
                yield Plain(t("chooser.next.openai"), id="next-body")
            yield Plain(t("chooser.next.meanwhile"), classes="hint")
        yield Footer()

    def action_back(self) -> None:
        self.app.pop_screen()


def next_step_screen(method: AuthMethod) -> Screen:
    """The screen that continues the setup of `method`."""
    return NextStepScreen(method)
