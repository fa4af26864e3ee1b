"""Switches, checkboxes and radio buttons that show their state as text, not by colour alone: readable under
NO_COLOR, in a plain capture and by anyone who cannot tell navy from black. A switch is followed by "On" /
"Off"; a checkbox draws ✓ or –; a radio button ● or ○."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Label, RadioButton, Switch

from qwen_tui.core.i18n import t


def state_word(value: bool) -> str:
    return t("state.on") if value else t("state.off")


class StateSwitch(Horizontal):
    """A switch, its state in words, then its label. The word follows every change of the switch's value,
    also one made under `prevent(Switch.Changed)` (a screen showing what a new resolution says)."""

    DEFAULT_CSS = """
    StateSwitch { height: auto; }
    StateSwitch > .switch-state { width: auto; padding: 0 0 0 1; text-style: bold; }
    StateSwitch > .switch-label { width: 1fr; }
    """

    def __init__(self, switch: Switch, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.switch = switch
        self.label = label
        # Held, not queried: an app quitting just after this mounts removes the children before on_mount's
        # first call of the watcher, and a query would then crash the exit.
        self._state = Label(state_word(switch.value), classes="switch-state")

    def compose(self) -> ComposeResult:
        yield self.switch
        yield self._state
        yield Label(self.label, classes="switch-label", markup=False)

    def on_mount(self) -> None:
        self.watch(self.switch, "value", self._show_state)

    def _show_state(self, value: bool) -> None:
        self._state.update(state_word(value))


class StateCheckbox(Checkbox):
    """A checkbox whose box reads ✓ when checked and – when not (Textual draws X either way)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's class attribute, made to follow the value
        return "✓" if self.value else "–"


class StateRadioButton(RadioButton):
    """A radio button that reads ● when selected and ○ when not (Textual draws ● either way)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - as above
        return "●" if self.value else "○"
