"""A screen's scrolling body that is a focus stop only while it has something to scroll (issue 14 point 8).

A VerticalScroll is always focusable, and nothing showed its focus: Tab landed on it and seemed to go nowhere.
Here it is a stop only when its content overflows (then the arrow and page keys scroll it), and shows its focus
with a bar on its left edge (app.tcss), drawn in a column that is blank otherwise, so nothing moves. It takes the
focus from Tab only: focused on its own a frame after the screen, it raced the screen's own first focus.
A form's scrolling body (the cursor and the focus kept in sight) is widgets/form_scroll.py: not on the launch path.
"""

from __future__ import annotations

from textual.containers import VerticalScroll


class ScrollBody(VerticalScroll):
    def allow_focus(self) -> bool:
        return self.can_focus and self.max_scroll_y > 0
