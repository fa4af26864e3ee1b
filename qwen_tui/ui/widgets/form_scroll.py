"""A form's scrolling body: the terminal's cursor and the focus kept in sight as it scrolls (the provider form).
Apart from widgets/scroll_body.py, whose ScrollBody every first screen uses: a class is built when its module is
imported, and these are not needed before a form is opened (launch budget)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input


class CursorScroll(VerticalScroll):
    """A scrolling form that keeps the terminal's cursor on its focused input. Textual places the cursor when an
    input gains the focus, before the scroll that brings the input into view, and not again after it: Tab into a
    field below the fold left the cursor where the field was, off screen (screen readers, input methods and
    anyone watching the terminal's cursor lost the field)."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.call_after_refresh(self._place_cursor)

    def _place_cursor(self) -> None:
        focused = self.screen.focused if self.is_attached else None
        if isinstance(focused, Input) and self in focused.ancestors:
            self.app.cursor_position = focused.cursor_screen_offset


def keep_focus_in_sight(body: Widget, fallback: Widget) -> None:
    """After `body` scrolled to show something new (a form's result), the focused widget may be out of sight (a
    field and the result further apart than the screen shows). An empty field (the one a "needs a key" result
    points at) is scrolled back into view: the user fills it in there. Otherwise the focus moves to `fallback`,
    a stop beside the result, rather than stay where typing would go unseen."""
    def check() -> None:
        if not (body.is_attached and fallback.is_attached):   # the screen is gone (a save went home)
            return
        focused = body.screen.focused
        if focused is None or body.region.contains_region(focused.region):
            return
        if isinstance(focused, Input) and not focused.value:
            focused.scroll_visible(animate=False)
        else:
            fallback.focus(scroll_visible=False)

    body.call_after_refresh(body.call_after_refresh, check)   # once the scroll to the result is drawn
