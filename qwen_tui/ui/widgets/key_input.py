"""The API key field of the provider form."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from qwen_tui.core.providers.validate import normalize_key


class KeyInput(Input):
    """The key field: a paste follows the one key rule (validate.normalize_key: a multi-line paste is joined,
    whitespace inside removed), where a plain Input keeps only a paste's first line."""

    def _on_paste(self, event: events.Paste) -> None:
        key = normalize_key(event.text)
        if key:
            if self.selection.is_empty:
                self.insert_text_at_cursor(key)
            else:
                self.replace(key, *self.selection)
        event.prevent_default()   # Input's own handler (which keeps the first line) must not run too
        event.stop()
