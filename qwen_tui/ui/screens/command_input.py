"""`/`: a one-line command input, so typing `/auth` (as in Qwen Code) works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from qwen_tui.core.i18n import t
from qwen_tui.resources import stylesheet
from qwen_tui.ui.palette import COMMANDS, find_command
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.plain import Plain


class CommandInputScreen(QwenScreen, ModalScreen[None]):
    CSS_PATH = stylesheet("command_input")
    BINDINGS = [Binding("escape", "dismiss_input", "app.binding.close", id="command_input.close")]

    def __init__(self) -> None:
        super().__init__(name="command_input")

    def compose(self) -> ComposeResult:
        with Vertical(id="command-box"):
            yield Input(value="/", placeholder="/auth", id="command")
            hint = "  ".join(f"/{c.name}" for c in COMMANDS)
            yield Plain(t("app.command_input.hint", commands=hint), id="command-hint")

    def action_dismiss_input(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        command = find_command(event.value)
        if command is None:
            self.app.notify(t("app.command_input.unknown", command=event.value.strip()), severity="warning")
            return
        self.dismiss(None)
        self.app.call_later(self.app.run_action, command.action)
