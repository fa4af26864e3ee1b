"""How the provider form shows a result (issue 14 points 2 and 8), kept beside the form so its module stays small."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget

from qwen_tui.ui.widgets.form_scroll import keep_focus_in_sight
from qwen_tui.ui.widgets.key_input import KeyInput


def show_result(outcome: Widget, body: Widget, fallback: Widget) -> None:
    """Scroll the result into view once its new text is laid out (before, the box still has its old, often
    one-line, size), then keep the focus in sight (Ctrl+T in the key field at 80×24: keep_focus_in_sight)."""
    outcome.call_after_refresh(outcome.scroll_visible, animate=False)
    outcome.call_after_refresh(keep_focus_in_sight, body, fallback)


def key_shape_note(screen: Screen, status: int | None) -> str:
    """The word on the key's shape for a rejection of a key pasted with whitespace inside (KeyInput)."""
    return screen.query_one("#api-key", KeyInput).shape_note(status)
