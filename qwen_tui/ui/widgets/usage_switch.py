"""The chooser's usage-statistics switch, mounted with the section under the methods a frame after the chooser's
first (its module and Textual's Switch are not loaded before that frame: launch budget)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Switch


class UsageSwitch(Switch):
    """The chooser's usage-statistics switch. It is mounted once the screen is drawn and again after a
    re-render, so it takes the screen's current choice (`choice()`) when it mounts (`u` may have been pressed
    before)."""

    def __init__(self, choice: Callable[[], bool], *, id: str | None = None) -> None:
        super().__init__(value=choice(), id=id)
        self._choice = choice

    def on_mount(self) -> None:
        with self.prevent(Switch.Changed):
            self.value = self._choice()
