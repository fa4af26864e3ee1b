"""Textual's LoadingIndicator, ticking only while it is displayed.

The provider form's indicators are hidden by its stylesheet until a check or a model fetch runs. Textual's
indicator ticks 16 times a second from its mount on, displayed or not: two of them cost 8 ms of CPU per second
(measured) the whole time the form was open, on a small machine over SSH as in every UI test that opens it."""

from __future__ import annotations

from textual.widgets import LoadingIndicator

TICK = 1 / 16   # seconds: Textual's own rate


class Spinner(LoadingIndicator):
    def automatic_refresh(self) -> None:
        if self.display:
            super().automatic_refresh()
        else:   # hidden: no more ticks until the stylesheet shows it again (notify_style_update)
            self.auto_refresh = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.display and self.auto_refresh is None and self.is_mounted:
            self.auto_refresh = TICK
