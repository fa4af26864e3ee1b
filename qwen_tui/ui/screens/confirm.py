"""A yes/no question over the current screen: `push_screen(ConfirmScreen(...), callback)` gets True or False.

"No" has the focus at first, so an Enter pressed out of habit never confirms something risky; `y` confirms,
`n` and Esc cancel.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from qwen_tui.core.i18n import t
from qwen_tui.resources import stylesheet
from qwen_tui.ui.widgets.plain import Plain


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = stylesheet("confirm")
    BINDINGS = [
        Binding("y", "answer(True)", "form.confirm.yes", id="confirm.yes", show=False),
        Binding("n", "answer(False)", "form.confirm.no", id="confirm.no", show=False),
        Binding("escape", "answer(False)", "app.binding.back", id="confirm.cancel", show=False),
    ]

    def __init__(self, question: str, *, confirm_label: str | None = None, danger: bool = False) -> None:
        super().__init__(name="confirm")
        self.question = question
        self.confirm_label = confirm_label or t("form.confirm.yes")
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Plain(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, id="confirm-yes", variant="error" if self.danger else "primary",
                             compact=True)
                yield Button(t("form.confirm.no"), id="confirm-no", compact=True)
            yield Plain(t("form.confirm.keys"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
