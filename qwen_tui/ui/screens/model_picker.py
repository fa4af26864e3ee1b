"""Choose the model of a provider install (Qwen Code's `/model` for one install): Enter uses it, Esc goes back.

The list starts on the active model (marked ●); `dismiss` returns the chosen model's index in the install,
or None. Model ids come from settings files: shown as plain text, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qwen_tui.core.i18n import t
from qwen_tui.resources import stylesheet
from qwen_tui.ui.widgets.plain import Plain, plain_text

if TYPE_CHECKING:
    from qwen_tui.core.providers.installs import Install


class ModelPickerScreen(ModalScreen[int | None]):
    CSS_PATH = stylesheet("model_picker")
    BINDINGS = [Binding("escape", "dismiss_none", "app.binding.back", id="model_picker.back")]

    def __init__(self, install: Install) -> None:
        super().__init__(name="model_picker")
        self.install = install

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Plain(t("installs.picker.title", label=self.install.label), id="picker-title")
            yield OptionList(*(Option(plain_text(("● " if profile.active else "  ") + profile.id), id=str(index))
                               for index, profile in enumerate(self.install.profiles)), id="picker-models")
            yield Plain(t("installs.picker.keys"), classes="hint")

    def on_mount(self) -> None:
        models = self.query_one("#picker-models", OptionList)
        models.highlighted = next((i for i, p in enumerate(self.install.profiles) if p.active), 0)
        models.focus()

    @on(OptionList.OptionSelected, "#picker-models")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
