"""`/`: a one-line command input, so typing `/auth` (as in Qwen Code) works.

A unique prefix runs its command (`/sta` is /status); as the user types, the line under the input lists the
commands that match and the input offers the first one as a completion (→ or Tab accepts it). An unknown or
ambiguous command is answered in that line, with every command, not in a toast over the screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input

from qwen_tui.core.i18n import t
from qwen_tui.resources import stylesheet
from qwen_tui.ui.palette import COMMANDS, matching, run_command
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.plain import Plain


def _names(commands) -> str:
    return "  ".join(f"/{c.name}" for c in commands)


class CommandInputScreen(QwenScreen, ModalScreen[None]):
    CSS_PATH = stylesheet("command_input")
    BINDINGS = [
        Binding("escape", "dismiss_input", "app.binding.close", id="command_input.close"),
        Binding("tab", "complete", show=False, priority=True, id="command_input.complete"),
    ]

    def __init__(self) -> None:
        super().__init__(name="command_input")

    def compose(self) -> ComposeResult:
        with Vertical(id="command-box"):
            suggester = SuggestFromList([f"/{c.name}" for c in COMMANDS], case_sensitive=False)
            yield Input(value="/", placeholder="/auth", id="command", suggester=suggester, select_on_focus=False)
            yield Plain(self._hint(), id="command-hint")

    def _hint(self) -> str:
        return t("command.input.hint", commands=_names(COMMANDS))

    def _show(self, text: str, *, error: bool = False) -> None:
        hint = self.query_one("#command-hint", Plain)
        hint.update(text)
        hint.set_class(error, "error")

    def on_input_changed(self, event: Input.Changed) -> None:
        typed = event.value.strip().lstrip("/")
        found = matching(typed) if typed else []
        if not typed or not found:
            self._show(self._hint())
        else:
            self._show("\n".join(f"/{c.name}  {t(c.help_key)}" for c in found))

    def action_complete(self) -> None:
        field = self.query_one("#command", Input)
        found = matching(field.value)
        if len(found) == 1:
            field.value = f"/{found[0].name}"
            field.cursor_position = len(field.value)

    def action_dismiss_input(self) -> None:
        self.dismiss(None)

    def action_command_help(self) -> None:
        self._show("\n".join(f"/{c.name}  {t(c.help_key)}" for c in COMMANDS))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        found = matching(typed)
        if len(found) != 1:
            key = "command.input.several" if found else "command.input.unknown"
            self._show(t(key, command=typed, commands=_names(found or COMMANDS)), error=True)
            return
        if found[0].action == "command_help":
            with self.prevent(Input.Changed):    # the listing stays until the user types again
                self.query_one("#command", Input).value = "/"
            self.action_command_help()
            return
        self.dismiss(None)
        run_command(self.app, found[0])
